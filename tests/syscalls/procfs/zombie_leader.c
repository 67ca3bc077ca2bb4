/* A process whose main thread has exited while another thread runs:
 * the leader shows as a zombie, the process stays listed. */
#include "procutil.h"
#include <pthread.h>

static pid_t pid;

static void *worker(void *a)
{
	char *s;

	sleep_ms(200);
	s = readfile("/proc/self/status");
	printf("State=%s\n", s ? field(s, "State") : errname(errno));
	printf("Threads=%s\n", s ? field(s, "Threads") : "");
	free(s);
	{
		size_t n = 99;

		s = readfile_n("/proc/self/cmdline", &n);
		printf("cmdline len=%zu\n", s ? n : 0);
		free(s);
	}
	{
		char p[64];
		struct stat st;

		snprintf(p, sizeof(p), "/proc/self/task/%d", pid);
		SHOWOK(stat(p, &st));
	}
	fflush(stdout);
	exit(0);
}

int main(void)
{
	pthread_t th;

	pid = getpid();
	pthread_create(&th, NULL, worker, NULL);
	pthread_exit(NULL);
}
