/* Detached threads: they run to completion without a join (joining is
 * not needed); the attr stack size is honoured. */
#include "../common.h"
#include <pthread.h>

static volatile int finished;

static void *worker(void *arg)
{
	char big[200 * 1024];

	memset(big, 1, sizeof(big));
	__atomic_fetch_add(&finished, big[100], __ATOMIC_SEQ_CST);
	return NULL;
}

int main(void)
{
	pthread_attr_t at;
	pthread_t th[5];
	size_t ss;

	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&at, 1 << 20);
	pthread_attr_getstacksize(&at, &ss);
	printf("stack size %zu\n", ss);
	for (int i = 0; i < 5; i++)
		SHOW(pthread_create(&th[i], &at, worker, NULL));
	for (int i = 0; i < 500 && finished < 5; i++)
		sleep_ms(10);
	printf("finished %d\n", finished);
	return 0;
}
