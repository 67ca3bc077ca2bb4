/* Tasks (guest threads), thread groups (processes), the big kernel lock,
 * wait queues and the per-task run loop. See docs/design.md. */
#ifndef SENTRY_TASK_H
#define SENTRY_TASK_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <time.h>

#include "platform/platform.h"
#include "sentry/list.h"
#include "sentry/mm.h"

/* ---- the big kernel lock ---- */
extern pthread_mutex_t bkl;
static inline void bkl_lock(void) { pthread_mutex_lock(&bkl); }
static inline void bkl_unlock(void) { pthread_mutex_unlock(&bkl); }

/* Restart errnos, as in the kernel: never seen by the guest. */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516

#define NSIG_K 64
typedef uint64_t ksigset_t;
#define SIGBIT(s) (1UL << ((s) - 1))
#define SIG_UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))

struct task;

/* ---- wait queues: the one blocking primitive ---- */
struct waitq {
	struct list_head waiters;
};
struct waiter {
	struct list_head node;
	struct task *t;
	/* If set, waking calls fn instead of waking t (epoll's watches). */
	void (*fn)(struct waiter *w);
};
void waitq_init(struct waitq *q);
void waitq_add(struct waitq *q, struct waiter *w, struct task *t);
void waitq_add_fn(struct waitq *q, struct waiter *w, void (*fn)(struct waiter *w));
void waitq_del(struct waiter *w);
void waitq_wake_all(struct waitq *q);
/* Sleep until woken, a signal is pending (returns -EINTR), or the
 * CLOCK_MONOTONIC deadline passes (-ETIMEDOUT). deadline may be NULL.
 * Drops the BKL while asleep. */
int task_sleep(struct task *t, const struct timespec *deadline);

/* ---- signals ---- */
struct ksigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	ksigset_t mask;
};
struct sighand {
	int refs;
	struct ksigaction action[NSIG_K];
};
struct sigqueued {
	struct list_head node;
	siginfo_t info;
	int target;       /* group signals: the thread chosen to take it, 0 any */
};
struct sigpending {
	ksigset_t set;
	struct list_head queue;
};

/* ---- credentials ---- */
struct cred {
	int refs;
	uint32_t uid, euid, suid, fsuid;
	uint32_t gid, egid, sgid, fsgid;
	uint32_t ngroups;
	uint32_t groups[64];
	uint64_t cap_effective, cap_permitted, cap_inheritable, cap_bounding, cap_ambient;
	int securebits;
	bool keep_caps;
};

/* ---- interval timers (ITIMER_REAL lives in the thread group) ---- */
struct itimer {
	struct timespec value;    /* absolute expiry on its clock, 0 = off */
	struct timespec interval;
};

struct files;   /* fs/file.h */
struct fs_ctx;  /* fs/file.h: cwd, root, umask */

struct thread_group {
	int refs;
	int tgid;
	struct task *leader;
	struct list_head tasks;         /* struct task.tg_node */
	int live_threads;
	struct thread_group *parent;
	struct list_head children;      /* struct thread_group.sibling */
	struct list_head sibling;
	int pgid, sid;
	/* Controlling terminal (fs/tty.c's struct pty): inherited by fork,
	 * cleared by setsid() and when the terminal hangs up. Weak. */
	void *ctty;
	struct sigpending shared_pending;
	struct waitq child_wait;        /* this group's parent waits here */
	bool group_exiting;
	int group_exit_code;            /* wait status */
	bool zombie;                    /* all threads gone, not yet reaped */
	bool reaped;
	int exit_signal;                /* sent to parent on death */
	/* Job control (CLD_STOPPED/CONTINUED reporting). */
	bool stopped;
	int stop_signal;
	bool stop_reported;
	bool cont_reported;
	int group_stop_count;
	struct rlimit rlim[RLIM_NLIMITS];
	/* CPU time, ns: of exited threads and of waited-for children. */
	uint64_t utime_dead, stime_dead, cutime, cstime;
	long maxrss_children;
	struct itimer itimer_real;
	struct itimer itimer_virt, itimer_prof;
	void *itimer_real_timer;        /* sentry/time.c */
	struct task *vfork_waiter;
	bool is_child_subreaper;
	/* Parentless groups started by kernel_spawn: told the exit status. */
	void (*on_exit)(void *arg, int status);
	void *on_exit_arg;
	int pdeath_signal_unused;
	char *exec_name;
	uint64_t start_time_ns;
	void *timers;                   /* POSIX timers, sentry/time.c */
};

enum task_state {
	TASK_RUNNING,   /* in the sentry or in guest code */
	TASK_ZOMBIE,    /* exited, host thread gone or going */
};

