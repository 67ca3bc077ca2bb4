/* Futex timeouts: FUTEX_WAIT takes a relative timeout, FUTEX_WAIT_BITSET
 * an absolute one (CLOCK_MONOTONIC, or CLOCK_REALTIME with the flag); both
 * expire with ETIMEDOUT no earlier than asked. Invalid timespecs are EINVAL. */
#include "../common.h"
#include "futex.h"

int main(void)
{
	int word = 0;
	struct timespec rel = { 0, 50000000 }, abs, bad = { 0, -1 };
	double t0;

	t0 = now_mono();
	SHOW(futex(&word, FUTEX_WAIT_PRIVATE, 0, &rel, NULL, 0));
	EXPECT(now_mono() - t0 >= 0.050);

	clock_gettime(CLOCK_MONOTONIC, &abs);
	abs.tv_nsec += 50000000;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	SHOW(futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, &abs, NULL, FUTEX_BITSET_MATCH_ANY));
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	EXPECT(now.tv_sec > abs.tv_sec || (now.tv_sec == abs.tv_sec && now.tv_nsec >= abs.tv_nsec));

	clock_gettime(CLOCK_REALTIME, &abs);
	abs.tv_nsec += 30000000;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	SHOW(futex(&word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 0, &abs, NULL,
		   FUTEX_BITSET_MATCH_ANY));
	/* An absolute deadline in the past expires at once. */
	abs.tv_sec -= 10;
	SHOW(futex(&word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 0, &abs, NULL,
		   FUTEX_BITSET_MATCH_ANY));
	SHOW(futex(&word, FUTEX_WAIT_PRIVATE, 0, &bad, NULL, 0));
	/* FUTEX_CLOCK_REALTIME is not valid with plain FUTEX_WAIT before 4.5... it is
	 * accepted since; zero relative timeout is an immediate ETIMEDOUT. */
	struct timespec zero = { 0, 0 };
	SHOW(futex(&word, FUTEX_WAIT_PRIVATE, 0, &zero, NULL, 0));
	return 0;
}
