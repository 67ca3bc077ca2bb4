/* nanosleep sleeps at least as long as asked (relative, CLOCK_MONOTONIC
 * measured); invalid timespecs are EINVAL; a zero sleep returns 0. */
#include "../common.h"

int main(void)
{
	struct timespec ts = { 0, 80000000 }, bad1 = { 0, 1000000000 }, bad2 = { -1, 0 };
	struct timespec zero = { 0, 0 };
	double t0, dt;

	t0 = now_mono();
	SHOW(nanosleep(&ts, NULL));
	dt = now_mono() - t0;
	EXPECT(dt >= 0.080);
	EXPECT(dt < 5.0);
	SHOW(nanosleep(&bad1, NULL));
	SHOW(nanosleep(&bad2, NULL));
	SHOW(nanosleep(&zero, NULL));
	SHOW(syscall(SYS_nanosleep, (void *)8, NULL));
	t0 = now_mono();
	SHOW(usleep(30000));
	EXPECT(now_mono() - t0 >= 0.030);
	return 0;
}
