/* Tasks: the per-task host thread and its run loop, the pid table, wait
 * queues, clone/exit/wait and the kernel's start and end. */
#define _GNU_SOURCE
#include "sentry/task.h"
#include "sentry/hooks.h"
#include "sentry/log.h"
#include "sentry/sentry.h"
#include "sentry/time.h"
#include "sentry/usertrap.h"

#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <linux/sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

pthread_mutex_t bkl = PTHREAD_MUTEX_INITIALIZER;
struct kernel kernel;
struct task_hooks task_hooks;
long (*sentry_syscall_hook)(struct task *t, int nr, const uint64_t args[6]);
int (*sentry_chdir_hook)(struct task *t, const char *path);
int (*sentry_exec_hook)(struct task *t, const char *path, char *const argv[],
			char *const envp[]);

#define PID_MAX 4194304
#define PID_BUCKETS 4096

struct pid_entry {
	int tid;
	struct task *task;
	struct pid_entry *next;
};

static struct pid_entry *pid_table[PID_BUCKETS];
static int last_tid;
static struct list_head all_tgs_dummy;

/* Every thread group, for kill(-1) and /proc. */
struct tg_link {
	struct thread_group *tg;
	struct tg_link *next;
};
static struct tg_link *all_tgs;

static void task_run(struct task *t) __attribute__((noreturn));

uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* CPU time the task's sentry thread has used: its system time, since the
 * sentry works on the guest's behalf. Read from the host thread's clock,
 * so nothing is counted on the syscall path. */
uint64_t task_stime(struct task *t)
{
	clockid_t cid;
	struct timespec ts;

	if (t->host_valid && pthread_getcpuclockid(t->host, &cid) == 0 &&
	    clock_gettime(cid, &ts) == 0)
		return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	return t->stime_ns;
}

/* ---- pid table ---- */

struct task *task_lookup(int tid)
{
	struct pid_entry *e;

	if (tid <= 0)
		return NULL;
	for (e = pid_table[tid % PID_BUCKETS]; e; e = e->next)
		if (e->tid == tid)
			return e->task;
	return NULL;
}

struct thread_group *tg_lookup(int tgid)
{
	struct task *t = task_lookup(tgid);

	return t && t->tg->tgid == tgid ? t->tg : NULL;
}

static int pid_insert(int tid, struct task *t)
{
	struct pid_entry *e = malloc(sizeof(*e));

	if (!e)
		return -ENOMEM;
	e->tid = tid;
	e->task = t;
	e->next = pid_table[tid % PID_BUCKETS];
	pid_table[tid % PID_BUCKETS] = e;
	return 0;
}

int tid_alloc(struct task *t)
{
	for (int tries = 0; tries < PID_MAX; tries++) {
		int tid = last_tid + 1;

		if (tid >= PID_MAX)
			tid = 2;
		last_tid = tid;
		if (!task_lookup(tid) && !tg_lookup(tid)) {
			if (pid_insert(tid, t) < 0)
				return -ENOMEM;
			return tid;
		}
	}
	return -EAGAIN;
}

void tid_free(int tid)
{
	struct pid_entry **pp;

	for (pp = &pid_table[tid % PID_BUCKETS]; *pp; pp = &(*pp)->next) {
		if ((*pp)->tid == tid) {
			struct pid_entry *e = *pp;

			*pp = e->next;
			free(e);
			return;
		}
	}
}

static void tg_register(struct thread_group *tg)
{
	struct tg_link *l = malloc(sizeof(*l));

	if (!l)
		sentry_panic("out of memory");
	l->tg = tg;
	l->next = all_tgs;
	all_tgs = l;
}

static void tg_unregister(struct thread_group *tg)
{
	for (struct tg_link **pp = &all_tgs; *pp; pp = &(*pp)->next) {
		if ((*pp)->tg == tg) {
			struct tg_link *l = *pp;

			*pp = l->next;
			free(l);
			return;
		}
	}
}

void for_each_tg(void (*fn)(struct thread_group *tg, void *arg), void *arg)
{
	struct tg_link *l, *next;

	for (l = all_tgs; l; l = next) {
		next = l->next;
		fn(l->tg, arg);
	}
}

/* ---- wait queues ---- */

__thread struct task *task_current;

void waitq_init(struct waitq *q)
{
	list_init(&q->waiters);
}

void waitq_add(struct waitq *q, struct waiter *w, struct task *t)
{
	w->t = t;
	w->fn = NULL;
	t->woken = false;
	list_add_tail(&w->node, &q->waiters);
}

void waitq_add_fn(struct waitq *q, struct waiter *w, void (*fn)(struct waiter *w))
{
	w->t = NULL;
	w->fn = fn;
	list_add_tail(&w->node, &q->waiters);
}

void waitq_del(struct waiter *w)
{
	list_del(&w->node);
}

void waitq_wake_all(struct waitq *q)
{
	struct waiter *w;

	list_for_each_entry(w, &q->waiters, node) {
		if (w->fn) {
			w->fn(w);
			continue;
		}
		w->t->woken = true;
		pthread_cond_signal(&w->t->cond);
	}
}

/* Spinning before sleeping (see struct platform): a wake-up that finds
 * the waiter asleep on an idle CPU costs that CPU's wake-up (~25 us on
 * a VM), a spinning waiter sees it in well under 1 us. The spin is
 * bounded, done by at most sleep_spinners tasks at once, and backs off
 * per thread (each task has its own host thread) after a spin that was
 * not woken in time or lost its CPU to another thread, so a task that
 * sleeps long or shares a busy CPU soon stops spinning. */
static unsigned int sleep_spinning;
static __thread unsigned int spin_skip, spin_backoff;

