/* A thread exits (pthread_exit) while others keep running; the main thread
 * itself exits with pthread_exit while a worker still runs, and the process
 * lives on until the last thread returns. */
#include "../common.h"
#include <pthread.h>

static volatile int stop, started;

static void *early(void *arg)
{
	pthread_exit((void *)42);
}

static void *spinner(void *arg)
{
	long n = 1;

	started = 1;
	while (!stop)
		n++, sched_yield();
	return (void *)(n > 0 ? 1L : 0L);
}

static void *last(void *arg)
{
	/* Runs after main has called pthread_exit. */
	sleep_ms(100);
	printf("last thread still running after main exited\n");
	exit(0);
}

int main(void)
{
	pthread_t a, b, c;
	void *ret;

	pthread_create(&b, NULL, spinner, NULL);
	pthread_create(&a, NULL, early, NULL);
	pthread_join(a, &ret);
	printf("early thread exit value %ld\n", (long)ret);
	while (!started)
		sched_yield();
	stop = 1;
	pthread_join(b, &ret);
	printf("spinner ran: %ld\n", (long)ret);
	pthread_create(&c, NULL, last, NULL);
	printf("main thread exiting\n");
	pthread_exit(NULL);
}
