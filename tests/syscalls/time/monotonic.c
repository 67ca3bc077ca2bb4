/* Clocks: CLOCK_MONOTONIC never goes backwards (through the vDSO and the
 * raw syscall), realtime agrees with gettimeofday/time, resolutions are
 * 1 ns for the high-resolution clocks, bad clock ids are EINVAL. */
#include "../common.h"
#include <sys/time.h>

static int ts_le(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec <= b->tv_nsec);
}

int main(void)
{
	struct timespec prev, cur, res;
	struct timeval tv;
	int backwards = 0, badnsec = 0;

	clock_gettime(CLOCK_MONOTONIC, &prev);
	for (int i = 0; i < 20000; i++) {
		if (i & 1)
			syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &cur);
		else
			clock_gettime(CLOCK_MONOTONIC, &cur);
		if (!ts_le(&prev, &cur))
			backwards++;
		if (cur.tv_nsec < 0 || cur.tv_nsec >= 1000000000)
			badnsec++;
		prev = cur;
	}
	printf("monotonic backwards steps: %d, bad nsec: %d\n", backwards, badnsec);
	clock_gettime(CLOCK_REALTIME, &cur);
	gettimeofday(&tv, NULL);
	EXPECT(cur.tv_sec > 1600000000);
	/* The harness exports its own idea of "now": the realtime clock must
	 * agree with the host's to within a minute. */
	const char *hostnow = getenv("SYSCALL_TEST_NOW");
	if (hostnow)
		EXPECT(labs(cur.tv_sec - atol(hostnow)) < 60);
	EXPECT(tv.tv_sec - cur.tv_sec >= 0 && tv.tv_sec - cur.tv_sec <= 1);
	EXPECT(labs(time(NULL) - cur.tv_sec) <= 1);
	clockid_t ids[] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME,
			    CLOCK_MONOTONIC_RAW, CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID };
	for (unsigned i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		int r = clock_getres(ids[i], &res);

		printf("clock %d: getres=%d res=%ld.%09ld gettime=%d\n", ids[i], r,
		       (long)res.tv_sec, res.tv_nsec, clock_gettime(ids[i], &cur));
	}
	SHOW(syscall(SYS_clock_gettime, 12345, &cur));
	SHOW(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)8));
	SHOW(syscall(SYS_clock_getres, 12345, &res));
	SHOW(syscall(SYS_clock_getres, CLOCK_MONOTONIC, NULL));
	struct timespec b, m;
	clock_gettime(CLOCK_MONOTONIC, &m);
	clock_gettime(CLOCK_BOOTTIME, &b);
	EXPECT(ts_le(&m, &b));
	return 0;
}