static void sleep_spin(struct task *t, const struct timespec *deadline)
{
	uint64_t budget = the_platform ? the_platform->sleep_spin_ns : 0;
	uint64_t start, now, last, end;
	bool hit = false, preempted = false;

	if (!budget)
		return;
	if (spin_skip) {
		spin_skip--;
		return;
	}
	if (__atomic_add_fetch(&sleep_spinning, 1, __ATOMIC_RELAXED) >
	    the_platform->sleep_spinners) {
		__atomic_sub_fetch(&sleep_spinning, 1, __ATOMIC_RELAXED);
		return;
	}
	start = last = now_ns(CLOCK_MONOTONIC);
	end = start + budget;
	if (deadline) {
		uint64_t d = (uint64_t)deadline->tv_sec * 1000000000ULL + (uint64_t)deadline->tv_nsec;

		if (d < end)
			end = d;
	}
	bkl_unlock();
	for (;;) {
		for (int i = 0; i < 32; i++) {
			if (__atomic_load_n(&t->woken, __ATOMIC_ACQUIRE)) {
				hit = true;
				break;
			}
			__builtin_ia32_pause();
		}
		now = now_ns(CLOCK_MONOTONIC);
		/* A gap means another thread had this CPU: give it up. */
		if (now - last > 20000)
			preempted = true;
		last = now;
		if (hit || preempted || now >= end)
			break;
	}
	/* The waker holds the BKL until it leaves the sentry: wait for it
	 * here, briefly, rather than sleep on the mutex. */
	while (hit && pthread_mutex_trylock(&bkl) != 0) {
		if (now_ns(CLOCK_MONOTONIC) - start > 2 * budget) {
			bkl_lock();
			break;
		}
		__builtin_ia32_pause();
	}
	if (!hit)
		bkl_lock();
	__atomic_sub_fetch(&sleep_spinning, 1, __ATOMIC_RELAXED);
	if (hit && !preempted) {
		spin_backoff = 0;
	} else {
		spin_backoff = spin_backoff ? (spin_backoff < 64 ? spin_backoff * 2 : 64) : 1;
		spin_skip = spin_backoff;
	}
}

int task_sleep(struct task *t, const struct timespec *deadline)
{
	int err = 0;
	bool spun = false;

	for (;;) {
		if (t->woken)
			return 0;
		if (signal_pending(t))
			return -EINTR;
		if (!spun) {
			spun = true;
			sleep_spin(t, deadline);
			continue;
		}
		if (deadline) {
			struct timespec now;

			clock_gettime(CLOCK_MONOTONIC, &now);
			if (now.tv_sec > deadline->tv_sec ||
			    (now.tv_sec == deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec))
				return -ETIMEDOUT;
			err = pthread_cond_timedwait(&t->cond, &bkl, deadline);
		} else {
			err = pthread_cond_wait(&t->cond, &bkl);
		}
		(void)err;
	}
}

static void kick_tg_tasks(struct thread_group *tg, void *arg)
{
	struct task *t;

	(void)arg;
	list_for_each_entry(t, &tg->tasks, tg_node)
		if (t->state != TASK_ZOMBIE)
			task_kick(t);
}

void kernel_freeze(bool on)
{
	kernel.frozen = on;
	/* Running tasks come back to the sentry and wait in task_run; sleeping
	 * ones stay asleep and stop there when they wake. */
	for_each_tg(kick_tg_tasks, NULL);
}

void task_kick(struct task *t)
{
	pthread_cond_signal(&t->cond);
	if (t->in_guest && t->ctx)
		the_platform->ops->interrupt(t->ctx);
}

/* ---- guest memory ---- */

int copy_from_guest(struct task *t, void *dst, uint64_t src, size_t n)
{
	return mm_copy_in(t->mm, t->ctx, dst, src, n);
}

int copy_to_guest(struct task *t, uint64_t dst, const void *src, size_t n)
{
	return mm_copy_out(t->mm, t->ctx, dst, src, n);
}

long copy_string_from_guest(struct task *t, char *dst, uint64_t src, size_t max)
{
	return mm_strncpy_in(t->mm, t->ctx, dst, src, max);
}

/* ---- credentials ---- */

struct cred *cred_root(void)
{
	struct cred *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->refs = 1;
	c->cap_effective = c->cap_permitted = c->cap_bounding = (1ULL << 41) - 1;
	return c;
}

struct cred *cred_copy(const struct cred *src)
{
	struct cred *c = malloc(sizeof(*c));

	if (!c)
		return NULL;
	*c = *src;
	c->refs = 1;
	return c;
}

void cred_put(struct cred *c)
{
	if (c && --c->refs == 0)
		free(c);
}

bool capable(struct task *t, int cap)
{
	return (t->cred->cap_effective >> cap) & 1;
}

/* ---- task creation ---- */

static struct task *task_alloc(void)
{
	struct task *t = calloc(1, sizeof(*t));
	pthread_condattr_t ca;

