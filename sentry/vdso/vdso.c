/* The guest vDSO. For now every entry point makes the real system call,
 * which the platform traps like any other; a time page kept current by
 * the sentry can make clock_gettime cheap later without changing the
 * interface. Built -nostdlib -shared; exported under LINUX_2.6 like the
 * kernel's. */
#include <stddef.h>

struct kernel_timespec {
	long tv_sec;
	long tv_nsec;
};
struct kernel_timeval {
	long tv_sec;
	long tv_usec;
};

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

long __vdso_clock_gettime(long clk, struct kernel_timespec *ts)
{
	return sys2(228, clk, (long)ts);
}

long __vdso_gettimeofday(struct kernel_timeval *tv, void *tz)
{
	return sys2(96, (long)tv, (long)tz);
}

long __vdso_time(long *t)
{
	return sys2(201, (long)t, 0);
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
long gettimeofday(struct kernel_timeval *, void *) __attribute__((weak, alias("__vdso_gettimeofday")));
long time(long *) __attribute__((weak, alias("__vdso_time")));
long getcpu(unsigned *, unsigned *, void *) __attribute__((weak, alias("__vdso_getcpu")));
long clock_getres(long, struct kernel_timespec *) __attribute__((weak, alias("__vdso_clock_getres")));