struct task {
	int tid;
	struct thread_group *tg;
	struct list_head tg_node;
	struct mm *mm;
	struct context *ctx;
	struct arch_regs regs;
	struct trap_info trap;
	struct files *files;
	struct fs_ctx *fs;
	struct sighand *sighand;
	struct cred *cred;
	ksigset_t blocked;
	ksigset_t saved_mask;           /* restored after sigsuspend & co */
	ksigset_t real_blocked;         /* the mask rt_sigtimedwait replaced */
	bool has_saved_mask;
	struct sigpending pending;
	/* sigaltstack: ss_flags as last set (SS_AUTODISARM kept); the stack
	 * is disabled when ss_size is 0, as Linux's sas_ss_size. */
	stack_t altstack;
	/* The last hardware fault, written into every signal frame like
	 * Linux's thread.trap_nr/error_code/cr2. */
	uint64_t fault_trapno, fault_err, fault_cr2;
	uint64_t clear_child_tid;
	uint64_t set_child_tid;
	uint64_t robust_list;
	uint64_t robust_len;
	pthread_t host;
	bool host_valid;                /* host thread running, host is set */
	pthread_cond_t cond;
	bool woken;                     /* set by waitq_wake_all */
	bool in_guest;                  /* running guest code, kick needed */
	/* fork child: map its pages at start (all of them, or those that
	 * differ from the parent's in an inherited address space). */
	enum { POPULATE_NONE, POPULATE_ALL, POPULATE_INHERITED } populate;
	bool exiting;
	int exit_code;                  /* wait status for the thread */
	enum task_state state;
	int syscall_nr;                 /* current syscall, for restarts */
	/* restart_syscall(2) state for nanosleep/futex/clock_nanosleep. */
	long (*restart_fn)(struct task *t);
	uint64_t restart_args[6];
	char comm[16];
	uint64_t utime_ns, stime_ns;
	struct task *vfork_parent;      /* parent blocked in vfork */
	bool vfork_done;
	int parent_death_signal;
	bool no_new_privs;
	int dumpable;
	int personality;
	bool strace;
	/* Pending synchronous fault signal to force, or 0. */
	uint64_t host_thread_cpu_ns;
	int nice;
	int crash_slot;                 /* sentry/log.c thread registry */
	uint64_t timer_slack_ns;
	uint64_t sched_affinity;
};

/* ---- kernel-wide ---- */
struct kernel {
	struct thread_group *init;
	int exit_status;                /* the sandbox's: init's wait status */
	bool done;
	pthread_cond_t done_cond;
	char hostname[65];
	char domainname[65];
	bool strace;
	uint64_t boot_ns;
	int ntasks;
	const char *vdso_unused;
	bool frozen;                    /* `runsc pause` */
	long ncpus;                     /* host CPUs online, read at boot */
};
extern struct kernel kernel;

/* Freeze (pause) or thaw every guest task; BKL held. Frozen tasks wait at
 * their next return to guest code. */
void kernel_freeze(bool on);

/* Task lookup by guest tid; NULL if none. */
struct task *task_lookup(int tid);
struct thread_group *tg_lookup(int tgid);
/* Allocate a guest tid (pid namespace of the sandbox). */
int tid_alloc(struct task *t);
void tid_free(int tid);
/* Iterate over every thread group (for kill(-1), /proc, ...). */
void for_each_tg(void (*fn)(struct thread_group *tg, void *arg), void *arg);

/* Who init runs as (OCI process.user, capabilities, rlimits,
 * noNewPrivileges). Without it init is root with all capabilities and the
 * host's limits. */
struct init_identity {
	uint32_t uid, gid;
	uint32_t ngroups;
	uint32_t groups[64];
	uint64_t cap_bounding, cap_effective, cap_inheritable, cap_permitted, cap_ambient;
	bool no_new_privs;
	int nrlimits;
	struct {
		int resource;
		uint64_t soft, hard;
	} rlimits[RLIM_NLIMITS];
};
void kernel_set_init_identity(const struct init_identity *id);

/* Start the init task running path with argv/envp. Returns 0 or -errno. */
int kernel_start_init(const char *path, char *const argv[], char *const envp[],
		      struct files *files, struct fs_ctx *fs);
/* A process started into the running sandbox (`runsc exec`): no parent,
 * its own session, credentials from identity (NULL: root). path without a
 * '/' is searched in search (a PATH value). on_exit runs under the BKL
 * with the wait status when it is gone. files/fs references pass to it. */
struct spawn_args {
	const char *path;
	const char *search;
	const char *cwd;        /* NULL: keep fs's */
	char *const *argv;
	char *const *envp;
	struct files *files;
	struct fs_ctx *fs;
	const struct init_identity *identity;
	int errfd;
	void (*on_exit)(void *arg, int status);
	void *on_exit_arg;
};
int kernel_spawn(const struct spawn_args *sa, int *pid);
/* Block until init exits; returns its exit status (128+sig if killed). */
int kernel_wait(void);

