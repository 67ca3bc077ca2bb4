/* Mutex and condition variable: 4 producers, 2 consumers over a bounded
 * queue; every item is consumed exactly once. */
#include "../common.h"
#include <pthread.h>

#define ITEMS 5000
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t notempty = PTHREAD_COND_INITIALIZER, notfull = PTHREAD_COND_INITIALIZER;
static long q[16];
static int qn, done_producers;
static long sum, count;

static void *producer(void *arg)
{
	for (long i = 1; i <= ITEMS; i++) {
		pthread_mutex_lock(&mu);
		while (qn == 16)
			pthread_cond_wait(&notfull, &mu);
		q[qn++] = i;
		pthread_cond_signal(&notempty);
		pthread_mutex_unlock(&mu);
	}
	pthread_mutex_lock(&mu);
	done_producers++;
	pthread_cond_broadcast(&notempty);
	pthread_mutex_unlock(&mu);
	return NULL;
}

static void *consumer(void *arg)
{
	pthread_mutex_lock(&mu);
	for (;;) {
		while (qn == 0 && done_producers < 4)
			pthread_cond_wait(&notempty, &mu);
		if (qn == 0)
			break;
		sum += q[--qn];
		count++;
		pthread_cond_signal(&notfull);
	}
	pthread_mutex_unlock(&mu);
	return NULL;
}

int main(void)
{
	pthread_t p[4], c[2];

	for (int i = 0; i < 2; i++)
		pthread_create(&c[i], NULL, consumer, NULL);
	for (int i = 0; i < 4; i++)
		pthread_create(&p[i], NULL, producer, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(p[i], NULL);
	for (int i = 0; i < 2; i++)
		pthread_join(c[i], NULL);
	printf("consumed %ld items, sum %ld (expected %ld)\n", count, sum,
	       4L * ITEMS * (ITEMS + 1) / 2);
	return 0;
}