	if (!t)
		return NULL;
	/* Deadlines in task_sleep() are CLOCK_MONOTONIC. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&t->cond, &ca);
	pthread_condattr_destroy(&ca);
	sigpending_init(&t->pending);
	t->timer_slack_ns = 50000;
	t->sched_affinity = ~0UL;
	t->dumpable = 1;
	return t;
}

static struct thread_group *tg_alloc(void)
{
	struct thread_group *tg = calloc(1, sizeof(*tg));

	if (!tg)
		return NULL;
	list_init(&tg->tasks);
	list_init(&tg->children);
	list_init(&tg->sibling);
	sigpending_init(&tg->shared_pending);
	waitq_init(&tg->child_wait);
	tg->exit_signal = SIGCHLD;
	tg->start_time_ns = now_ns(CLOCK_MONOTONIC);
	return tg;
}

static void task_free(struct task *t)
{
	sigpending_flush(&t->pending);
	pthread_cond_destroy(&t->cond);
	free(t);
}

/* RUNSC_FORK_INHERIT=0: a fork child's address space starts empty and
 * is mapped from its page table. */
static bool fork_inherit_on(void)
{
	static int on = -1;

	return env_switch_on("RUNSC_FORK_INHERIT", &on);
}

static void *task_main(void *arg)
{
	struct task *t = arg;

	t->crash_slot = crash_register_thread();
	bkl_lock();
	task_current = t;
	t->host = pthread_self();
	t->host_valid = true;
	t->ctx = the_platform->ops->context_new(the_platform, t->mm->as);
	if (!t->ctx) {
		swarn("task %d: no platform context", t->tid);
		task_exit(t, SIGKILL);
	}
	if (t->populate) {
		/* An inherited address space still maps the parent's own
		 * pages where the child got copies: it must not run so. */
		if (mm_populate(t->mm, t->ctx, false, false) < 0 &&
		    t->populate == POPULATE_INHERITED) {
			swarn("task %d: cannot map its copies of the parent's pages", t->tid);
			task_exit(t, SIGKILL);
		}
		t->populate = POPULATE_NONE;
	}
	if (t->set_child_tid) {
		int tid = t->tid;

		copy_to_guest(t, t->set_child_tid, &tid, sizeof(tid));
		t->set_child_tid = 0;
	}
	task_run(t);
}

/* The CPUs the sentry may run on, as at start. A task's host thread
 * starts with all of them, not with its creator's placement (a platform
 * may pin a running task's thread to one CPU, see systrap's pin_same):
 * the host places the new thread, as it would a new process, so tasks
 * started by one pinned parent do not all share its CPU. */
static cpu_set_t task_cpus;
static bool task_cpus_known;

/* A task's host thread: task_exit() comes back here with a longjmp, from
 * whatever depth, and the thread returns. pthread_exit() from there
 * unwound the whole stack, frame by frame (_Unwind_Find_FDE for each),
 * between a child's exit and its parent's wake-up. */
static __thread jmp_buf *thread_home;

static void run_task(struct task *t)
{
	jmp_buf home;

	if (!setjmp(home)) {
		thread_home = &home;
		task_main(t);
	}
	thread_home = NULL;
	task_current = NULL;
}

static void *task_thread(void *arg)
{
	run_task(arg);
	return NULL;
}

static int start_thread_on(struct task *t, const cpu_set_t *cpus)
{
	pthread_attr_t attr;
	pthread_t th;
	int err;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = cpus ? pthread_attr_setaffinity_np(&attr, sizeof(*cpus), cpus) : 0;
	if (!err)
		err = pthread_create(&th, &attr, task_thread, t);
	pthread_attr_destroy(&attr);
	return err;
}

static int task_start_thread(struct task *t)
{
	int err = task_cpus_known ? start_thread_on(t, &task_cpus) : EINVAL;

	/* None of those CPUs is ours any more (a cpuset changed): the
	 * creator's placement it is. */
	if (err == EINVAL)
		err = start_thread_on(t, NULL);
	return err ? -EAGAIN : 0;
}

long task_clone(struct task *p, uint64_t flags, uint64_t stack, uint64_t ptid, uint64_t ctid,
		uint64_t tls, int exit_signal)
{
	const uint64_t supported = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
				   CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS |
				   CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID |
				   CLONE_CHILD_SETTID | CLONE_VFORK | CLONE_PARENT |
				   CLONE_DETACHED | CLONE_UNTRACED | CLONE_IO | CLONE_NEWNS;
	struct thread_group *tg;
	struct task *c;
	int err, tid;

	if (flags & ~supported)
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_NEWNS) && (flags & CLONE_FS))
		return -EINVAL;
	if ((flags & CLONE_NEWNS) && !capable(p, 21 /* CAP_SYS_ADMIN */))
		return -EPERM;
	if (exit_signal < 0 || exit_signal > NSIG_K)
		return -EINVAL;
	if ((flags & CLONE_PARENT) && p->tg->tgid == 1)
		return -EINVAL;
	if (p->tg->group_exiting)
		return -EINTR;
	c = task_alloc();
	if (!c)
		return -ENOMEM;
	tid = tid_alloc(c);
	if (tid < 0) {
		task_free(c);
		return tid;
	}
	c->tid = tid;
	c->regs = p->regs;
	c->regs.r.rax = 0;
	if (stack)
		c->regs.r.rsp = stack;
	if (flags & CLONE_SETTLS)
		c->regs.r.fs_base = tls;
	c->blocked = p->blocked;
	c->altstack = p->altstack;
	if ((flags & CLONE_VM) && !(flags & CLONE_VFORK)) {
		c->altstack.ss_sp = NULL;
		c->altstack.ss_size = 0;
		c->altstack.ss_flags = SS_DISABLE;
	}
	memcpy(c->comm, p->comm, sizeof(c->comm));
	c->cred = cred_copy(p->cred);
	c->no_new_privs = p->no_new_privs;
	c->dumpable = p->dumpable;   /* Linux: a flag of the mm, copied by fork */
	c->personality = p->personality;
	c->nice = p->nice;
	c->sched_affinity = p->sched_affinity;
	c->strace = p->strace;
	err = -ENOMEM;
	if (!c->cred)
		goto fail_tid;

	/* Memory: share, or copy-on-write into a new address space. */
	if (flags & CLONE_VM) {
		err = the_platform->ops->as_spawn_thread(p->ctx);
		if (err < 0)
			goto fail_cred;
		c->mm = p->mm;
		mm_get(c->mm);
	} else {
		/* Pages the child writes first: its stack (and the red zone
		 * and the next frames below the pointer: the parent writes
		 * there too, in the wait that usually follows), its thread
		 * block, the child tid word. */
		uint64_t hot[12] = { p->regs.r.rsp, p->regs.r.rsp - 256, p->regs.r.fs_base,
				     (flags & CLONE_CHILD_SETTID) ? ctid : 0 };

		for (int k = 1; k <= 8; k++)
			hot[3 + k] = p->regs.r.rsp - (uint64_t)k * PAGE_SIZE;

		const struct platform_ops *pops = the_platform->ops;
		bool inherit = pops->as_fork && p->ctx && fork_inherit_on(), fixed = false;

		c->mm = mm_fork_hot(p->mm, p->ctx, hot, 12, inherit);
		if (!c->mm)
			goto fail_cred;
		if (inherit) {
			/* The child's own pages go in with the fork itself;
			 * too many of them, with the child's populate. */
			struct as_op *fix = NULL;
			int nfix = mm_populate_ops(c->mm, &fix);

			if (nfix >= 0)
				c->mm->as = pops->as_fork(p->ctx, fix, nfix);
			if (c->mm->as) {
				mm_mark_mapped(c->mm, fix, nfix);
				fixed = true;
			} else if (nfix < 0 || errno == E2BIG) {
				c->mm->as = pops->as_fork(p->ctx, NULL, 0);
			}
			free(fix);
			if (!c->mm->as) {
				mm_fork_uninherit(c->mm);
				inherit = false;
			}
		}
		if (!c->mm->as)
			c->mm->as = pops->as_new(the_platform, p->ctx);
		if (!c->mm->as) {
			mm_put(c->mm);
			goto fail_cred;
		}
		c->populate = fixed ? POPULATE_NONE : inherit ? POPULATE_INHERITED : POPULATE_ALL;
	}
	if (flags & CLONE_FILES) {
		c->files = p->files;
		task_hooks.files_get(c->files);
	} else {
		c->files = task_hooks.files_dup(p->files);
	}
	if (flags & CLONE_FS) {
		c->fs = p->fs;
		task_hooks.fs_get(c->fs);
	} else if (flags & CLONE_NEWNS) {
		c->fs = task_hooks.fs_dup_newns(p->fs);
	} else {
		c->fs = task_hooks.fs_dup(p->fs);
	}
	if (flags & CLONE_SIGHAND) {
		c->sighand = p->sighand;
		c->sighand->refs++;
	} else {
		c->sighand = sighand_copy(p->sighand);
	}
	if (!c->files || !c->fs || !c->sighand) {
		err = -ENOMEM;
		goto fail_res;
	}

	if (flags & CLONE_THREAD) {
		tg = p->tg;
	} else {
		struct thread_group *parent = (flags & CLONE_PARENT) ? p->tg->parent : p->tg;

		tg = tg_alloc();
		if (!tg) {
			err = -ENOMEM;
			goto fail_res;
		}
		tg->tgid = tid;
		tg->leader = c;
		tg->parent = parent;
		tg->pgid = p->tg->pgid;
		tg->sid = p->tg->sid;
		tg->ctty = p->tg->ctty;
		tg->exit_signal = exit_signal;
		memcpy(tg->rlim, p->tg->rlim, sizeof(tg->rlim));
		if (parent)
			list_add_tail(&tg->sibling, &parent->children);
		tg_register(tg);
	}
	c->tg = tg;
	list_add_tail(&c->tg_node, &tg->tasks);
	tg->live_threads++;
	tg->refs++;
	kernel.ntasks++;

	if (flags & CLONE_PARENT_SETTID)
		copy_to_guest(p, ptid, &tid, sizeof(tid));
	if (flags & CLONE_CHILD_SETTID)
		c->set_child_tid = ctid;
	if (flags & CLONE_CHILD_CLEARTID)
		c->clear_child_tid = ctid;
	if (flags & CLONE_VFORK) {
		c->vfork_parent = p;
		p->vfork_done = false;
	}
	if (task_start_thread(c) < 0)
		sentry_panic("cannot start a host thread for task %d", tid);
	if (flags & CLONE_VFORK) {
		/* Killable wait: only a fatal signal ends it early. */
		while (!p->vfork_done && !p->tg->group_exiting)
			pthread_cond_wait(&p->cond, &bkl);
	}
	return tid;

