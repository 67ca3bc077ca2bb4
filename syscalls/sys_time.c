/* Time system calls: clocks, sleeps (with restart_syscall), interval
 * timers, alarm and POSIX timers. The clocks and timers themselves live
 * in sentry/time.c; this file converts and checks the guest's structs. */
#define _GNU_SOURCE
#include "syscalls/table.h"
#include "sentry/time.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>

struct k_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};
struct k_timeval {
	int64_t tv_sec;
	int64_t tv_usec;
};
struct k_itimerval {
	struct k_timeval interval, value;
};
struct k_itimerspec {
	struct k_timespec interval, value;
};

/* Saturate instead of wrapping, like ktime_set(). */
#define NS_MAX ((uint64_t)INT64_MAX)

static bool ts_valid(const struct k_timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < (int64_t)NSEC_PER_SEC;
}

static uint64_t ts_to_ns(const struct k_timespec *ts)
{
	if ((uint64_t)ts->tv_sec >= NS_MAX / NSEC_PER_SEC)
		return NS_MAX;
	return (uint64_t)ts->tv_sec * NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
}

static struct k_timespec ns_to_ts(uint64_t ns)
{
	struct k_timespec ts = { (int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC) };

	return ts;
}

static bool tv_valid(const struct k_timeval *tv)
{
	return tv->tv_sec >= 0 && tv->tv_usec >= 0 && tv->tv_usec < 1000000;
}

static uint64_t tv_to_ns(const struct k_timeval *tv)
{
	if ((uint64_t)tv->tv_sec >= NS_MAX / NSEC_PER_SEC)
		return NS_MAX;
	return (uint64_t)tv->tv_sec * NSEC_PER_SEC + (uint64_t)tv->tv_usec * NSEC_PER_USEC;
}

static struct k_timeval ns_to_tv(uint64_t ns)
{
	struct k_timeval tv = { (int64_t)(ns / NSEC_PER_SEC),
				(int64_t)(ns % NSEC_PER_SEC / NSEC_PER_USEC) };

	return tv;
}

static int get_ts(struct task *t, uint64_t addr, struct k_timespec *ts)
{
	return copy_from_guest(t, ts, addr, sizeof(*ts)) < 0 ? -EFAULT : 0;
}

static int put_ts(struct task *t, uint64_t addr, uint64_t ns)
{
	struct k_timespec ts = ns_to_ts(ns);

	return copy_to_guest(t, addr, &ts, sizeof(ts)) < 0 ? -EFAULT : 0;
}

/* ---- clocks ---- */

long sys_clock_gettime(struct task *t, const struct syscall_args *a)
{
	uint64_t ns;
	int err = time_clock_read(t, (clockid_t)a->a[0], &ns);

	if (err)
		return err;
	return put_ts(t, a->a[1], ns);
}

long sys_clock_getres(struct task *t, const struct syscall_args *a)
{
	clockid_t clk = (clockid_t)a->a[0];
	uint64_t ns, res = 1;
	int err = time_clock_read(t, clk, &ns);

	if (err)
		return err;
	if (clk >= 0 && clk != CLOCK_PROCESS_CPUTIME_ID && clk != CLOCK_THREAD_CPUTIME_ID) {
		/* The coarse clocks tick at the host's HZ. */
		struct timespec hr;

		if (clock_getres(clk, &hr) == 0)
			res = (uint64_t)hr.tv_sec * NSEC_PER_SEC + (uint64_t)hr.tv_nsec;
	}
	if (!a->a[1])
		return 0;
	return put_ts(t, a->a[1], res);
}

/* The sandbox never changes the host's clocks. */
long sys_clock_settime(struct task *t, const struct syscall_args *a)
{
	clockid_t clk = (clockid_t)a->a[0];
	struct k_timespec ts;
	uint64_t ns;
	int err = time_clock_read(t, clk, &ns);

	if (err)
		return err;
	if (get_ts(t, a->a[1], &ts))
		return -EFAULT;
	if (clk != CLOCK_REALTIME)
		return -EINVAL;
	if (!ts_valid(&ts))
		return -EINVAL;
	return -EPERM;
}

long sys_settimeofday(struct task *t, const struct syscall_args *a)
{
	struct k_timeval tv;
	struct timezone tz;

	if (a->a[0]) {
		if (copy_from_guest(t, &tv, a->a[0], sizeof(tv)) < 0)
			return -EFAULT;
		if (!tv_valid(&tv))
			return -EINVAL;
	}
	if (a->a[1] && copy_from_guest(t, &tz, a->a[1], sizeof(tz)) < 0)
		return -EFAULT;
	if (!a->a[0] && !a->a[1])
		return 0;
	return -EPERM;
}

