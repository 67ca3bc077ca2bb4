/* FUTEX_WAIT/FUTEX_WAKE: a wait with a stale value is EAGAIN; a waiting
 * thread is woken by FUTEX_WAKE (which reports one woken); waking an
 * unwaited word reports zero. */
#include "../common.h"
#include "futex.h"
#include <pthread.h>

static int word, woke;

static void *waiter(void *arg)
{
	while (__atomic_load_n(&word, __ATOMIC_SEQ_CST) == 0)
		futex(&word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	woke = 1;
	return NULL;
}

int main(void)
{
	pthread_t th;
	long woken = 0;

	SHOW(futex(&word, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0));
	SHOW(futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
	pthread_create(&th, NULL, waiter, NULL);
	/* Wait until the waiter is really asleep: a wake then returns 1. */
	sleep_ms(100);
	__atomic_store_n(&word, 1, __ATOMIC_SEQ_CST);
	woken = futex(&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
	pthread_join(th, NULL);
	printf("woken=%ld woke=%d\n", woken, woke);
	return 0;
}
