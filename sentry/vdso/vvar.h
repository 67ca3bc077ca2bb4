/* The vvar page: TSC-to-time parameters the sentry publishes for the
 * guest vDSO (read-only in the guest, one page just below the vDSO image)
 * and for its own clock reads. Shared by sentry/time.c and vdso.c, so it
 * uses no headers. */
#ifndef SENTRY_VDSO_VVAR_H
#define SENTRY_VDSO_VVAR_H

/* One clock: ns = base_ns + ((tsc - tsc_base) * mult >> 32), with the
 * delta clamped at 0 (a TSC read on a CPU a hair behind the writer's). */
struct vvar_clock {
	unsigned long base_ns;
	unsigned long mult;
};

struct vvar_data {
	unsigned int seq;       /* odd while the sentry rewrites the page */
	unsigned int valid;     /* 0: no usable TSC, make the system call */
	unsigned long tsc_base;
	struct vvar_clock mono; /* CLOCK_MONOTONIC */
	struct vvar_clock raw;  /* CLOCK_MONOTONIC_RAW */
	long real_off;          /* CLOCK_REALTIME - CLOCK_MONOTONIC, ns */
	long boot_off;          /* CLOCK_BOOTTIME - CLOCK_MONOTONIC, ns */
};

static inline unsigned long vvar_clock_ns(const struct vvar_clock *c, unsigned long tsc_base,
					  unsigned long tsc)
{
	long d = (long)(tsc - tsc_base);

	if (d < 0)
		d = 0;
	return c->base_ns + (unsigned long)(((unsigned __int128)(unsigned long)d * c->mult) >> 32);
}

static inline unsigned long vvar_rdtsc(void)
{
	unsigned int lo, hi;

	/* lfence keeps rdtsc from running ahead of the seq load before it. */
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((unsigned long)hi << 32) | lo;
}

#endif
