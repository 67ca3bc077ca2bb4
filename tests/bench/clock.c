/* clock_gettime: CLOCK_MONOTONIC through libc, which uses the vDSO when one
 * is there; a sandbox without a vDSO pays a trap per call. */
#include "bench.h"

static void op(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	__asm__ volatile("" : : "m"(ts));
}

int main(int argc, char **argv)
{
	long n = iters_arg(argc, argv, 1000000);

	bench_name = "clock_gettime";
	report((double)timed(op, n) / n, "ns/op");
	return 0;
}