fail_res:
	if (c->files)
		task_hooks.files_put(c->files);
	if (c->fs)
		task_hooks.fs_put(c->fs);
	if (c->sighand)
		sighand_put(c->sighand);
	mm_put(c->mm);
fail_cred:
	cred_put(c->cred);
fail_tid:
	tid_free(tid);
	task_free(c);
	return err;
}

void task_vfork_release(struct task *t)
{
	struct task *p = t->vfork_parent;

	if (!p)
		return;
	t->vfork_parent = NULL;
	p->vfork_done = true;
	pthread_cond_signal(&p->cond);
}

/* ---- exit ---- */

static void reparent_children(struct thread_group *tg)
{
	struct thread_group *c, *n, *reaper = kernel.init;

	for (struct thread_group *a = tg->parent; a; a = a->parent) {
		if (a->is_child_subreaper && !a->zombie && !a->group_exiting) {
			reaper = a;
			break;
		}
	}
	list_for_each_entry_safe(c, n, &tg->children, sibling) {
		list_del(&c->sibling);
		if (!reaper || reaper == tg) {
			c->parent = NULL;
			continue;
		}
		c->parent = reaper;
		list_add_tail(&c->sibling, &reaper->children);
		if (c->zombie)
			waitq_wake_all(&reaper->child_wait);
	}
}

static void tg_release(struct thread_group *tg);

static void kill_all_fn(struct thread_group *tg, void *arg)
{
	(void)arg;
	if (!tg->zombie && tg != kernel.init)
		sig_send_tg(tg, SIGKILL, NULL);
}

/* The last thread of tg is gone: become a zombie and tell the parent. */
static void tg_exit_notify(struct thread_group *tg)
{
	struct thread_group *parent = tg->parent;
	int status = tg->group_exit_code;
	bool autoreap = false;

	time_tg_exit(tg);
	if (tg->ctty && tg->sid == tg->tgid && task_hooks.session_leader_exit)
		task_hooks.session_leader_exit(tg);
	tg->zombie = true;
	reparent_children(tg);
	if (tg == kernel.init) {
		kernel.exit_status = status;
		kernel.done = true;
		for_each_tg(kill_all_fn, NULL);
		pthread_cond_broadcast(&kernel.done_cond);
		return;
	}
	if (!parent) {
		/* An exec'd process (or an orphan of one): tell whoever started
		 * it, then reap it ourselves. */
		if (tg->on_exit)
			tg->on_exit(tg->on_exit_arg, status);
		tg_release(tg);
		return;
	}
	if (tg->exit_signal) {
		/* The parent's leader may be gone: ask a live thread. */
		struct sighand *sh = tg_sighand(parent);
		struct ksigaction *sa = sh ? &sh->action[SIGCHLD - 1] : NULL;
		siginfo_t si;

		if (tg->exit_signal == SIGCHLD && sa &&
		    (sa->handler == (uint64_t)SIG_IGN || (sa->flags & SA_NOCLDWAIT)))
			autoreap = true;
		memset(&si, 0, sizeof(si));
		si.si_signo = tg->exit_signal;
		if (WIFEXITED(status)) {
			si.si_code = CLD_EXITED;
			si.si_status = WEXITSTATUS(status);
		} else {
			si.si_code = CLD_KILLED;
			si.si_status = WTERMSIG(status);
		}
		si.si_pid = tg->tgid;
		si.si_uid = 0;
		sig_send_tg(parent, tg->exit_signal, &si);
	}
	waitq_wake_all(&parent->child_wait);
	if (autoreap) {
		list_del(&tg->sibling);
		tg_release(tg);
	}
}

