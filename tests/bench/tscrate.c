/* Prints the TSC rate in GHz, measured against CLOCK_MONOTONIC over 200 ms
 * natively; run.sh hands it to the benchmarks as BENCH_TSC_GHZ for
 * sandboxes that lack clock_gettime. */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

static uint64_t ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

int main(void)
{
	uint64_t t0 = ns(), c0 = tsc(), t1, c1;

	do
		t1 = ns();
	while (t1 - t0 < 200000000ull);
	c1 = tsc();
	printf("%.6f\n", (double)(c1 - c0) / (double)(t1 - t0));
	return 0;
}
