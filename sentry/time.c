/* Guest time. Clocks are computed from the TSC with parameters the sentry
 * publishes in the vvar page (the guest vDSO reads the same page, so a
 * guest mixing vDSO reads and system calls never sees time go back). One
 * timer thread runs every sentry timer (interval timers, POSIX timers)
 * and keeps the TSC parameters tracking the host clocks. */
#define _GNU_SOURCE
#include "sentry/time.h"
#include "sentry/log.h"
#include "sentry/memobj.h"
#include "sentry/task.h"
#include "sentry/vdso/vvar.h"

#include <cpuid.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

/* ---- host clocks ---- */

static uint64_t ts_ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
}

static uint64_t host_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts_ns(&ts);
}

uint64_t time_host_mono(void)
{
	return host_ns(CLOCK_MONOTONIC);
}

/* Polling period floor of CPU-clock timers and sleeps. */
#define CPU_POLL_NS 200000ULL

/* ---- the vvar page and TSC calibration ---- */

/* Refresh periods double from the first to the last: a short baseline
 * at start gives a rough TSC rate, each later sample a better one. */
#define REFRESH_FIRST_NS (1 * 1000000ULL)
#define REFRESH_MAX_NS (1000 * 1000000ULL)
/* A reference sample older than this is replaced, so the rate follows
 * the host's NTP adjustments. */
#define REF_MAX_AGE_NS (60 * NSEC_PER_SEC)
/* Errors above this are stepped (forward) instead of slewed. */
#define STEP_NS (10 * 1000000LL)

struct cal {
	clockid_t host;
	uint64_t ref_tsc, ref_ns;
};

static struct memobj *vvar_obj;
static volatile struct vvar_data *vvar;    /* the page, in the memory file */
static struct vvar_data vvar_shadow;       /* what the writer last wrote */
static bool tsc_ok;
static struct cal cal_mono = { .host = CLOCK_MONOTONIC };
static struct cal cal_raw = { .host = CLOCK_MONOTONIC_RAW };
static uint64_t refresh_period = REFRESH_FIRST_NS;
static uint64_t next_refresh;              /* host mono ns; timer thread only */

/* cpuid says the TSC runs at a constant rate in every P/C-state; when
 * /proc is readable, insist on the flags Linux derives from it too. */
static bool tsc_usable(void)
{
	unsigned int a, b, c, d;
	const char *env = getenv("RUNSC_VDSO_TSC");
	FILE *f;

	if (env && env[0] == '0')
		return false;
	if (!__get_cpuid(0x80000000, &a, &b, &c, &d) || a < 0x80000007)
		return false;
	__cpuid(0x80000007, a, b, c, d);
	if (!(d & (1U << 8)))
		return false;
	f = fopen("/proc/cpuinfo", "re");
	if (f) {
		char line[4096];
		bool constant = false, nonstop = false;

		while (fgets(line, sizeof(line), f)) {
			if (strncmp(line, "flags", 5))
				continue;
			constant = strstr(line, " constant_tsc") != NULL;
			nonstop = strstr(line, " nonstop_tsc") != NULL;
			break;
		}
		fclose(f);
		if (!constant || !nonstop)
			return false;
	}
	return true;
}

/* A (tsc, host ns) pair. The tsc is the one read before the clock, so
 * a clock derived from the pair is never behind the host's. */
static void sample(clockid_t clk, uint64_t *tsc, uint64_t *ns)
{
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < 5; i++) {
		struct timespec ts;
		uint64_t t1 = vvar_rdtsc(), t2;

		clock_gettime(clk, &ts);
		t2 = vvar_rdtsc();
		if (t2 - t1 < best) {
			best = t2 - t1;
			*tsc = t1;
			*ns = ts_ns(&ts);
		}
	}
}

static int64_t offset_of(clockid_t clk)
{
	uint64_t a = host_ns(CLOCK_MONOTONIC), x = host_ns(clk), b = host_ns(CLOCK_MONOTONIC);

	return (int64_t)(x - (a + (b - a) / 2));
}

/* The next parameters of one clock, worked out from a fresh sample before
 * the page is opened for writing; only the base waits for tsc_p. */
struct cal_plan {
	bool ok;
	bool first;             /* no valid parameters yet: start from the sample */
	uint64_t tsc, ns;       /* the sample */
	uint64_t mult;
	uint64_t step;          /* forward step, ns */
};