/* Free a reaped zombie thread group. */
static void tg_release(struct thread_group *tg)
{
	struct task *t, *n;

	tg->reaped = true;
	list_for_each_entry_safe(t, n, &tg->tasks, tg_node) {
		list_del(&t->tg_node);
		tid_free(t->tid);
		task_free(t);
	}
	tg_unregister(tg);
	sigpending_flush(&tg->shared_pending);
	free(tg->exec_name);
	free(tg);
}

static void task_release_resources(struct task *t)
{
	if (t->clear_child_tid && t->ctx) {
		int zero = 0;

		if (copy_to_guest(t, t->clear_child_tid, &zero, sizeof(zero)) == 0)
			futex_wake_addr(t, t->clear_child_tid, 1, false);
	}
	if (t->ctx)
		futex_exit_robust_list(t);
	futex_task_exit(t);
	task_vfork_release(t);
	/* The address space first: as its last user this kills the stub at
	 * once, and the context need not make its thread exit by itself. */
	if (t->mm) {
		mm_put(t->mm);
		t->mm = NULL;
	}
	if (t->ctx) {
		the_platform->ops->context_release(t->ctx);
		t->ctx = NULL;
	}
	if (t->files) {
		task_hooks.files_put(t->files);
		t->files = NULL;
	}
	if (t->fs) {
		task_hooks.fs_put(t->fs);
		t->fs = NULL;
	}
	if (t->sighand) {
		sighand_put(t->sighand);
		t->sighand = NULL;
	}
}

void task_exit(struct task *t, int code)
{
	struct thread_group *tg = t->tg;

	t->exiting = true;
	t->exit_code = code;
	task_release_resources(t);
	t->stime_ns = task_stime(t);
	t->host_valid = false;
	t->state = TASK_ZOMBIE;
	tg->utime_dead += t->utime_ns;
	tg->stime_dead += t->stime_ns;
	kernel.ntasks--;
	if (!tg->group_exiting && tg->live_threads == 1)
		tg->group_exit_code = code;
	tg->live_threads--;
	if (t != tg->leader) {
		list_del(&t->tg_node);
		tid_free(t->tid);
	}
	/* Someone in exec or exit_group may wait for the threads to go. */
	waitq_wake_all(&tg->child_wait);
	if (tg->leader && tg->leader->state == TASK_ZOMBIE)
		pthread_cond_broadcast(&tg->leader->cond);
	{
		struct task *o;

		list_for_each_entry(o, &tg->tasks, tg_node)
			pthread_cond_signal(&o->cond);
	}
	/* tg_exit_notify() may free tg and the leader (autoreap), so the
	 * non-leader frees itself first and nothing is touched after it. */
	crash_unregister_thread(t->crash_slot);
	if (t != tg->leader)
		task_free(t);
	if (tg->live_threads == 0)
		tg_exit_notify(tg);
	if (kernel.done && kernel.ntasks == 0)
		pthread_cond_broadcast(&kernel.done_cond);
	bkl_unlock();
	if (thread_home)
		longjmp(*thread_home, 1);
	pthread_exit(NULL);
}

void tg_start_exit(struct thread_group *tg, int wait_status)
{
	struct task *o;

	if (tg->group_exiting)
		return;
	tg->group_exiting = true;
	tg->group_exit_code = wait_status;
	tg->stopped = false;
	list_for_each_entry(o, &tg->tasks, tg_node)
		if (o->state != TASK_ZOMBIE)
			task_kick(o);
}

void task_group_exit(struct task *t, int wait_status)
{
	tg_start_exit(t->tg, wait_status);
	task_exit(t, t->tg->group_exit_code);
}

int task_zap_others(struct task *t)
{
	struct thread_group *tg = t->tg;
	struct task *o;

	if (tg->group_exiting)
		return -EINTR;
	list_for_each_entry(o, &tg->tasks, tg_node) {
		if (o != t && o->state != TASK_ZOMBIE) {
			o->exiting = true;
			task_kick(o);
		}
	}
	while (tg->live_threads > 1) {
		struct waiter w;

		waitq_add(&tg->child_wait, &w, t);
		pthread_cond_wait(&t->cond, &bkl);
		waitq_del(&w);
		if (tg->group_exiting)
			return -EINTR;
	}
	if (tg->leader != t) {
		/* Take over the leader's identity, as exec does in Linux. */
		struct task *old = tg->leader;

		list_del(&old->tg_node);
		tid_free(old->tid);
		tid_free(t->tid);
		task_free(old);
		t->tid = tg->tgid;
		pid_insert(t->tid, t);
		tg->leader = t;
	}
	return 0;
}

/* ---- wait ---- */

struct wait_result {
	int pid;
	int status;      /* wait status */
	int code;        /* CLD_* */
	uint32_t uid;
	uint64_t utime, stime;
};

static bool wait_match(struct thread_group *c, int idtype, int id, int options)
{
	bool clone_child = c->exit_signal != SIGCHLD;

	if (!(options & __WALL) && clone_child != !!(options & __WCLONE))
		return false;
	switch (idtype) {
	case P_ALL:
		return true;
	case P_PID:
		return c->tgid == id;
	case P_PGID:
		return c->pgid == id;
	}
	return false;
}

