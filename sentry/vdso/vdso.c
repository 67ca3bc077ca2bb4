/* The guest vDSO. clock_gettime, gettimeofday and time read the TSC and
 * the parameters the sentry keeps in the vvar page (sentry/time.c), the
 * page just below this image, so they need no trap; any other clock, or
 * no usable TSC, makes the real system call. Built -nostdlib -shared,
 * position independent with no dynamic relocations; exported under
 * LINUX_2.6 like the kernel's. */
#include <stddef.h>

#include "vvar.h"

struct kernel_timespec {
	long tv_sec;
	long tv_nsec;
};
struct kernel_timeval {
	long tv_sec;
	long tv_usec;
};
struct kernel_timezone {
	int tz_minuteswest;
	int tz_dsttime;
};

#define NSEC_PER_SEC 1000000000UL

/* The linker's symbol for our own ELF header: a PC-relative address,
 * so finding the vvar page needs no relocation. */
extern const char __ehdr_start[] __attribute__((visibility("hidden")));

static inline const volatile struct vvar_data *vvar_page(void)
{
	return (const volatile struct vvar_data *)(__ehdr_start - 4096);
}

static inline long sys2(long nr, long a, long b)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
	return r;
}

static inline long sys3(long nr, long a, long b, long c)
{
	long r;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return r;
}

/* Clock ids handled here: REALTIME, MONOTONIC, MONOTONIC_RAW,
 * REALTIME_COARSE, MONOTONIC_COARSE, BOOTTIME. */
#define FAST_CLOCKS ((1UL << 0) | (1UL << 1) | (1UL << 4) | (1UL << 5) | (1UL << 6) | (1UL << 7))

/* ns on clock clk, or 0 when the page has no valid parameters. */
static inline unsigned long read_clock(long clk)
{
	const volatile struct vvar_data *v = vvar_page();
	unsigned int seq;
	unsigned long ns;

	for (;;) {
		unsigned long tsc, base;
		struct vvar_clock c;
		long off = 0;

		seq = v->seq;
		if (seq & 1) {
			__asm__ volatile("pause");
			continue;
		}
		__asm__ volatile("" ::: "memory");
		if (!v->valid)
			return 0;
		base = v->tsc_base;
		if (clk == 4) {
			c.base_ns = v->raw.base_ns;
			c.mult = v->raw.mult;
		} else {
			c.base_ns = v->mono.base_ns;
			c.mult = v->mono.mult;
			if (clk == 0 || clk == 5)
				off = v->real_off;
			else if (clk == 7)
				off = v->boot_off;
		}
		tsc = vvar_rdtsc();
		ns = vvar_clock_ns(&c, base, tsc) + (unsigned long)off;
		__asm__ volatile("" ::: "memory");
		if (v->seq == seq)
			return ns;
	}
}

long __vdso_clock_gettime(long clk, struct kernel_timespec *ts)
{
	if ((unsigned long)clk < 64 && ((FAST_CLOCKS >> clk) & 1)) {
		unsigned long ns = read_clock(clk);

		if (ns) {
			ts->tv_sec = (long)(ns / NSEC_PER_SEC);
			ts->tv_nsec = (long)(ns % NSEC_PER_SEC);
			return 0;
		}
	}
	return sys2(228, clk, (long)ts);
}

long __vdso_gettimeofday(struct kernel_timeval *tv, struct kernel_timezone *tz)
{
	unsigned long ns = read_clock(0);

	if (!ns)
		return sys2(96, (long)tv, (long)tz);
	if (tv) {
		tv->tv_sec = (long)(ns / NSEC_PER_SEC);
		tv->tv_usec = (long)(ns % NSEC_PER_SEC / 1000);
	}
	if (tz) {
		/* The sandbox's timezone, as the system call reports it. */
		tz->tz_minuteswest = 0;
		tz->tz_dsttime = 0;
	}
	return 0;
}

long __vdso_time(long *t)
{
	unsigned long ns = read_clock(0);
	long s;

	if (!ns)
		return sys2(201, (long)t, 0);
	s = (long)(ns / NSEC_PER_SEC);
	if (t)
		*t = s;
	return s;
}

long __vdso_getcpu(unsigned *cpu, unsigned *node, void *unused)
{
	return sys3(309, (long)cpu, (long)node, (long)unused);
}

long __vdso_clock_getres(long clk, struct kernel_timespec *ts)
{
	return sys2(229, clk, (long)ts);
}

long clock_gettime(long, struct kernel_timespec *) __attribute__((weak, alias("__vdso_clock_gettime")));
long gettimeofday(struct kernel_timeval *, struct kernel_timezone *)
	__attribute__((weak, alias("__vdso_gettimeofday")));
long time(long *) __attribute__((weak, alias("__vdso_time")));
long getcpu(unsigned *, unsigned *, void *) __attribute__((weak, alias("__vdso_getcpu")));
long clock_getres(long, struct kernel_timespec *) __attribute__((weak, alias("__vdso_clock_getres")));