/* A rate that closes today's error by the next refresh (like NTP
 * slewing), or a step forward if far behind; never a step back. */
static void cal_plan(struct cal *c, uint64_t tsc, uint64_t ns, const struct vvar_clock *old,
		     uint64_t old_base, bool was_valid, struct cal_plan *pl)
{
	int64_t err, lim = (int64_t)(refresh_period / 16);
	uint64_t mult;

	memset(pl, 0, sizeof(*pl));
	pl->tsc = tsc;
	pl->ns = ns;
	if (!c->ref_tsc || tsc <= c->ref_tsc || ns <= c->ref_ns) {
		c->ref_tsc = tsc;
		c->ref_ns = ns;
		pl->ok = was_valid;
		pl->mult = old->mult;
		return;
	}
	mult = (uint64_t)(((unsigned __int128)(ns - c->ref_ns) << 32) / (tsc - c->ref_tsc));
	if (ns - c->ref_ns > REF_MAX_AGE_NS) {
		c->ref_tsc = tsc;
		c->ref_ns = ns;
	}
	pl->ok = true;
	pl->mult = mult;
	if (!was_valid) {
		pl->first = true;
		return;
	}
	err = (int64_t)(ns - vvar_clock_ns(old, old_base, tsc));
	sdebug("time: clock %d: host - vDSO = %lld ns after %llu ms", (int)c->host,
	       (long long)err, (unsigned long long)(refresh_period / 1000000));
	if (err > STEP_NS) {
		pl->step = (uint64_t)err;
		err = 0;
	}
	/* Correct at most 1/16 of the rate: the clock keeps moving forward. */
	if (err > lim)
		err = lim;
	if (err < -lim)
		err = -lim;
	pl->mult = (uint64_t)((int64_t)mult + (int64_t)(((__int128)mult * err) /
							 (int64_t)refresh_period));
}

/* Apply a plan at tsc_p: continuous with the old parameters there. */
static void cal_apply(const struct cal_plan *pl, const struct vvar_clock *old, uint64_t old_base,
		      uint64_t tsc_p, struct vvar_clock *out)
{
	out->mult = pl->mult;
	if (pl->first)
		out->base_ns = pl->ns + (uint64_t)(((unsigned __int128)(tsc_p - pl->tsc) *
						    pl->mult) >> 32);
	else
		out->base_ns = vvar_clock_ns(old, old_base, tsc_p) + pl->step;
}

/* Rewrite the vvar page. Only the timer thread (and time_init before it
 * starts) writes; readers retry while seq is odd or changed, so the odd
 * window holds no more than a TSC read and a few stores. */
