/* /proc/self/comm and task/<tid>/comm: read, write (truncated to 15
 * bytes, a trailing newline dropped), and what prctl and stat then say. */
#include "procutil.h"
#include <pthread.h>
#include <sys/prctl.h>

static pid_t ttid;
static pthread_barrier_t bar;

static void *worker(void *a)
{
	char name[32] = { 0 };

	ttid = (pid_t)syscall(SYS_gettid);
	pthread_barrier_wait(&bar);
	pthread_barrier_wait(&bar);
	prctl(PR_GET_NAME, name);
	printf("thread name=[%s]\n", name);
	return NULL;
}

static void wr(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t r;

	if (fd < 0) {
		printf("open %s: %s\n", path, errname(errno));
		return;
	}
	r = write(fd, s, strlen(s));
	printf("write [%s] = %zd %s\n", s, r, r < 0 ? errname(errno) : "");
	close(fd);
}

static void rd(const char *path)
{
	char *s = readfile(path);

	printf("read = [%s]\n", s ? s : errname(errno));
	free(s);
}

int main(void)
{
	char name[32] = { 0 }, p[128];
	pthread_t th;

	prctl(PR_SET_NAME, "first");
	rd("/proc/self/comm");
	wr("/proc/self/comm", "second");
	prctl(PR_GET_NAME, name);
	printf("prctl=[%s]\n", name);
	wr("/proc/self/comm", "third\n");
	rd("/proc/self/comm");
	wr("/proc/self/comm", "abcdefghijklmnopqrstuvwxyz");
	rd("/proc/self/comm");
	{
		char *s = readfile("/proc/self/stat");

		printf("stat comm=%.*s\n", (int)(strrchr(s, ')') - strchr(s, '(') + 1), strchr(s, '('));
		free(s);
	}
	pthread_barrier_init(&bar, NULL, 2);
	pthread_create(&th, NULL, worker, NULL);
	pthread_barrier_wait(&bar);
	snprintf(p, sizeof(p), "/proc/self/task/%d/comm", ttid);
	wr(p, "worker");
	rd(p);
	rd("/proc/self/comm");
	pthread_barrier_wait(&bar);
	pthread_join(th, NULL);
	return 0;
}