long sys_gettimeofday(struct task *t, const struct syscall_args *a)
{
	if (a->a[0]) {
		struct k_timeval tv = ns_to_tv(time_now(CLOCK_REALTIME));

		if (copy_to_guest(t, a->a[0], &tv, sizeof(tv)) < 0)
			return -EFAULT;
	}
	if (a->a[1]) {
		/* The sandbox's timezone is UTC, as the kernel's usually is. */
		struct timezone tz = { 0, 0 };

		if (copy_to_guest(t, a->a[1], &tz, sizeof(tz)) < 0)
			return -EFAULT;
	}
	return 0;
}

long sys_time(struct task *t, const struct syscall_args *a)
{
	int64_t s = (int64_t)(time_now(CLOCK_REALTIME) / NSEC_PER_SEC);

	if (a->a[0] && copy_to_guest(t, a->a[0], &s, sizeof(s)) < 0)
		return -EFAULT;
	return s;
}

/* ---- sleeps ---- */

/* restart_args: clock, absolute deadline, rem pointer (0: none). */
static long sleep_resume(struct task *t)
{
	clockid_t clk = (clockid_t)t->restart_args[0];
	uint64_t deadline = t->restart_args[1], rmtp = t->restart_args[2], now;
	int err = time_sleep_until(t, clk, deadline);

	if (err != -EINTR)
		return err;
	/* Interrupted: as kernel/time/hrtimer.c:do_nanosleep(), write what
	 * is left (0 if nothing is) and ask for a restart. */
	if (rmtp) {
		if (time_clock_read(t, clk, &now) < 0 || now >= deadline)
			return 0;
		if (put_ts(t, rmtp, deadline - now))
			return -EFAULT;
	}
	t->restart_fn = sleep_resume;
	return -ERESTART_RESTARTBLOCK;
}

static long sleep_relative(struct task *t, clockid_t clk, uint64_t req, uint64_t rmtp)
{
	uint64_t now;
	int err = time_clock_read(t, clk, &now);

	if (err)
		return err;
	t->restart_args[0] = (uint64_t)clk;
	t->restart_args[1] = now + req < now ? UINT64_MAX : now + req;
	t->restart_args[2] = rmtp;
	return sleep_resume(t);
}

long sys_nanosleep(struct task *t, const struct syscall_args *a)
{
	struct k_timespec ts;

	if (get_ts(t, a->a[0], &ts))
		return -EFAULT;
	if (!ts_valid(&ts))
		return -EINVAL;
	return sleep_relative(t, CLOCK_MONOTONIC, ts_to_ns(&ts), a->a[1]);
}

long sys_clock_nanosleep(struct task *t, const struct syscall_args *a)
{
	clockid_t clk = (clockid_t)a->a[0];
	int flags = (int)a->a[1];
	struct k_timespec ts;
	uint64_t now;
	int err;

	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
	case CLOCK_TAI:
	case CLOCK_PROCESS_CPUTIME_ID:
		break;
	case CLOCK_REALTIME_ALARM:
	case CLOCK_BOOTTIME_ALARM:
		if (!time_alarm_clocks())
			return -EOPNOTSUPP;
		break;
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_THREAD_CPUTIME_ID:
		return -EOPNOTSUPP;
	default:
		/* Another process's CPU clock; never a thread's. */
		if (clk >= 0 || (clk & 4))
			return -EINVAL;
		if ((err = time_clock_read(t, clk, &now)) < 0)
			return err;
	}
	if (get_ts(t, a->a[2], &ts))
		return -EFAULT;
	if (!ts_valid(&ts))
		return -EINVAL;
	if (clk == CLOCK_REALTIME_ALARM)
		clk = CLOCK_REALTIME;
	if (clk == CLOCK_BOOTTIME_ALARM)
		clk = CLOCK_BOOTTIME;
	if (flags & TIMER_ABSTIME) {
		/* Restarted as it was: the deadline does not move. */
		err = time_sleep_until(t, clk, ts_to_ns(&ts));
		return err == -EINTR ? -ERESTARTNOHAND : err;
	}
	return sleep_relative(t, clk, ts_to_ns(&ts), a->a[3]);
}

long sys_restart_syscall(struct task *t, const struct syscall_args *a)
{
	long (*fn)(struct task *) = t->restart_fn;

	(void)a;
	t->restart_fn = NULL;
	return fn ? fn(t) : -EINTR;
}

/* ---- interval timers ---- */

static int put_itimerval(struct task *t, uint64_t addr, uint64_t value, uint64_t interval)
{
	struct k_itimerval it;

	/* Armed with under a microsecond left still reads as armed. */
	if (value && value < NSEC_PER_USEC)
		value = NSEC_PER_USEC;
	it.value = ns_to_tv(value);
	it.interval = ns_to_tv(interval);
	return copy_to_guest(t, addr, &it, sizeof(it)) < 0 ? -EFAULT : 0;
}