static void vvar_refresh(void)
{
	struct vvar_data n = vvar_shadow;
	bool was_valid = vvar_shadow.valid;
	uint64_t tsc_p, tsc_m, ns_m, tsc_r, ns_r;
	struct cal_plan pm, pr;

	sample(CLOCK_MONOTONIC, &tsc_m, &ns_m);
	sample(CLOCK_MONOTONIC_RAW, &tsc_r, &ns_r);
	if (!cal_mono.ref_tsc) {
		cal_mono.ref_tsc = tsc_m;
		cal_mono.ref_ns = ns_m;
		cal_raw.ref_tsc = tsc_r;
		cal_raw.ref_ns = ns_r;
		return;
	}
	cal_plan(&cal_mono, tsc_m, ns_m, &vvar_shadow.mono, vvar_shadow.tsc_base, was_valid, &pm);
	cal_plan(&cal_raw, tsc_r, ns_r, &vvar_shadow.raw, vvar_shadow.tsc_base, was_valid, &pr);
	if (!pm.ok || !pr.ok)
		return;
	n.real_off = offset_of(CLOCK_REALTIME);
	/* BOOTTIME - MONOTONIC only grows, by whole suspends: keep it steady
	 * against sampling noise (and never below zero), or BOOTTIME could
	 * read behind a MONOTONIC read taken just before it. */
	{
		int64_t b = offset_of(CLOCK_BOOTTIME);

		if (b < 0)
			b = 0;
		if (!was_valid || b > vvar_shadow.boot_off + 1000000)
			n.boot_off = b;
	}
	__atomic_store_n(&vvar->seq, vvar_shadow.seq + 1, __ATOMIC_RELAXED);
	/* The odd seq must be visible before the TSC value that starts the
	 * new parameters: a reader whose rdtsc is later then retries. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	tsc_p = vvar_rdtsc();
	cal_apply(&pm, &vvar_shadow.mono, vvar_shadow.tsc_base, tsc_p, &n.mono);
	cal_apply(&pr, &vvar_shadow.raw, vvar_shadow.tsc_base, tsc_p, &n.raw);
	n.tsc_base = tsc_p;
	n.valid = 1;
	n.seq = vvar_shadow.seq + 2;
	vvar->valid = n.valid;
	vvar->tsc_base = n.tsc_base;
	vvar->mono = n.mono;
	vvar->raw = n.raw;
	vvar->real_off = n.real_off;
	vvar->boot_off = n.boot_off;
	__atomic_store_n(&vvar->seq, n.seq, __ATOMIC_RELEASE);
	vvar_shadow = n;
}

/* Read the clocks from the published parameters; false if there are none. */
static bool vvar_read(uint64_t *mono, uint64_t *raw, int64_t *real_off, int64_t *boot_off)
{
	uint32_t seq;

	if (!vvar)
		return false;
	for (;;) {
		uint64_t tsc;

		seq = __atomic_load_n(&vvar->seq, __ATOMIC_ACQUIRE);
		if (seq & 1) {
			__builtin_ia32_pause();
			continue;
		}
		if (!vvar->valid)
			return false;
		tsc = vvar_rdtsc();
		*mono = vvar_clock_ns((const struct vvar_clock *)&vvar->mono, vvar->tsc_base, tsc);
		*raw = vvar_clock_ns((const struct vvar_clock *)&vvar->raw, vvar->tsc_base, tsc);
		*real_off = vvar->real_off;
		*boot_off = vvar->boot_off;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&vvar->seq, __ATOMIC_RELAXED) == seq)
			return true;
	}
}

uint64_t time_now(clockid_t clk)
{
	uint64_t mono, raw;
	int64_t real_off, boot_off;

	if (!vvar_read(&mono, &raw, &real_off, &boot_off))
		return host_ns(clk);
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		return mono + (uint64_t)real_off;
	case CLOCK_MONOTONIC_RAW:
		return raw;
	case CLOCK_BOOTTIME:
		return mono + (uint64_t)boot_off;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_COARSE:
		return mono;
	default:
		return host_ns(clk);
	}
}

/* ---- the timer thread ---- */

static pthread_once_t time_once = PTHREAD_ONCE_INIT;
static pthread_cond_t timer_cond;
static struct list_head timer_list = LIST_HEAD_INIT(timer_list);
/* What the timer thread sleeps until (UINT64_MAX: no deadline; 0: it is
 * awake, holding the BKL or about to look again). ktimer_arm wakes it
 * only for an earlier deadline: a connection re-arms its timer on every
 * segment, and a wake-up each time would cost a context switch and BKL
 * traffic per packet. */
static uint64_t timer_wait_until;

static void *timer_main(void *arg)
{
	(void)arg;
	crash_register_thread();
	bkl_lock();
	for (;;) {
		uint64_t now = time_host_mono(), deadline = UINT64_MAX;
		struct timespec ts;

		if (tsc_ok && now >= next_refresh) {
			/* The vvar page is the timer thread's alone. */
			bkl_unlock();
			vvar_refresh();
			next_refresh = time_host_mono() + refresh_period;
			if (refresh_period < REFRESH_MAX_NS)
				refresh_period *= 2;
			bkl_lock();
			continue;
		}
		if (!list_empty(&timer_list)) {
			struct ktimer *k = list_first_entry(&timer_list, struct ktimer, node);

			if (k->when <= now) {
				list_del(&k->node);
				k->armed = false;
				k->fn(k);
				continue;
			}
			deadline = k->when;
		}
		if (tsc_ok && next_refresh < deadline)
			deadline = next_refresh;
		timer_wait_until = deadline;
		if (deadline == UINT64_MAX) {
			pthread_cond_wait(&timer_cond, &bkl);
		} else {
			ts.tv_sec = (time_t)(deadline / NSEC_PER_SEC);
			ts.tv_nsec = (long)(deadline % NSEC_PER_SEC);
			pthread_cond_timedwait(&timer_cond, &bkl, &ts);
		}
		timer_wait_until = 0;
	}
	return NULL;
}

