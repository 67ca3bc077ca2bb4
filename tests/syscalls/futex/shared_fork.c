/* Shared (non-private) futexes on a MAP_SHARED page across fork: the
 * parent wakes the child and the child wakes the parent. */
#include "../common.h"
#include "futex.h"
#include <sys/mman.h>

int main(void)
{
	int *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		int waits = 0;

		while (__atomic_load_n(&w[0], __ATOMIC_SEQ_CST) == 0)
			if (futex(&w[0], FUTEX_WAIT, 0, NULL, NULL, 0) == 0)
				waits++;
		/* Now wake the parent. */
		__atomic_store_n(&w[1], 1, __ATOMIC_SEQ_CST);
		futex(&w[1], FUTEX_WAKE, 1, NULL, NULL, 0);
		_exit(waits > 0 ? 0 : 1);
	}
	sleep_ms(100);
	__atomic_store_n(&w[0], 1, __ATOMIC_SEQ_CST);
	SHOW(futex(&w[0], FUTEX_WAKE, 1, NULL, NULL, 0));
	while (__atomic_load_n(&w[1], __ATOMIC_SEQ_CST) == 0)
		futex(&w[1], FUTEX_WAIT, 0, NULL, NULL, 0);
	printf("parent woken by child\n");
	reap(pid, "child (0 = slept and was woken)");
	return 0;
}