/* Guest memory through the task's own address space. */
int copy_from_guest(struct task *t, void *dst, uint64_t src, size_t n);
int copy_to_guest(struct task *t, uint64_t dst, const void *src, size_t n);
long copy_string_from_guest(struct task *t, char *dst, uint64_t src, size_t max);

/* Signals (sentry/signal.c). */
void sigpending_init(struct sigpending *p);
void sigpending_flush(struct sigpending *p);
/* Send sig to one thread (group=false) or to its thread group. info may
 * be NULL (SI_KERNEL). Returns 0 or -errno. */
int sig_send(struct task *t, int sig, const siginfo_t *info, bool group);
int sig_send_tg(struct thread_group *tg, int sig, const siginfo_t *info);
/* A fault or trap: delivered even if blocked or ignored (then fatal). */
void sig_force(struct task *t, int sig, int code, uint64_t addr);
/* A hardware fault the platform reported: records trap number and error
 * code for the signal frame, then forces sig/code. */
void sig_fault(struct task *t, int sig, int code, const struct trap_info *trap);
/* Change t's mask (KILL/STOP stay unblocked); group signals t was chosen
 * for and now blocks go to another thread, as retarget_shared_pending. */
void sig_set_blocked(struct task *t, ksigset_t mask);
/* The process's handlers: those of a live thread (the leader may have
 * exited and dropped its reference). NULL once all threads are gone. */
struct sighand *tg_sighand(struct thread_group *tg);
/* sigaltstack(2) state as seen from stack pointer sp. */
bool sig_on_altstack(struct task *t, uint64_t sp);
int sig_altstack_flags(struct task *t, uint64_t sp);
/* do_sigaltstack(): validate and install ss (NULL: none) with sp the
 * current stack pointer. Returns 0, -EPERM, -EINVAL or -ENOMEM. */
int sig_altstack_set(struct task *t, const stack_t *ss, uint64_t sp);
/* Is there an unblocked pending signal (or a group exit) for t? */
bool signal_pending(struct task *t);
/* Deliver pending signals before returning to the guest: runs default
 * actions or builds a handler frame. Handles syscall restarts. */
void sig_deliver(struct task *t, long syscall_ret, bool in_syscall);
struct sighand *sighand_new(void);
struct sighand *sighand_copy(struct sighand *src);
void sighand_put(struct sighand *sh);
/* Reset handlers at exec: caught -> default. */
void sighand_exec_reset(struct sighand *sh);
/* The thread group is stopped by job control and t should wait. */
void sig_wait_while_stopped(struct task *t);
void task_kick(struct task *t);

/* Task lifetime (sentry/task.c). */
long task_clone(struct task *parent, uint64_t flags, uint64_t stack, uint64_t ptid,
		uint64_t ctid, uint64_t tls, int exit_signal);
/* Thread exit; never returns to the guest. */
void task_exit(struct task *t, int code) __attribute__((noreturn));
/* exit_group semantics: status is a wait status (code << 8 or signo). */
void task_group_exit(struct task *t, int wait_status) __attribute__((noreturn));
/* Begin a group exit from outside (fatal signal): mark and kick. */
void tg_start_exit(struct thread_group *tg, int wait_status);
long task_wait4(struct task *t, int pid, uint64_t status_addr, int options,
		uint64_t rusage_addr);
long task_waitid(struct task *t, int idtype, int id, uint64_t infop, int options,
		 uint64_t rusage_addr);
/* Wake a vfork parent (at exec or exit). */
void task_vfork_release(struct task *t);
/* Kill every other thread of t's group and wait for them (exec). */
int task_zap_others(struct task *t);
uint64_t now_ns(clockid_t clk);
/* System CPU time of the task (its sentry thread's CPU clock). */
uint64_t task_stime(struct task *t);
void task_rusage(struct task *t, int who, struct rusage *ru);

/* Credentials. */
struct cred *cred_root(void);
struct cred *cred_copy(const struct cred *c);
void cred_put(struct cred *c);
bool capable(struct task *t, int cap);

/* Futex hooks used at thread exit (sentry/futex.c). */
int futex_wake_addr(struct task *t, uint64_t addr, int n, bool shared);
void futex_exit_robust_list(struct task *t);
void futex_task_exit(struct task *t);



/* More signal helpers (sentry/signal.c). */
/* Dequeue the first pending signal in mask (thread, then group). */
int sig_dequeue(struct task *t, ksigset_t mask, siginfo_t *info);
/* A signal was queued: wake signalfd readers and pollers (fs/signalfd.c). */
void signalfd_notify(void);
/* The task this host thread runs (set in task_main), for file poll
 * operations that depend on the caller, like signalfd's. */
extern __thread struct task *task_current;
ksigset_t sig_pending_set(struct task *t);
/* rt_sigreturn: restore the frame at the guest stack. Returns rax. */
long sig_return(struct task *t);
/* Default action classes. */
bool sig_default_ignored(int sig);
bool sig_is_stop(int sig);
#endif