static void time_init(void)
{
	pthread_condattr_t ca;
	pthread_attr_t attr;
	pthread_t th;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&timer_cond, &ca);
	pthread_condattr_destroy(&ca);
	tsc_ok = vvar && tsc_usable();
	sinfo("time: TSC %s for the vDSO", tsc_ok ? "used" : "not used");
	if (tsc_ok) {
		/* The first reference sample; the page turns valid one
		 * refresh period later, when the TSC rate is known. */
		vvar_refresh();
		next_refresh = time_host_mono() + refresh_period;
	}
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&th, &attr, timer_main, NULL))
		sentry_panic("cannot start the timer thread");
	pthread_attr_destroy(&attr);
}

static int vvar_fill(struct memobj *obj, uint64_t pgoff, void *page)
{
	(void)obj;
	(void)pgoff;
	(void)page;
	return 0;
}

static const struct memobj_ops vvar_ops = { .fill = vvar_fill };

struct memobj *time_vvar_memobj(void)
{
	if (!vvar_obj) {
		struct memobj *obj = memobj_new(&vvar_ops, NULL, PAGE_SIZE, "[vvar]");
		int64_t pfn;

		if (!obj)
			return NULL;
		/* The object keeps its one page for good: every guest maps
		 * that page, and the sentry writes it in place. */
		pfn = memobj_page(obj, 0);
		if (pfn < 0) {
			memobj_put(obj);
			return NULL;
		}
		vvar = pfn_ptr((uint64_t)pfn);
		vvar_obj = obj;
	}
	pthread_once(&time_once, time_init);
	return vvar_obj;
}

void ktimer_init(struct ktimer *k, void (*fn)(struct ktimer *k))
{
	list_init(&k->node);
	k->armed = false;
	k->when = 0;
	k->fn = fn;
}

void ktimer_cancel(struct ktimer *k)
{
	if (k->armed) {
		list_del(&k->node);
		k->armed = false;
	}
}

void ktimer_arm(struct ktimer *k, uint64_t when)
{
	struct ktimer *o;

	time_vvar_memobj();
	ktimer_cancel(k);
	k->when = when;
	k->armed = true;
	list_for_each_entry(o, &timer_list, node) {
		if (o->when > when)
			break;
	}
	/* Before o (or at the tail when the loop ran out). */
	list_add_tail(&k->node, &o->node);
	if (list_first_entry(&timer_list, struct ktimer, node) == k && when < timer_wait_until)
		pthread_cond_signal(&timer_cond);
}

/* ---- CPU-time clocks ---- */

#define CPUCLOCK_PERTHREAD 4
#define CPUCLOCK_PROF 0
#define CPUCLOCK_VIRT 1
#define CPUCLOCK_SCHED 2

static uint64_t task_cpu(struct task *t, bool user_only)
{
	return t->utime_ns + (user_only ? 0 : task_stime(t));
}

static uint64_t tg_cpu(struct thread_group *tg, bool user_only)
{
	uint64_t n = tg->utime_dead + (user_only ? 0 : tg->stime_dead);
	struct task *o;

	list_for_each_entry(o, &tg->tasks, tg_node)
		if (o->state != TASK_ZOMBIE)
			n += task_cpu(o, user_only);
	return n;
}

/* Decode a CPU clock id: the task or group it names (pid 0 is the
 * caller), per-thread or not, and which of prof/virt/sched. */
static int cpuclock_decode(struct task *t, clockid_t clk, struct task **tt,
			   struct thread_group **tg, int *which)
{
	int pid;

	if (clk == CLOCK_PROCESS_CPUTIME_ID) {
		*tt = NULL;
		*tg = t->tg;
		*which = CPUCLOCK_SCHED;
		return 0;
	}
	if (clk == CLOCK_THREAD_CPUTIME_ID) {
		*tt = t;
		*tg = t->tg;
		*which = CPUCLOCK_SCHED;
		return 0;
	}
	if (clk >= 0 || (clk & 7) == 7 || (clk & 3) == 3)
		return -EINVAL;
	pid = ~(clk >> 3);
	*which = clk & 3;
	if (clk & CPUCLOCK_PERTHREAD) {
		struct task *o = pid ? task_lookup(pid) : t;

		if (!o || o->tg != t->tg || o->state == TASK_ZOMBIE)
			return -EINVAL;
		*tt = o;
		*tg = o->tg;
		return 0;
	}
	*tt = NULL;
	*tg = pid ? tg_lookup(pid) : t->tg;
	if (!*tg || (*tg)->zombie)
		return -EINVAL;
	return 0;
}

