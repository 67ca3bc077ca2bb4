/* clock_nanosleep: TIMER_ABSTIME wakes no earlier than the deadline, a
 * deadline in the past returns at once, relative sleeps on CLOCK_REALTIME
 * and CLOCK_BOOTTIME work, CPU-time clocks of the caller's thread are
 * EINVAL; errors are returned, not put in errno. */
#include "../common.h"

int main(void)
{
	struct timespec dl, now, rel = { 0, 30000000 }, bad = { 0, -5 };

	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_nsec += 60000000;
	if (dl.tv_nsec >= 1000000000) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000;
	}
	printf("abs: %d\n", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &dl, NULL));
	clock_gettime(CLOCK_MONOTONIC, &now);
	EXPECT(now.tv_sec > dl.tv_sec || (now.tv_sec == dl.tv_sec && now.tv_nsec >= dl.tv_nsec));
	dl.tv_sec -= 100;
	double t0 = now_mono();
	printf("abs past: %d\n", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &dl, NULL));
	EXPECT(now_mono() - t0 < 0.5);
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_nsec += 20000000;
	if (dl.tv_nsec >= 1000000000) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000;
	}
	printf("abs realtime: %d\n", clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &dl, NULL));
	t0 = now_mono();
	printf("rel boottime: %d\n", clock_nanosleep(CLOCK_BOOTTIME, 0, &rel, NULL));
	EXPECT(now_mono() - t0 >= 0.030);
	printf("thread cputime: %s\n", errname(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &rel, NULL)));
	printf("bad clock: %s\n", errname(clock_nanosleep(12345, 0, &rel, NULL)));
	printf("bad timespec: %s\n", errname(clock_nanosleep(CLOCK_MONOTONIC, 0, &bad, NULL)));
	printf("bad flags: %s\n", errname(clock_nanosleep(CLOCK_MONOTONIC, 0x10, &rel, NULL)));
	return 0;
}