long sys_getitimer(struct task *t, const struct syscall_args *a)
{
	uint64_t value, interval;
	int err = itimer_get(t->tg, (int)a->a[0], &value, &interval);

	if (err)
		return err;
	return put_itimerval(t, a->a[1], value, interval);
}

long sys_setitimer(struct task *t, const struct syscall_args *a)
{
	struct k_itimerval it;
	uint64_t ovalue, ointerval;
	int err;

	/* A NULL new value disarms, as Linux still allows. */
	memset(&it, 0, sizeof(it));
	if (a->a[1]) {
		if (copy_from_guest(t, &it, a->a[1], sizeof(it)) < 0)
			return -EFAULT;
		if (!tv_valid(&it.value) || !tv_valid(&it.interval))
			return -EINVAL;
	}
	err = itimer_set(t->tg, (int)a->a[0], tv_to_ns(&it.value), tv_to_ns(&it.interval),
			 &ovalue, &ointerval);
	if (err || !a->a[2])
		return err;
	return put_itimerval(t, a->a[2], ovalue, ointerval);
}

long sys_alarm(struct task *t, const struct syscall_args *a)
{
	uint64_t ovalue, ointerval, secs;
	unsigned int s = (unsigned int)a->a[0];
	int err = itimer_set(t->tg, ITIMER_REAL, (uint64_t)s * NSEC_PER_SEC, 0, &ovalue,
			     &ointerval);

	if (err)
		return err;
	/* Round to the nearest second, but never report a pending alarm
	 * as 0 (kernel/time/itimer.c:alarm_setitimer). */
	if (ovalue && ovalue < NSEC_PER_USEC)
		ovalue = NSEC_PER_USEC;
	secs = ovalue / NSEC_PER_SEC;
	if ((!secs && ovalue) || ovalue % NSEC_PER_SEC >= 500000000ULL)
		secs++;
	return (long)secs;
}

/* ---- POSIX timers ---- */

/* struct sigevent as the kernel reads it. */
struct k_sigevent {
	uint64_t value;
	int32_t signo;
	int32_t notify;
	int32_t tid;
	int32_t pad[11];
};

long sys_timer_create(struct task *t, const struct syscall_args *a)
{
	struct ptimer_spec s;
	int id, err;

	memset(&s, 0, sizeof(s));
	s.clk = (clockid_t)a->a[0];
	if (a->a[1]) {
		struct k_sigevent ev;

		if (copy_from_guest(t, &ev, a->a[1], sizeof(ev)) < 0)
			return -EFAULT;
		s.notify = ev.notify;
		s.signo = ev.signo;
		s.tid = ev.tid;
		s.value = ev.value;
	} else {
		s.notify = SIGEV_SIGNAL;
		s.signo = SIGALRM;
		s.value_is_id = true;
	}
	err = ptimer_create(t, &s, &id);
	if (err)
		return err;
	if (copy_to_guest(t, a->a[2], &id, sizeof(id)) < 0) {
		ptimer_delete(t->tg, id);
		return -EFAULT;
	}
	return 0;
}

static int put_itimerspec(struct task *t, uint64_t addr, uint64_t value, uint64_t interval)
{
	struct k_itimerspec its = { ns_to_ts(interval), ns_to_ts(value) };

	return copy_to_guest(t, addr, &its, sizeof(its)) < 0 ? -EFAULT : 0;
}

long sys_timer_settime(struct task *t, const struct syscall_args *a)
{
	struct k_itimerspec its;
	uint64_t ovalue, ointerval;
	int err;

	if (!a->a[2])
		return -EINVAL;
	if (copy_from_guest(t, &its, a->a[2], sizeof(its)) < 0)
		return -EFAULT;
	if (!ts_valid(&its.value) || !ts_valid(&its.interval))
		return -EINVAL;
	err = ptimer_set(t, (int)a->a[0], (int)a->a[1] & TIMER_ABSTIME, ts_to_ns(&its.value),
			 ts_to_ns(&its.interval), &ovalue, &ointerval);
	if (err || !a->a[3])
		return err;
	return put_itimerspec(t, a->a[3], ovalue, ointerval);
}

long sys_timer_gettime(struct task *t, const struct syscall_args *a)
{
	uint64_t value, interval;
	int err = ptimer_get(t, (int)a->a[0], &value, &interval);

	if (err)
		return err;
	return put_itimerspec(t, a->a[1], value, interval);
}

long sys_timer_getoverrun(struct task *t, const struct syscall_args *a)
{
	return ptimer_getoverrun(t->tg, (int)a->a[0]);
}

long sys_timer_delete(struct task *t, const struct syscall_args *a)
{
	return ptimer_delete(t->tg, (int)a->a[0]);
}