/* Time a thread spends in guest code is accounted when it next traps:
 * kick the running threads of tg (or thread tid) so that the next look
 * at a CPU clock sees their time. Returns how many threads count. */
static int cpu_kick(struct thread_group *tg, int tid)
{
	struct task *o;
	int n = 0;

	list_for_each_entry(o, &tg->tasks, tg_node) {
		if (o->state == TASK_ZOMBIE || (tid && o->tid != tid))
			continue;
		n++;
		if (o->in_guest)
			task_kick(o);
	}
	return n;
}

int time_clock_read(struct task *t, clockid_t clk, uint64_t *ns)
{
	struct thread_group *tg;
	struct task *tt;
	int which, err;

	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		*ns = time_now(clk);
		return 0;
	case CLOCK_REALTIME_ALARM:
	case CLOCK_BOOTTIME_ALARM:
	case CLOCK_TAI: {
		/* Rare: ask the host, which also knows whether an RTC
		 * backs the alarm clocks. */
		struct timespec ts;

		if (clock_gettime(clk, &ts) < 0)
			return -EINVAL;
		*ns = ts_ns(&ts);
		return 0;
	}
	default:
		break;
	}
	err = cpuclock_decode(t, clk, &tt, &tg, &which);
	if (err)
		return err;
	if (tt)
		*ns = task_cpu(tt, which == CPUCLOCK_VIRT);
	else
		*ns = tg_cpu(tg, which == CPUCLOCK_VIRT);
	return 0;
}

bool time_alarm_clocks(void)
{
	static int avail = -1;
	struct timespec ts;

	if (avail < 0)
		avail = clock_getres(CLOCK_REALTIME_ALARM, &ts) == 0;
	return avail;
}

int time_sleep_until(struct task *t, clockid_t clk, uint64_t deadline)
{
	for (;;) {
		struct timespec ts;
		uint64_t now, hd;
		int err;

		if ((err = time_clock_read(t, clk, &now)) < 0)
			return err;
		if (now >= deadline)
			return 0;
		hd = deadline - now;
		/* A CPU clock moves only while some thread runs: poll it,
		 * but not so often that the poll is what runs. */
		if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC && clk != CLOCK_BOOTTIME &&
		    clk != CLOCK_TAI) {
			struct thread_group *tg;
			struct task *tt;
			int which;

			if (cpuclock_decode(t, clk, &tt, &tg, &which) == 0)
				cpu_kick(tg, tt ? tt->tid : 0);
			if (hd < CPU_POLL_NS * 5)
				hd = CPU_POLL_NS * 5;
		}
		hd += time_host_mono();
		ts.tv_sec = (time_t)(hd / NSEC_PER_SEC);
		ts.tv_nsec = (long)(hd % NSEC_PER_SEC);
		t->woken = false;
		if (task_sleep(t, &ts) == -EINTR)
			return -EINTR;
	}
}

/* ---- timers of a thread group ---- */

/* What every timer shares: an expiry on some clock, an interval, and a
 * ktimer that wakes when the clock should have got there. CPU clocks
 * cannot be waited for directly, so their ktimer polls. */
struct gtimer {
	struct ktimer k;
	struct thread_group *tg;
	clockid_t clk;          /* a wall clock, or a CPU clock id */
	int cpu_tid;            /* per-thread CPU clock: its task */
	bool cpu, cpu_user;     /* a CPU clock; user time only */
	bool active;
	uint64_t expiry;        /* on clk */
	uint64_t interval;
	void (*expire)(struct gtimer *g, int overruns);
};

struct ptimer {
	struct gtimer g;
	struct list_head node;
	int id;
	int notify, signo, tid;
	uint64_t sigval;
	int overrun_acc;        /* sent with (or added to) the queued signal */
	int overrun_last;       /* of the signal delivered before it */
};

