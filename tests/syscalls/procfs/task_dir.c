/* /proc/self/task of a threaded process: one entry per thread, each with
 * its own stat and status, thread-self, and the Threads count. */
#include "procutil.h"
#include <dirent.h>
#include <pthread.h>

static pthread_barrier_t bar;
static pid_t tids[3];

static void *worker(void *arg)
{
	tids[(long)arg] = (pid_t)syscall(SYS_gettid);
	if ((long)arg == 0) {
		char want[64];

		snprintf(want, sizeof(want), "%d/task/%d", getpid(), tids[0]);
		EXPECT(!strcmp(rdlink("/proc/thread-self"), want));
	}
	pthread_barrier_wait(&bar);
	pthread_barrier_wait(&bar);
	return NULL;
}

int main(void)
{
	pthread_t th[3];
	DIR *d;
	struct dirent *de;
	int n = 0, known = 0;
	char *st;

	pthread_barrier_init(&bar, NULL, 4);
	for (long i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, worker, (void *)i);
	pthread_barrier_wait(&bar);
	d = opendir("/proc/self/task");
	while ((de = readdir(d))) {
		pid_t t;

		if (de->d_name[0] == '.')
			continue;
		n++;
		t = atoi(de->d_name);
		if (t == getpid() || t == tids[0] || t == tids[1] || t == tids[2])
			known++;
		EXPECT(de->d_type == DT_DIR);
	}
	closedir(d);
	printf("entries=%d known=%d\n", n, known);
	st = readfile("/proc/self/status");
	printf("Threads=%s\n", field(st, "Threads"));
	free(st);
	for (int i = 0; i < 3; i++) {
		char p[128], want[32];
		char *s;

		snprintf(p, sizeof(p), "/proc/self/task/%d/stat", tids[i]);
		s = readfile(p);
		EXPECT(s && atoi(s) == tids[i]);
		free(s);
		snprintf(p, sizeof(p), "/proc/self/task/%d/status", tids[i]);
		s = readfile(p);
		snprintf(want, sizeof(want), "%d", tids[i]);
		EXPECT(s && !strcmp(field(s, "Pid"), want));
		snprintf(want, sizeof(want), "%d", getpid());
		EXPECT(s && !strcmp(field(s, "Tgid"), want));
		free(s);
		/* A thread is reachable as /proc/<tid> too, though unlisted. */
		snprintf(p, sizeof(p), "/proc/%d/status", tids[i]);
		s = readfile(p);
		EXPECT(s != NULL);
		free(s);
	}
	{
		/* The task directory of a thread has no task/ inside. */
		char p[128];
		struct stat sb;

		snprintf(p, sizeof(p), "/proc/self/task/%d/task", tids[0]);
		SHOW(stat(p, &sb));
		snprintf(p, sizeof(p), "/proc/self/task/%d/maps", tids[0]);
		SHOWOK(stat(p, &sb));
	}
	pthread_barrier_wait(&bar);
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	{
		char p[128];
		struct stat sb;

		/* pthread_join returns when the kernel clears the tid, which
		 * is before the thread is reaped: wait for it to go. */
		snprintf(p, sizeof(p), "/proc/self/task/%d", tids[1]);
		for (int i = 0; i < 500 && stat(p, &sb) == 0; i++)
			usleep(10000);
		SHOW(stat(p, &sb));
	}
	return 0;
}
