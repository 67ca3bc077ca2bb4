/* pthread_create/pthread_join: each thread's return value reaches the
 * joiner, and arguments reach each thread. */
#include "../common.h"
#include <pthread.h>

static void *square(void *arg)
{
	long i = (long)arg;

	return (void *)(i * i);
}

int main(void)
{
	pthread_t th[8];
	void *ret;

	for (long i = 0; i < 8; i++)
		SHOW(pthread_create(&th[i], NULL, square, (void *)i));
	for (int i = 0; i < 8; i++) {
		int r = pthread_join(th[i], &ret);

		printf("join %d: r=%d value=%ld\n", i, r, (long)ret);
	}
	/* Joining a joined thread is undefined; joining self is EDEADLK. */
	SHOW(pthread_join(pthread_self(), NULL));
	return 0;
}