struct tg_time {
	struct gtimer itimer[3];        /* ITIMER_REAL, _VIRTUAL, _PROF */
	struct list_head ptimers;
	int next_id, count;
};

#define PTIMER_MAX 32768
/* A periodic timer's ktimer never wakes more often than this; expiries
 * in between are counted as overruns. */
#define MIN_PERIOD_NS 20000ULL

static bool gtimer_now(struct gtimer *g, uint64_t *now)
{
	if (!g->cpu) {
		*now = time_now(g->clk);
		return true;
	}
	if (g->cpu_tid) {
		struct task *o = task_lookup(g->cpu_tid);

		if (!o || o->tg != g->tg || o->state == TASK_ZOMBIE)
			return false;
		*now = task_cpu(o, g->cpu_user);
		return true;
	}
	*now = tg_cpu(g->tg, g->cpu_user);
	return true;
}

static void gtimer_schedule(struct gtimer *g, uint64_t now)
{
	uint64_t delay = g->expiry > now ? g->expiry - now : 0;

	if (g->cpu) {
		/* CPU time moves at most n times as fast as wall time. */
		int n = cpu_kick(g->tg, g->cpu_tid);

		delay /= n ? (uint64_t)n : 1;
		if (delay < CPU_POLL_NS)
			delay = CPU_POLL_NS;
	}
	ktimer_arm(&g->k, time_host_mono() + delay);
}

static void gtimer_fire(struct ktimer *k)
{
	struct gtimer *g = container_of(k, struct gtimer, k);
	uint64_t now, late;
	int overruns = 0;

	if (!g->active)
		return;
	if (!gtimer_now(g, &now)) {
		g->active = false;
		return;
	}
	if (now < g->expiry) {
		gtimer_schedule(g, now);
		return;
	}
	late = now - g->expiry;
	if (g->interval) {
		uint64_t n = late / g->interval;

		overruns = n > INT_MAX ? INT_MAX : (int)n;
		g->expiry += (n + 1) * g->interval;
	} else {
		g->active = false;
	}
	g->expire(g, overruns);
	if (g->active) {
		if (!g->cpu && g->expiry - now < MIN_PERIOD_NS)
			ktimer_arm(&g->k, time_host_mono() + MIN_PERIOD_NS);
		else
			gtimer_schedule(g, now);
	}
}

static void gtimer_init(struct gtimer *g, struct thread_group *tg, clockid_t clk,
			void (*expire)(struct gtimer *, int))
{
	memset(g, 0, sizeof(*g));
	ktimer_init(&g->k, gtimer_fire);
	g->tg = tg;
	g->clk = clk;
	g->expire = expire;
}

/* Remaining time and interval, as timer_gettime/getitimer report them. */
static void gtimer_get(struct gtimer *g, uint64_t *value, uint64_t *interval)
{
	uint64_t now;

	*interval = g->interval;
	*value = 0;
	if (!g->active || !gtimer_now(g, &now))
		return;
	/* Expired but not yet handled by the timer thread: Linux reports
	 * a sliver of time left, not zero (zero would mean disarmed). */
	*value = g->expiry > now ? g->expiry - now : 1;
}

/* Arm (value != 0) or disarm. value is relative unless abs. */
static void gtimer_set(struct gtimer *g, bool abs, uint64_t value, uint64_t interval)
{
	uint64_t now;

	ktimer_cancel(&g->k);
	g->active = false;
	g->interval = interval;
	if (!value || !gtimer_now(g, &now))
		return;
	g->expiry = abs ? value : now + value;
	g->active = true;
	gtimer_schedule(g, now);
}

static void itimer_expire(struct gtimer *g, int overruns)
{
	struct tg_time *tt = g->tg->timers;
	static const int sig[3] = { SIGALRM, SIGVTALRM, SIGPROF };

	(void)overruns;
	sig_send_tg(g->tg, sig[g - tt->itimer], NULL);
}

static struct tg_time *tg_time_of(struct thread_group *tg)
{
	struct tg_time *tt = tg->timers;

