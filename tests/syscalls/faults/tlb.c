/* TLB invalidation across threads: while other threads keep touching a
 * page, munmap or mprotect of it returns only when no thread can reach
 * it the old way any more. Each worker checks a "done" flag before every
 * access; an access that succeeds after it saw the flag set came through
 * a stale translation. Repeated a number of rounds. */
#include "faults.h"
#include <pthread.h>
#include <sys/mman.h>

#define WORKERS 3
#define ROUNDS 30

static volatile char *volatile page;
static volatile int done, mode; /* 0: munmap, 1: mprotect read-only */
static volatile int stale, faults_seen, started;
static __thread sigjmp_buf tjb;

static void segv(int sig, siginfo_t *si, void *uc)
{
	siglongjmp(tjb, 1);
}

static void *worker(void *arg)
{
	volatile char *p = page;

	__atomic_fetch_add(&started, 1, __ATOMIC_SEQ_CST);
	if (sigsetjmp(tjb, 1)) {
		__atomic_fetch_add(&faults_seen, 1, __ATOMIC_SEQ_CST);
		return NULL;
	}
	for (;;) {
		int was_done = __atomic_load_n(&done, __ATOMIC_SEQ_CST);

		if (mode == 0)
			(void)*p;
		else
			*p = 1;
		if (was_done) {
			__atomic_fetch_add(&stale, 1, __ATOMIC_SEQ_CST);
			return NULL;
		}
	}
}

int main(void)
{
	struct sigaction sa = { 0 };
	pthread_t t[WORKERS];

	sa.sa_sigaction = segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	for (mode = 0; mode < 2; mode++) {
		int ok_rounds = 0;

		for (int r = 0; r < ROUNDS; r++) {
			page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				    -1, 0);
			page[0] = 1;
			done = 0;
			stale = faults_seen = started = 0;
			for (int i = 0; i < WORKERS; i++)
				pthread_create(&t[i], NULL, worker, NULL);
			while (__atomic_load_n(&started, __ATOMIC_SEQ_CST) < WORKERS)
				sched_yield();
			/* Let them spin on the page for a moment. */
			for (volatile int i = 0; i < 200000; i++)
				;
			if (mode == 0)
				munmap((void *)page, 4096);
			else
				mprotect((void *)page, 4096, PROT_READ);
			__atomic_store_n(&done, 1, __ATOMIC_SEQ_CST);
			for (int i = 0; i < WORKERS; i++)
				pthread_join(t[i], NULL);
			if (!stale && faults_seen == WORKERS)
				ok_rounds++;
			else if (r < 3)
				printf("round %d: stale=%d faults=%d\n", r, stale, faults_seen);
			if (mode == 1)
				munmap((void *)page, 4096);
		}
		printf("%s: %d/%d rounds without a stale access\n",
		       mode ? "mprotect read-only" : "munmap", ok_rounds, ROUNDS);
	}
	return 0;
}
