/* Thread-local storage: each thread sees its own copy of a __thread
 * variable (initialised from the TLS image), the main thread's is untouched. */
#include "../common.h"
#include <pthread.h>

static __thread long tv = 1000;
static __thread char tbuf[64] = "initial";

static void *worker(void *arg)
{
	long i = (long)arg;
	long before = tv;

	tv = i;
	snprintf(tbuf, sizeof(tbuf), "thread %ld", i);
	sched_yield();
	return (void *)(before * 100 + (tv == i) * 10 + (strcmp(tbuf, "thread") > 0));
}

int main(void)
{
	pthread_t th[4];
	void *ret;

	tv = 7;
	for (long i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, worker, (void *)i);
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], &ret);
		printf("thread %d: initial tv*100+own*10+buf = %ld\n", i, (long)ret);
	}
	printf("main tv = %ld, tbuf = %s\n", tv, tbuf);
	return 0;
}