	if (tt)
		return tt;
	tt = calloc(1, sizeof(*tt));
	if (!tt)
		return NULL;
	gtimer_init(&tt->itimer[ITIMER_REAL], tg, CLOCK_MONOTONIC, itimer_expire);
	gtimer_init(&tt->itimer[ITIMER_VIRTUAL], tg, CLOCK_PROCESS_CPUTIME_ID, itimer_expire);
	tt->itimer[ITIMER_VIRTUAL].cpu = true;
	tt->itimer[ITIMER_VIRTUAL].cpu_user = true;
	gtimer_init(&tt->itimer[ITIMER_PROF], tg, CLOCK_PROCESS_CPUTIME_ID, itimer_expire);
	tt->itimer[ITIMER_PROF].cpu = true;
	list_init(&tt->ptimers);
	tg->timers = tt;
	return tt;
}

int itimer_get(struct thread_group *tg, int which, uint64_t *value, uint64_t *interval)
{
	struct tg_time *tt;

	if (which < ITIMER_REAL || which > ITIMER_PROF)
		return -EINVAL;
	tt = tg->timers;
	if (!tt) {
		*value = *interval = 0;
		return 0;
	}
	gtimer_get(&tt->itimer[which], value, interval);
	return 0;
}

int itimer_set(struct thread_group *tg, int which, uint64_t value, uint64_t interval,
	       uint64_t *ovalue, uint64_t *ointerval)
{
	struct tg_time *tt;

	if (which < ITIMER_REAL || which > ITIMER_PROF)
		return -EINVAL;
	tt = tg_time_of(tg);
	if (!tt)
		return -ENOMEM;
	gtimer_get(&tt->itimer[which], ovalue, ointerval);
	gtimer_set(&tt->itimer[which], false, value, interval);
	return 0;
}

/* ---- POSIX timers ---- */

static struct ptimer *ptimer_find(struct thread_group *tg, int id)
{
	struct tg_time *tt = tg->timers;
	struct ptimer *p;

	if (!tt)
		return NULL;
	list_for_each_entry(p, &tt->ptimers, node)
		if (p->id == id)
			return p;
	return NULL;
}

/* The still-queued signal of this timer's last expiry, if any. */
static siginfo_t *ptimer_queued(struct ptimer *p)
{
	struct sigpending *sp = &p->g.tg->shared_pending;
	struct sigqueued *q;

	if (p->notify == SIGEV_THREAD_ID) {
		struct task *o = task_lookup(p->tid);

		if (!o || o->tg != p->g.tg)
			return NULL;
		sp = &o->pending;
	}
	list_for_each_entry(q, &sp->queue, node)
		if (q->info.si_signo == p->signo && q->info.si_code == SI_TIMER &&
		    q->info.si_timerid == p->id)
			return &q->info;
	return NULL;
}

static void ptimer_expire(struct gtimer *g, int overruns)
{
	struct ptimer *p = container_of(g, struct ptimer, g);
	siginfo_t *q, si;
	int64_t acc;

	if (p->notify == SIGEV_NONE)
		return;
	q = ptimer_queued(p);
	if (q) {
		/* Not delivered yet: one more overrun on the queued signal. */
		acc = (int64_t)q->si_overrun + 1 + overruns;
		q->si_overrun = acc > INT_MAX ? INT_MAX : (int)acc;
		p->overrun_acc = q->si_overrun;
		return;
	}
	p->overrun_last = p->overrun_acc;
	p->overrun_acc = overruns;
	memset(&si, 0, sizeof(si));
	si.si_signo = p->signo;
	si.si_code = SI_TIMER;
	si.si_timerid = p->id;
	si.si_overrun = overruns;
	si.si_value.sival_ptr = (void *)p->sigval;
	if (p->notify == SIGEV_THREAD_ID) {
		struct task *o = task_lookup(p->tid);

		if (o && o->tg == g->tg && o->state != TASK_ZOMBIE && !o->exiting)
			sig_send(o, p->signo, &si, false);
	} else {
		sig_send_tg(g->tg, p->signo, &si);
	}
}