/* The core of wait4 and waitid. Returns pid, 0 (WNOHANG), or -errno. */
static long do_wait(struct task *t, int idtype, int id, int options, struct wait_result *r)
{
	struct thread_group *tg = t->tg;

	for (;;) {
		struct thread_group *c, *n;
		bool any = false;
		struct waiter w;
		int err;

		list_for_each_entry_safe(c, n, &tg->children, sibling) {
			if (!wait_match(c, idtype, id, options))
				continue;
			any = true;
			if (c->zombie && (options & WEXITED)) {
				int st = c->group_exit_code;

				r->pid = c->tgid;
				r->status = st;
				r->code = WIFEXITED(st) ? CLD_EXITED
						       : (WCOREDUMP(st) ? CLD_DUMPED : CLD_KILLED);
				r->utime = c->utime_dead + c->cutime;
				r->stime = c->stime_dead + c->cstime;
				if (!(options & WNOWAIT)) {
					tg->cutime += r->utime;
					tg->cstime += r->stime;
					list_del(&c->sibling);
					tg_release(c);
				}
				return r->pid;
			}
			if (c->stopped && !c->stop_reported && (options & WSTOPPED)) {
				r->pid = c->tgid;
				r->status = (c->stop_signal << 8) | 0x7f;
				r->code = CLD_STOPPED;
				if (!(options & WNOWAIT))
					c->stop_reported = true;
				return r->pid;
			}
			if (c->cont_reported == false && c->stop_signal == -1 &&
			    (options & WCONTINUED)) {
				r->pid = c->tgid;
				r->status = 0xffff;
				r->code = CLD_CONTINUED;
				if (!(options & WNOWAIT)) {
					c->cont_reported = true;
					c->stop_signal = 0;
				}
				return r->pid;
			}
		}
		if (!any)
			return -ECHILD;
		if (options & WNOHANG)
			return 0;
		waitq_add(&tg->child_wait, &w, t);
		err = task_sleep(t, NULL);
		waitq_del(&w);
		if (err == -EINTR)
			return -ERESTARTSYS;
	}
}

static void fill_rusage(struct rusage *ru, uint64_t utime, uint64_t stime)
{
	memset(ru, 0, sizeof(*ru));
	ru->ru_utime.tv_sec = (time_t)(utime / 1000000000ULL);
	ru->ru_utime.tv_usec = (suseconds_t)(utime % 1000000000ULL / 1000);
	ru->ru_stime.tv_sec = (time_t)(stime / 1000000000ULL);
	ru->ru_stime.tv_usec = (suseconds_t)(stime % 1000000000ULL / 1000);
}

long task_wait4(struct task *t, int pid, uint64_t status_addr, int options,
		uint64_t rusage_addr)
{
	struct wait_result r = { 0 };
	int idtype, id;
	long ret;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
		return -EINVAL;
	if (pid == INT32_MIN)
		return -ESRCH;
	if (pid > 0) {
		idtype = P_PID;
		id = pid;
	} else if (pid == 0) {
		idtype = P_PGID;
		id = t->tg->pgid;
	} else if (pid == -1) {
		idtype = P_ALL;
		id = 0;
	} else {
		idtype = P_PGID;
		id = -pid;
	}
	ret = do_wait(t, idtype, id, (options & ~WUNTRACED) | WEXITED |
				       ((options & WUNTRACED) ? WSTOPPED : 0), &r);
	if (ret <= 0)
		return ret;
	if (status_addr && copy_to_guest(t, status_addr, &r.status, sizeof(int)) < 0)
		return -EFAULT;
	if (rusage_addr) {
		struct rusage ru;

		fill_rusage(&ru, r.utime, r.stime);
		if (copy_to_guest(t, rusage_addr, &ru, sizeof(ru)) < 0)
			return -EFAULT;
	}
	return ret;
}

long task_waitid(struct task *t, int idtype, int id, uint64_t infop, int options,
		 uint64_t rusage_addr)
{
	struct wait_result r = { 0 };
	long ret;

	if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD |
			__WCLONE | __WALL))
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	switch (idtype) {
	case P_ALL:
		break;
	case P_PID:
	case P_PGID:
		if (id <= 0 && !(idtype == P_PGID && id == 0))
			return -EINVAL;
		if (idtype == P_PGID && id == 0)
			id = t->tg->pgid;
		break;
	default:
		return -EINVAL;
	}
	ret = do_wait(t, idtype, id, options, &r);
	if (ret < 0)
		return ret;
	if (infop) {
		siginfo_t si;

		memset(&si, 0, sizeof(si));
		if (ret > 0) {
			si.si_signo = SIGCHLD;
			si.si_code = r.code;
			si.si_pid = r.pid;
			si.si_uid = r.uid;
			si.si_status = r.code == CLD_EXITED ? WEXITSTATUS(r.status)
				       : r.code == CLD_STOPPED ? WSTOPSIG(r.status)
				       : r.code == CLD_CONTINUED ? SIGCONT
								 : WTERMSIG(r.status);
		}
		if (copy_to_guest(t, infop, &si, sizeof(si)) < 0)
			return -EFAULT;
	}
	if (rusage_addr) {
		struct rusage ru;

		fill_rusage(&ru, r.utime, r.stime);
		if (copy_to_guest(t, rusage_addr, &ru, sizeof(ru)) < 0)
			return -EFAULT;
	}
	return 0;
}

void task_rusage(struct task *t, int who, struct rusage *ru)
{
	uint64_t u = 0, s = 0;
	struct task *o;

	if (who == RUSAGE_CHILDREN) {
		u = t->tg->cutime;
		s = t->tg->cstime;
	} else if (who == RUSAGE_THREAD) {
		u = t->utime_ns;
		s = task_stime(t);
	} else {
		u = t->tg->utime_dead;
		s = t->tg->stime_dead;
		list_for_each_entry(o, &t->tg->tasks, tg_node) {
			u += o->utime_ns;
			s += task_stime(o);
		}
	}
	fill_rusage(ru, u, s);
	ru->ru_maxrss = (long)(t->mm ? t->mm->rss_pages * 4 : 0);
}

/* ---- the run loop ---- */

