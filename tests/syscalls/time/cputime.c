/* CPU-time clocks and accounting: a busy loop advances the thread CPU
 * clock (spin until it has moved 0.1 s, so load on the host does not
 * matter), the process clock moves at least as much, getrusage and times
 * account for it. */
#include "../common.h"
#include <sys/resource.h>
#include <sys/times.h>

static double cpu(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
	double p0 = cpu(CLOCK_PROCESS_CPUTIME_ID), t0 = cpu(CLOCK_THREAD_CPUTIME_ID);
	double w0 = now_mono();
	volatile unsigned long x = 0;
	struct rusage ru;

	while (cpu(CLOCK_THREAD_CPUTIME_ID) - t0 < 0.1 && now_mono() - w0 < 10)
		for (int i = 0; i < 10000; i++)
			x++;
	double p1 = cpu(CLOCK_PROCESS_CPUTIME_ID), t1 = cpu(CLOCK_THREAD_CPUTIME_ID);
	EXPECT(t1 - t0 >= 0.1);
	EXPECT(p1 - p0 >= t1 - t0 - 0.001);
	EXPECT(p1 - p0 <= now_mono() - w0 + 0.05);
	SHOW(getrusage(RUSAGE_SELF, &ru));
	EXPECT(ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1000000 +
	       ru.ru_stime.tv_usec >= 90000);
	SHOW(getrusage(99, &ru));
	struct tms tm;
	EXPECT(times(&tm) != (clock_t)-1);
	EXPECT(tm.tms_utime + tm.tms_stime > 0);
	return 0;
}
