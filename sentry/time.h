/* Guest time: the clocks (read through the same TSC parameters as the
 * guest vDSO, so the two agree), the vvar page that publishes them, one
 * timer thread running sentry timers, and the per-process interval and
 * POSIX timers that hang off struct thread_group. */
#ifndef SENTRY_TIME_H
#define SENTRY_TIME_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "sentry/list.h"

struct task;
struct thread_group;
struct memobj;

#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_USEC 1000ULL

/* A sentry timer. Its fn runs on the timer thread with the BKL held; all
 * other calls need the BKL too. */
struct ktimer {
	struct list_head node;
	uint64_t when;                  /* host CLOCK_MONOTONIC, ns */
	bool armed;
	void (*fn)(struct ktimer *k);
};
void ktimer_init(struct ktimer *k, void (*fn)(struct ktimer *k));
void ktimer_arm(struct ktimer *k, uint64_t when_host_mono_ns);
void ktimer_cancel(struct ktimer *k);

/* Host CLOCK_MONOTONIC in ns: the clock of task_sleep() deadlines. */
uint64_t time_host_mono(void);
/* A guest clock in ns; clk must be one of REALTIME, MONOTONIC,
 * MONOTONIC_RAW, REALTIME_COARSE, MONOTONIC_COARSE, BOOTTIME, TAI
 * (others read CLOCK_MONOTONIC). */
uint64_t time_now(clockid_t clk);
/* Any clock id a guest may pass, CPU-time clocks included (negative ids
 * from clock_getcpuclockid too). 0 or -EINVAL. */
int time_clock_read(struct task *t, clockid_t clk, uint64_t *ns);
/* Do CLOCK_*_ALARM work here (the host has an RTC behind them)? */
bool time_alarm_clocks(void);
/* Sleep until clk reaches deadline; 0, or -EINTR on a signal. */
int time_sleep_until(struct task *t, clockid_t clk, uint64_t deadline);

/* The [vvar] page object that loader.c maps just below the vDSO. */
struct memobj *time_vvar_memobj(void);

/* Thread-group hooks: all timers go at exit; POSIX timers go at exec. */
void time_tg_exit(struct thread_group *tg);
void time_tg_exec(struct thread_group *tg);

/* Interval timers and POSIX timers (syscalls/sys_time.c calls these).
 * Times are ns; values are remaining time, 0 = disarmed. */
int itimer_get(struct thread_group *tg, int which, uint64_t *value, uint64_t *interval);
int itimer_set(struct thread_group *tg, int which, uint64_t value, uint64_t interval,
	       uint64_t *ovalue, uint64_t *ointerval);

struct ptimer_spec {
	clockid_t clk;
	int notify;                     /* SIGEV_* */
	int signo;
	int tid;                        /* SIGEV_THREAD_ID target */
	uint64_t value;                 /* sigev_value */
	bool value_is_id;               /* no sigevent: the value is the id */
};
int ptimer_create(struct task *t, const struct ptimer_spec *s, int *id);
int ptimer_delete(struct thread_group *tg, int id);
int ptimer_get(struct task *t, int id, uint64_t *value, uint64_t *interval);
int ptimer_set(struct task *t, int id, bool abs, uint64_t value, uint64_t interval,
	       uint64_t *ovalue, uint64_t *ointerval);
int ptimer_getoverrun(struct thread_group *tg, int id);

#endif