static void handle_trap(struct task *t)
{
	struct trap_info *trap = &t->trap;
	long ret = 0;
	bool insys = false;

	switch (trap->kind) {
	case TRAP_SYSCALL:
	syscall: {
		uint64_t args[6] = { t->regs.r.rdi, t->regs.r.rsi, t->regs.r.rdx,
				     t->regs.r.r10, t->regs.r.r8, t->regs.r.r9 };
		uint8_t insn[2];

		t->syscall_nr = (int)t->regs.r.orig_rax;
		if (!trap->fast)
			usertrap_patch(t);
		/* int $0x80 is the 32-bit ABI, which is not provided. */
		if (!trap->fast && copy_from_guest(t, insn, t->regs.r.rip - 2, 2) == 0 &&
		    insn[0] == 0xcd && insn[1] == 0x80)
			ret = -ENOSYS;
		else
			ret = sentry_syscall_hook(t, t->syscall_nr, args);
		t->regs.r.rax = (uint64_t)ret;
		insys = true;
		break;
	}
	case TRAP_FAULT: {
		int code, sig;

		/* SI_KERNEL: a protection fault, not a page fault. */
		if (trap->code == SI_KERNEL) {
			sig_fault(t, SIGSEGV, SI_KERNEL, trap);
			break;
		}
		sig = mm_fault(t->mm, t->ctx, trap->addr, trap->code, &code);
		if (sig)
			sig_fault(t, sig, code, trap);
		break;
	}
	case TRAP_SIGNAL:
		if (trap->signo == SIGILL) {
			int r = usertrap_sigill(t);

			if (r == 2)
				break;
			if (r == 1) {
				trap->kind = TRAP_SYSCALL;
				trap->fast = true;
				goto syscall;
			}
		}
		sig_fault(t, trap->signo, trap->code, trap);
		break;
	case TRAP_INTERRUPT:
		break;
	case TRAP_EXIT:
		/* The stub thread was killed from outside the sentry. */
		task_group_exit(t, SIGKILL);
	}
	sig_deliver(t, ret, insys);
}

static void task_run(struct task *t)
{
	const struct platform_ops *ops = the_platform->ops;

	sig_deliver(t, 0, false);
	for (;;) {
		uint64_t t0;
		int err;

		if (t->exiting || t->tg->group_exiting)
			task_exit(t, t->tg->group_exiting ? t->tg->group_exit_code : t->exit_code);
		if (kernel.frozen) {
			/* `runsc pause`: hold here until resumed; SIGKILL (group
			 * exit) still gets through, as with the cgroup freezer. */
			while (kernel.frozen && !t->exiting && !t->tg->group_exiting)
				pthread_cond_wait(&t->cond, &bkl);
			continue;
		}
		if (t->mm && t->mm->usertrap_nrets)
			usertrap_resume(t);
		if (t->mm && t->mm->nstale && t->ctx)
			mm_drop_stale(t->mm, t->ctx);
		t->in_guest = true;
		bkl_unlock();
		t0 = now_ns(CLOCK_MONOTONIC);
		err = ops->switch_to(t->ctx, &t->regs, &t->trap);
		t->utime_ns += now_ns(CLOCK_MONOTONIC) - t0;
		bkl_lock();
		t->in_guest = false;
		if (err < 0)
			t->trap.kind = TRAP_EXIT;
		handle_trap(t);
	}
}

/* ---- kernel start and end ---- */

struct init_args {
	struct task *t;
	char *path;
	char *search;   /* PATH to search when path has no '/' (exec'd processes) */
	char *cwd;      /* working directory to enter first (exec'd processes) */
	char **argv, **envp;
	int errfd;      /* where an exec failure is reported (-1: stderr) */
};

static char **strv_dup(char *const v[])
{
	size_t n = 0;
	char **r;

	while (v && v[n])
		n++;
	r = calloc(n + 1, sizeof(char *));
	for (size_t i = 0; r && i < n; i++)
		r[i] = strdup(v[i]);
	return r;
}

static void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static void *init_main(void *arg)
{
	struct init_args *a = arg;
	struct task *t = a->t;
	int err = -ENOENT;
	bool cwd_failed = false;

	t->crash_slot = crash_register_thread();
	bkl_lock();
	task_current = t;
	t->host = pthread_self();
	t->host_valid = true;
	if (a->cwd && sentry_chdir_hook && (err = sentry_chdir_hook(t, a->cwd)) < 0) {
		/* runc fails an exec whose cwd is missing the same way. */
		cwd_failed = true;
	} else if (a->search && !strchr(a->path, '/')) {
		/* An exec'd process's args[0] on its PATH, like execvp(3). */
		const char *dirs = a->search;
		bool eacces = false;

		while (*dirs) {
			const char *e = strchr(dirs, ':');
			size_t n = e ? (size_t)(e - dirs) : strlen(dirs);
			char cand[4096];

			snprintf(cand, sizeof(cand), "%.*s%s%s", (int)n, dirs, n ? "/" : "",
				 a->path);
			err = sentry_exec_hook(t, cand, a->argv, a->envp);
			if (err == 0)
				break;
			if (err == -EACCES)
				eacces = true;
			dirs += n;
			if (*dirs == ':')
				dirs++;
		}
		if (err < 0 && eacces)
			err = -EACCES;
	} else {
		err = sentry_exec_hook(t, a->path, a->argv, a->envp);
	}
	if (err < 0) {
		char msg[512];
		int n = snprintf(msg, sizeof(msg), "runsc: exec %s: %s\n",
				 cwd_failed ? a->cwd : a->path, strerror(-err));

		if (write(a->errfd >= 0 ? a->errfd : 2, msg, (size_t)n) < 0) {
			/* nothing more to say */
		}
		if (a->errfd >= 0)
			close(a->errfd);
		strv_free(a->argv);
		strv_free(a->envp);
		free(a->path);
		free(a->search);
		free(a->cwd);
		free(a);
		task_group_exit(t, (err == -ENOENT ? 127 : 126) << 8);
	}
	if (a->errfd >= 0)
		close(a->errfd);
	strv_free(a->argv);
	strv_free(a->envp);
	free(a->path);
	free(a->search);
	free(a->cwd);
	free(a);
	task_run(t);
}

static struct init_identity init_id;
static bool init_id_set;

void kernel_set_init_identity(const struct init_identity *id)
{
	init_id = *id;
	init_id_set = true;
}

