/* fork from a multithreaded process: the child has only the forking
 * thread, sees the memory as of the fork, and can create threads itself. */
#include "../common.h"
#include <pthread.h>

static volatile int stop;
static volatile long progress;

static void *spin(void *arg)
{
	while (!stop)
		progress++;
	return NULL;
}

static void *child_thread(void *arg)
{
	return (void *)7L;
}

int main(void)
{
	pthread_t th;

	pthread_create(&th, NULL, spin, NULL);
	while (progress < 1000)
		sched_yield();
	pid_t pid = fork();
	if (pid == 0) {
		long before = progress;
		void *ret;

		sleep_ms(30);
		/* Nobody runs spin() here, so progress cannot move. */
		int frozen = progress == before;
		pthread_create(&th, NULL, child_thread, NULL);
		pthread_join(th, &ret);
		_exit(frozen && (long)ret == 7 ? 0 : 1);
	}
	reap(pid, "child (0 = single thread, can spawn)");
	stop = 1;
	pthread_join(th, NULL);
	return 0;
}
