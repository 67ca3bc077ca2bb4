/* Many threads at once: 100 threads, all alive together (a barrier), each
 * adding to a shared atomic counter; then all are joined. */
#include "../common.h"
#include <pthread.h>

#define N 100
static pthread_barrier_t bar;
static long counter;

static void *worker(void *arg)
{
	pthread_barrier_wait(&bar);
	for (int i = 0; i < 1000; i++)
		__atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
	return arg;
}

int main(void)
{
	pthread_t th[N];
	int created = 0, joined = 0;
	void *ret;

	pthread_barrier_init(&bar, NULL, N + 1);
	for (long i = 0; i < N; i++)
		if (pthread_create(&th[i], NULL, worker, (void *)i) == 0)
			created++;
	pthread_barrier_wait(&bar);
	for (long i = 0; i < created; i++)
		if (pthread_join(th[i], &ret) == 0 && (long)ret == i)
			joined++;
	printf("created %d joined %d counter %ld\n", created, joined, counter);
	return 0;
}