static void apply_identity(struct task *t, struct thread_group *tg, const struct init_identity *id)
{
	struct cred *c = t->cred;

	if (!id)
		return;
	c->uid = c->euid = c->suid = c->fsuid = id->uid;
	c->gid = c->egid = c->sgid = c->fsgid = id->gid;
	c->ngroups = id->ngroups > 64 ? 64 : id->ngroups;
	memcpy(c->groups, id->groups, c->ngroups * sizeof(uint32_t));
	c->cap_bounding = id->cap_bounding;
	c->cap_effective = id->cap_effective;
	c->cap_inheritable = id->cap_inheritable;
	c->cap_permitted = id->cap_permitted;
	c->cap_ambient = id->cap_ambient;
	t->no_new_privs = id->no_new_privs;
	for (int i = 0; i < id->nrlimits && i < RLIM_NLIMITS; i++) {
		int r = id->rlimits[i].resource;

		if (r >= 0 && r < RLIM_NLIMITS) {
			tg->rlim[r].rlim_cur = id->rlimits[i].soft;
			tg->rlim[r].rlim_max = id->rlimits[i].hard;
		}
	}
}

/* A new thread group with no parent, leader of its own session, running
 * path. Called with the BKL held; init has is_init. On failure nothing
 * is left registered and sa->files, sa->fs and sa->errfd stay the
 * caller's. */
static int spawn_tg(const struct spawn_args *sa, bool is_init, int *pid_out)
{
	struct init_args *a = calloc(1, sizeof(*a));
	struct thread_group *tg = tg_alloc();
	struct task *t = task_alloc();
	pthread_t th;
	size_t nargv = 0, nenvp = 0;
	int tid, err = -ENOMEM;

	if (!a || !tg || !t)
		goto out_free;
	if ((sa->search && !(a->search = strdup(sa->search))) ||
	    (sa->cwd && !(a->cwd = strdup(sa->cwd))) || !(a->path = strdup(sa->path)) ||
	    !(a->argv = strv_dup(sa->argv)) || !(a->envp = strv_dup(sa->envp)))
		goto out_free;
	/* strv_dup stops short where a string could not be copied. */
	while (sa->argv && sa->argv[nargv])
		if (!a->argv[nargv++])
			goto out_free;
	while (sa->envp && sa->envp[nenvp])
		if (!a->envp[nenvp++])
			goto out_free;
	if (!(t->sighand = sighand_new()) || !(t->cred = cred_root()))
		goto out_free;
	tid = tid_alloc(t);
	if (tid < 0) {
		err = tid;
		goto out_free;
	}
	t->tid = tid;
	tg->tgid = tid;
	tg->leader = t;
	tg->pgid = tid;
	tg->sid = tid;
	if (is_init) {
		/* init inherits the limits runsc was started with, as a
		 * program inherits its parent's (what `ulimit` shows under
		 * `runsc do` matches the host shell); an OCI config's
		 * rlimits replace them below (apply_identity). */
		for (int i = 0; i < RLIM_NLIMITS; i++)
			getrlimit(i, &tg->rlim[i]);
	} else {
		/* An exec'd process starts from init's limits. */
		memcpy(tg->rlim, kernel.init->rlim, sizeof(tg->rlim));
	}
	t->tg = tg;
	list_add_tail(&t->tg_node, &tg->tasks);
	tg->live_threads = 1;
	tg->refs = 1;
	tg->on_exit = sa->on_exit;
	tg->on_exit_arg = sa->on_exit_arg;
	t->files = sa->files;
	t->fs = sa->fs;
	apply_identity(t, tg, sa->identity);
	t->strace = kernel.strace;
	a->t = t;
	a->errfd = sa->errfd;
	tg_register(tg);
	if (is_init)
		kernel.init = tg;
	kernel.ntasks++;
	if (pthread_create(&th, NULL, init_main, a)) {
		/* Undo the registration: no thread ever saw this task. */
		kernel.ntasks--;
		if (is_init)
			kernel.init = NULL;
		tg_unregister(tg);
		list_del(&t->tg_node);
		tid_free(tid);
		err = -EAGAIN;
		goto out_free;
	}
	pthread_detach(th);
	if (pid_out)
		*pid_out = tid;
	return 0;

out_free:
	if (t) {
		sighand_put(t->sighand);
		cred_put(t->cred);
		task_free(t);
	}
	if (tg) {
		sigpending_flush(&tg->shared_pending);
		free(tg);
	}
	if (a) {
		strv_free(a->argv);
		strv_free(a->envp);
		free(a->path);
		free(a->search);
		free(a->cwd);
		free(a);
	}
	return err;
}

int kernel_start_init(const char *path, char *const argv[], char *const envp[],
		      struct files *files, struct fs_ctx *fs)
{
	struct spawn_args sa = {
		.path = path, .argv = argv, .envp = envp, .files = files, .fs = fs,
		.identity = init_id_set ? &init_id : NULL, .errfd = -1,
	};
	int err;

	pthread_cond_init(&kernel.done_cond, NULL);
	kernel.boot_ns = now_ns(CLOCK_MONOTONIC);
	task_cpus_known = sched_getaffinity(0, sizeof(task_cpus), &task_cpus) == 0;
	last_tid = 0;
	(void)all_tgs_dummy;
	bkl_lock();
	kernel.ntasks = 0;
	err = spawn_tg(&sa, true, NULL);
	bkl_unlock();
	return err;
}

int kernel_spawn(const struct spawn_args *sa, int *pid)
{
	int err;

	bkl_lock();
	if (kernel.done || !kernel.init)
		err = -ESRCH;
	else
		err = spawn_tg(sa, false, pid);
	bkl_unlock();
	return err;
}

int kernel_wait(void)
{
	struct timespec deadline;
	int status;

	bkl_lock();
	while (!kernel.done)
		pthread_cond_wait(&kernel.done_cond, &bkl);
	/* Give the other tasks, already SIGKILLed, a moment to go. */
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 2;
	while (kernel.ntasks > 0)
		if (pthread_cond_timedwait(&kernel.done_cond, &bkl, &deadline))
			break;
	status = kernel.exit_status;
	bkl_unlock();
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}
