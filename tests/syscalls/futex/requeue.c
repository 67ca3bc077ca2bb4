/* FUTEX_CMP_REQUEUE: wakes some waiters of one word and moves the rest to
 * another word, where a later wake finds them; a changed value is EAGAIN. */
#include "../common.h"
#include "futex.h"
#include <pthread.h>

static int f1, f2, released;

static void *waiter(void *arg)
{
	while (!__atomic_load_n(&released, __ATOMIC_SEQ_CST))
		futex(&f1, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	return NULL;
}

int main(void)
{
	pthread_t th[3];

	for (int i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, waiter, NULL);
	sleep_ms(200);
	SHOW(futex(&f1, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)2L, &f2, 5));
	__atomic_store_n(&released, 1, __ATOMIC_SEQ_CST);
	/* One woken + two requeued = 3. */
	SHOW(futex(&f1, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)2L, &f2, 0));
	sleep_ms(50);
	/* Nobody is left on f1; both requeued waiters are on f2. */
	SHOW(futex(&f1, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0));
	SHOW(futex(&f2, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0));
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	printf("all joined\n");
	SHOW(futex(&f1, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)-1L, &f2, 0));
	return 0;
}
