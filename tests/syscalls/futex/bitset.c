/* FUTEX_WAIT_BITSET/FUTEX_WAKE_BITSET: a wake only reaches waiters whose
 * bitset intersects its own; a zero bitset is EINVAL. */
#include "../common.h"
#include "futex.h"
#include <pthread.h>

static int word;
static volatile int woke[2];

static void *waiter(void *arg)
{
	long i = (long)arg;

	while (futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, NULL, 1 << i) != 0)
		;
	woke[i] = 1;
	return NULL;
}

int main(void)
{
	pthread_t th[2];

	for (long i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, waiter, (void *)i);
	sleep_ms(200);
	SHOW(futex(&word, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, NULL, NULL, 1 << 1));
	pthread_join(th[1], NULL);
	printf("woke: %d %d\n", woke[0], woke[1]);
	SHOW(futex(&word, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, NULL, NULL, 1 << 3));
	SHOW(futex(&word, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, NULL, NULL, FUTEX_BITSET_MATCH_ANY));
	pthread_join(th[0], NULL);
	printf("woke: %d %d\n", woke[0], woke[1]);
	SHOW(futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, NULL, 0));
	SHOW(futex(&word, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, 0));
	return 0;
}