int ptimer_create(struct task *t, const struct ptimer_spec *s, int *id)
{
	struct thread_group *tg = t->tg;
	struct tg_time *tt;
	struct ptimer *p;
	clockid_t clk = s->clk;
	bool cpu = false, cpu_user = false;
	int cpu_tid = 0;

	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
	case CLOCK_TAI:
		break;
	case CLOCK_REALTIME_ALARM:
	case CLOCK_BOOTTIME_ALARM:
		if (!time_alarm_clocks())
			return -EOPNOTSUPP;
		clk = clk == CLOCK_REALTIME_ALARM ? CLOCK_REALTIME : CLOCK_BOOTTIME;
		break;
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE:
		return -EOPNOTSUPP;
	default: {
		struct thread_group *ctg;
		struct task *ct;
		int which, err = cpuclock_decode(t, clk, &ct, &ctg, &which);

		if (err)
			return err;
		if (ctg != tg)
			return -EINVAL;   /* timers on other processes' clocks: not here */
		cpu = true;
		cpu_user = which == CPUCLOCK_VIRT;
		cpu_tid = ct ? ct->tid : 0;
	}
	}
	switch (s->notify) {
	case SIGEV_THREAD_ID: {
		struct task *o = task_lookup(s->tid);

		if (!o || o->tg != tg || o->state == TASK_ZOMBIE)
			return -EINVAL;
	}
		/* fall through */
	case SIGEV_SIGNAL:
	case SIGEV_THREAD:
		if (s->signo <= 0 || s->signo > NSIG_K)
			return -EINVAL;
		break;
	case SIGEV_NONE:
		break;
	default:
		return -EINVAL;
	}
	tt = tg_time_of(tg);
	if (!tt)
		return -ENOMEM;
	if (tt->count >= PTIMER_MAX)
		return -EAGAIN;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	gtimer_init(&p->g, tg, clk, ptimer_expire);
	p->g.cpu = cpu;
	p->g.cpu_user = cpu_user;
	p->g.cpu_tid = cpu_tid;
	/* Ids count up from 0 and are not reused until they wrap. */
	do {
		p->id = tt->next_id;
		tt->next_id = tt->next_id == INT_MAX ? 0 : tt->next_id + 1;
	} while (ptimer_find(tg, p->id));
	p->notify = s->notify;
	p->signo = s->signo;
	p->tid = s->tid;
	p->sigval = s->value_is_id ? (uint64_t)(uint32_t)p->id : s->value;
	list_add_tail(&p->node, &tt->ptimers);
	tt->count++;
	*id = p->id;
	return 0;
}

static void ptimer_free(struct tg_time *tt, struct ptimer *p)
{
	ktimer_cancel(&p->g.k);
	list_del(&p->node);
	tt->count--;
	free(p);
}

int ptimer_delete(struct thread_group *tg, int id)
{
	struct ptimer *p = ptimer_find(tg, id);

	if (!p)
		return -EINVAL;
	/* A signal already queued stays queued, as in Linux. */
	ptimer_free(tg->timers, p);
	return 0;
}

int ptimer_get(struct task *t, int id, uint64_t *value, uint64_t *interval)
{
	struct ptimer *p = ptimer_find(t->tg, id);

	if (!p)
		return -EINVAL;
	gtimer_get(&p->g, value, interval);
	return 0;
}

int ptimer_set(struct task *t, int id, bool abs, uint64_t value, uint64_t interval,
	       uint64_t *ovalue, uint64_t *ointerval)
{
	struct ptimer *p = ptimer_find(t->tg, id);

	if (!p)
		return -EINVAL;
	gtimer_get(&p->g, ovalue, ointerval);
	p->overrun_acc = p->overrun_last = 0;
	gtimer_set(&p->g, abs, value, interval);
	return 0;
}

int ptimer_getoverrun(struct thread_group *tg, int id)
{
	struct ptimer *p = ptimer_find(tg, id);

	if (!p)
		return -EINVAL;
	/* The overrun count of the last signal delivered. */
	return ptimer_queued(p) ? p->overrun_last : p->overrun_acc;
}

void time_tg_exec(struct thread_group *tg)
{
	struct tg_time *tt = tg->timers;
	struct ptimer *p, *n;

	if (!tt)
		return;
	list_for_each_entry_safe(p, n, &tt->ptimers, node)
		ptimer_free(tt, p);
}

void time_tg_exit(struct thread_group *tg)
{
	struct tg_time *tt = tg->timers;

	if (!tt)
		return;
	time_tg_exec(tg);
	for (int i = 0; i < 3; i++)
		ktimer_cancel(&tt->itimer[i].k);
	free(tt);
	tg->timers = NULL;
}
