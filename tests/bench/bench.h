/* Shared helpers of the microbenchmarks in tests/bench: each is a static
 * program run as "NAME ITERS [ARG]" that prints one line "name value unit"
 * on stdout and exits 0, or says why on stderr and exits 1. */
#ifndef TESTS_BENCH_H
#define TESTS_BENCH_H

#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *bench_name;

static inline void die(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", bench_name, what, strerror(errno));
	exit(1);
}

/* A sandbox without clock_gettime must not yield a made-up number: then
 * the TSC is read directly (rdtsc does not trap), at the rate run.sh
 * measured natively and passed in BENCH_TSC_GHZ; without it, give up. */
static inline uint64_t now_ns(void)
{
	static double tsc_ghz = -1;
	struct timespec ts;
	uint32_t lo, hi;

	if (tsc_ghz < 0 && !clock_gettime(CLOCK_MONOTONIC, &ts))
		tsc_ghz = 0;
	if (tsc_ghz < 0) {
		const char *s = getenv("BENCH_TSC_GHZ");

		if (!s || (tsc_ghz = strtod(s, NULL)) <= 0)
			die("clock_gettime");
		fprintf(stderr, "%s: no clock_gettime, timing by rdtsc at %.3f GHz\n",
			bench_name, tsc_ghz);
	}
	if (tsc_ghz > 0) {
		__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
		return (uint64_t)((double)((uint64_t)hi << 32 | lo) / tsc_ghz);
	}
	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		die("clock_gettime");
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ITERS from argv[1], or def when absent. */
static inline long iters_arg(int argc, char **argv, long def)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : def;

	if (n <= 0) {
		fprintf(stderr, "usage: %s ITERS [ARG]\n", argv[0]);
		exit(2);
	}
	return n;
}

/* Run op() n/10+1 times untimed (warm caches, materialise pages), then n
 * times timed; returns the timed nanoseconds. */
static inline uint64_t timed(void (*op)(void), long n)
{
	uint64_t t0;
	long i;

	for (i = 0; i < n / 10 + 1; i++)
		op();
	t0 = now_ns();
	for (i = 0; i < n; i++)
		op();
	return now_ns() - t0;
}

static inline void report(double value, const char *unit)
{
	printf("%s %.3f %s\n", bench_name, value, unit);
	fflush(stdout);
}

#endif
