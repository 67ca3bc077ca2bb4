/* The systrap platform: guest syscalls are turned into SIGSYS by a seccomp
 * filter in the stub, faults arrive as SIGSEGV & co., and the stub's signal
 * handler hands each trap to the sentry through a per-thread message page
 * shared with the sentry, then resumes with the registers the sentry wrote
 * into its signal frame. No ptrace stop on the fast path.
 *
 * Each address space is a fork of one zygote stub process. Its first thread
 * (the control thread) never runs guest code and is the only one whose
 * filter allows mmap/munmap/mprotect/clone; it takes requests from a page
 * that is read-only in the stub and answers over a socket, so a guest can
 * neither forge a request nor fake its completion. Guest threads may make
 * host syscalls only from the handler's trampoline, and only futex,
 * rt_sigreturn, arch_prctl(ARCH_SET_FS), sched_yield and exit. Everything
 * the sentry reads from a message page or signal frame is bounds-checked. */
#define _GNU_SOURCE
#include "platform/platform.h"
#include "platform/systrap/systrap.h"
#include "sentry/log.h"

#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/ucontext.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KICK_SIGNAL SIGUSR2
#define SHM_SIZE (1ULL << 30)
#define SHM_UNITS (SHM_SIZE / SYSTRAP_UNIT)
#define MAX_SPARE 4
/* The kernel's ucontext up to and including the 8-byte signal mask. */
#define UC_KERNEL_SIZE (offsetof(ucontext_t, uc_sigmask) + 8)
#define FP_MIN_SIZE (512 + 64) /* legacy area + xsave header */
#define SI_HEAD 24 /* siginfo up to and including si_addr */
#define FP_XSTATE_MAGIC1 0x46505853U
#define FP_XSTATE_MAGIC2 0x46505845U

extern const char systrap_stub_image_start[], systrap_stub_image_end[];

struct address_space {
	pid_t pid;              /* stub tgid == control thread tid */
	int pidfd;              /* readable once the stub is dead */
	uint32_t ctl_unit;      /* its control pages in the shared file */
	uint32_t seq;           /* last request number */
	int ctl_cpu;            /* CPU the control thread is pinned to, or -1 */
	pthread_mutex_t lock;   /* protects slots, spare, threads, released */
	uint32_t slot_unit[SYSTRAP_MAX_SLOTS]; /* 0: slot never mapped */
	uint8_t slot_busy[SYSTRAP_MAX_SLOTS];
	pid_t slot_tid[SYSTRAP_MAX_SLOTS];     /* its thread, once checked (spawn_finish) */
	struct context *spare[MAX_SPARE];
	int nspare;
	int threads;            /* contexts handed out and not released */
	bool released;
	bool dead;
};

struct context {
	struct address_space *as;
	int slot;
	uint64_t slot_addr;        /* in the stub */
	uint8_t *mem;              /* the slot, in the sentry */
	struct systrap_msg *msg;
	pid_t tid;
	uint64_t uc;               /* validated frame of the parked trap (stub address) */
	uint64_t fp;               /* its FP state, 0 if none */
	uint64_t fs_base;          /* what the host thread has now */
	bool fs_known;
	bool stopped;              /* parked in the handler, frame valid */
	bool dead;
	uint64_t kick_ns;          /* first unanswered kick, 0 if none */
	/* The frame's registers as taken at the trap: on resume only those
	 * that changed are written back, so the frame's cache lines mostly
	 * stay where the stub's kernel wrote them (each line that moves
	 * between CPUs costs about 50-100 ns, twice). */
	greg_t gregs[NGREG];
	/* Scheduling (see pin()): the CPU index of the sentry thread, whether
	 * the stub thread runs on the next one, and the spins that go with
	 * it; PIN_AUTO's measurement. */
	unsigned int cpu_k;
	int stub_cpu;              /* the stub thread's CPU when on one CPU, or -1 */
	int sentry_cpu;            /* same placement: the CPU we pinned ourselves to, or -1 */
	bool split;
	unsigned int spin, stub_spin;
	/* Same placement: how long the sentry, and how many times the stub,
	 * yields the CPU to the other before sleeping on the futex. */
	unsigned int yield_ns, stub_yields;
	uint32_t yield_off;        /* traps left without yielding (see wait_trap) */
	uint32_t ntraps, auto_phase, auto_hold, auto_hold_len;
	bool auto_last;
	uint64_t epoch_tsc, epoch_cost[2]; /* two epochs: [0] same, [1] split */
};

/* Tunables, see systrap_init(): how long each side spins (in pause
 * iterations, calibrated from microseconds) before it sleeps on the futex. */
static unsigned int sentry_spin, stub_spin;
static unsigned int sentry_yield_ns = 50000, stub_yields = 32;
#define YIELD_SLOW_NS 30000
#define YIELD_OFF_TRAPS 1024
enum pin_mode { PIN_NONE, PIN_SAME, PIN_SPLIT, PIN_AUTO };
static enum pin_mode pin_mode = PIN_AUTO;
/* PIN_AUTO: each context alternates between split and same for AUTO_EPOCH
 * traps at a time (twice each), keeps the one whose traps came faster for
 * AUTO_HOLD epochs (doubling, up to AUTO_HOLD_MAX, while the verdict stays
 * the same), then measures again. Split (spinning on two CPUs) wins on an idle
 * machine, same (futex hand-offs on one CPU) when the CPUs are busy. */
#define AUTO_EPOCH 1024
#define AUTO_HOLD  32
#define AUTO_HOLD_MAX 1024
static bool have_fsgsbase;
/* Patched syscall sites may enter the fast path (XSAVE available, not
 * turned off with RUNSC_SYSTRAP_PATCH=0). */
static bool fast_ok;
/* Address spaces made ahead of time (see systrap_as_new). */
#define POOL_MAX 2
static struct address_space *pool[POOL_MAX];
static int npool, pool_max = POOL_MAX;

static int stub_memfd = -1;
static int shm_fd = -1;
static uint8_t *shm;
static uint8_t unit_used[SHM_UNITS]; /* under shm_lock */
static pthread_mutex_t shm_lock = PTHREAD_MUTEX_INITIALIZER;
static int ack_sock = -1;
/* The zygote answers, and each process it forks says hello, on a socket
 * of their own, under a lock of their own: the pool thread's zygote
 * forks (which wait for the new process) no longer hold up the
 * requests of running tasks (35% of their time in a fork loop). */
static int zack_sock = -1;
static pthread_mutex_t zyg_lock = PTHREAD_MUTEX_INITIALIZER;
/* One request is in flight at a time: all stubs answer on one socket. */
static pthread_mutex_t ctl_lock = PTHREAD_MUTEX_INITIALIZER;
static struct address_space zygote;
/* Nonces of new address spaces' hellos (see ctl_request). */
static uint64_t hello_seed, hello_count;
static cpu_set_t allowed_cpus;
static int ncpus_allowed;
static unsigned int next_cpu;

/* ---- small helpers ---- */

static long futex(volatile uint32_t *uaddr, int op, uint32_t val, const struct timespec *ts)
{
	/* Not FUTEX_PRIVATE: the word is shared with the stub process. */
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Pause iterations in us microseconds (env overrides the default). */
static unsigned int spin_iters(const char *env, unsigned int us)
{
	static double ns_per_pause;
	uint64_t t0;

	if (env)
		us = (unsigned int)atoi(env);
	if (!ns_per_pause) {
		/* The fastest of several short batches: a batch during which
		 * we lost the CPU would make every spin too short (seen here:
		 * 13 to 81 ns per pause from one start to the next). */
		for (int b = 0; b < 8; b++) {
			double ns;

			t0 = mono_ns();
			for (int i = 0; i < 2000; i++)
				__builtin_ia32_pause();
			ns = (double)(mono_ns() - t0) / 2000;
			if (!ns_per_pause || ns < ns_per_pause)
				ns_per_pause = ns;
		}
		if (ns_per_pause < 1)
			ns_per_pause = 1;
	}
	return (unsigned int)(us * 1000.0 / ns_per_pause);
}

/* Address spaces released while their stub was still dying: their units
 * are reused only once the process is gone (its pidfd is readable), which
 * is checked when units are next needed, not waited for on release (that
 * wait was 0.1-0.5 ms of every exec and exit). Under shm_lock. */
struct grave {
	int pidfd;
	int n;
	struct grave *next;
	uint32_t units[];
};
static struct grave *graves;

static void graves_reap(int wait_ms);

/* The graveyard's keeper: a sentry thread that waits for buried stubs to
 * die and frees their units, so that the fork that next needs a unit
 * does not: reaped there, a fork+exec+wait's fork paid for the previous
 * child's units (a hole punched per unit, 10-20 us each, and pages that
 * then faulted in again as the fork filled them). A unit it frees has
 * its first pages (control page, message page) in place again. It runs
 * as SCHED_IDLE, on a CPU nothing else wants: woken on the CPU of an
 * exiting child, it ran before the parent that child had just woken.
 * A byte on graves_pipe says the graveyard is no longer empty; graves
 * buried while it waits on others are seen within KEEPER_LOOK_MS. With
 * no keeper, unit_alloc reaps on the spot. */
#define KEEPER_POLL_MAX 63
#define KEEPER_LOOK_MS 5
#define UNIT_PREFAULT (4 * 4096UL)
#define UNIT_PREFAULT_TOP (3 * 4096UL)
static int graves_pipe[2] = { -1, -1 };
static bool keeper_started;
static __thread bool in_keeper;
/* MADV_POPULATE_READ/WRITE (Linux 5.14): see systrap_as_batch. */
#define MADV_POPULATE_READ_ 22
#define MADV_POPULATE_WRITE_ 23

static uint32_t keeper_ready; /* futex: 1 when SCHED_IDLE, 2 when it could not be */

static void *graves_keeper(void *arg)
{
	struct sched_param sp = { .sched_priority = 0 };

	(void)arg;
	in_keeper = true;
	/* glibc's thread attributes take no SCHED_IDLE; the thread sets it
	 * itself, before keeper_start() returns (and the host filter, which
	 * has no sched_setscheduler, is installed). */
	__atomic_store_n(&keeper_ready, sched_setscheduler(0, SCHED_IDLE, &sp) == 0 ? 1 : 2,
			 __ATOMIC_RELEASE);
	futex(&keeper_ready, FUTEX_WAKE, 1, NULL);
	if (keeper_ready != 1)
		return NULL;
	for (;;) {
		struct pollfd pfd[KEEPER_POLL_MAX + 1];
		int n = 0;

		pfd[n++] = (struct pollfd){ graves_pipe[0], POLLIN, 0 };
		pthread_mutex_lock(&shm_lock);
		for (struct grave *g = graves; g && n <= KEEPER_POLL_MAX; g = g->next)
			pfd[n++] = (struct pollfd){ g->pidfd, POLLIN, 0 };
		pthread_mutex_unlock(&shm_lock);
		if (poll(pfd, (nfds_t)n, n > 1 ? KEEPER_LOOK_MS : -1) < 0 && errno != EINTR)
			poll(NULL, 0, KEEPER_LOOK_MS);
		if (pfd[0].revents & POLLIN) {
			char buf[64];

			if (read(graves_pipe[0], buf, sizeof(buf)) < 0 && errno != EAGAIN)
				poll(NULL, 0, KEEPER_LOOK_MS);
		}
		graves_reap(0);
	}
	return NULL;
}

/* At init, before the host filter. Without SCHED_IDLE there is no keeper
 * (it would compete with the guest): unit_alloc reaps. */
static void keeper_start(void)
{
	pthread_t th;
	uint32_t r;

	if (pipe2(graves_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		graves_pipe[0] = graves_pipe[1] = -1;
		return;
	}
	if (pthread_create(&th, NULL, graves_keeper, NULL) != 0)
		return;
	pthread_detach(th);
	while (!(r = __atomic_load_n(&keeper_ready, __ATOMIC_ACQUIRE)))
		futex(&keeper_ready, FUTEX_WAIT, 0, NULL);
	keeper_started = r == 1;
	if (!keeper_started)
		swarn("systrap: no SCHED_IDLE for the graveyard's keeper");
}

/* A free unit of the shared file; it reads as zeroes (fresh, or punched
 * out by unit_free). */
static int unit_alloc(void)
{
	for (int tries = 0; tries < 2; tries++) {
		int u = -1;

		/* With the keeper, only when no unit is free. */
		if (__atomic_load_n(&graves, __ATOMIC_RELAXED) &&
		    (tries || !__atomic_load_n(&keeper_started, __ATOMIC_ACQUIRE)))
			graves_reap(tries ? 1000 : 0);
		pthread_mutex_lock(&shm_lock);
		/* Unit 0 belongs to the zygote. */
		for (uint32_t i = 1; i < SHM_UNITS; i++) {
			if (!unit_used[i]) {
				unit_used[i] = 1;
				u = (int)i;
				break;
			}
		}
		pthread_mutex_unlock(&shm_lock);
		if (u > 0)
			return u;
		/* Everything is in use or waiting for a stub to die. */
	}
	return -1;
}

static void unit_free(uint32_t u)
{
	if (!u)
		return;
	/* Give the memory back; the next user finds zeroes. */
	if (fallocate(shm_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      (off_t)(u * SYSTRAP_UNIT), (off_t)SYSTRAP_UNIT) < 0)
		memset(shm + (uint64_t)u * SYSTRAP_UNIT, 0, SYSTRAP_UNIT);
	else if (in_keeper) {
		/* Zero pages in place for the next user: its first pages
		 * (control page, message page), which the sentry fills, and
		 * its last, where a thread's signal frames land (its signal
		 * stack's top: the kernel's first frame there found no page,
		 * 30 us of a fork's first trap). */
		madvise(shm + (uint64_t)u * SYSTRAP_UNIT, UNIT_PREFAULT, MADV_POPULATE_WRITE_);
		madvise(shm + (uint64_t)(u + 1) * SYSTRAP_UNIT - UNIT_PREFAULT_TOP,
			UNIT_PREFAULT_TOP, MADV_POPULATE_WRITE_);
	}
	pthread_mutex_lock(&shm_lock);
	unit_used[u] = 0;
	pthread_mutex_unlock(&shm_lock);
}

/* Free the units of every dead stub in the graveyard; with wait_ms, first
 * wait that long for the oldest one. */
static void graves_reap(int wait_ms)
{
	struct grave **pp, *g, *dead = NULL;

	pthread_mutex_lock(&shm_lock);
	for (pp = &graves; (g = *pp);) {
		struct pollfd pfd = { g->pidfd, POLLIN, 0 };

		if (poll(&pfd, 1, wait_ms) == 1) {
			*pp = g->next;
			g->next = dead;
			dead = g;
		} else {
			pp = &g->next;
		}
		wait_ms = 0;
	}
	pthread_mutex_unlock(&shm_lock);
	while ((g = dead)) {
		dead = g->next;
		for (int i = 0; i < g->n; i++)
			unit_free(g->units[i]);
		close(g->pidfd);
		free(g);
	}
}

static uint8_t *ctl_page(const struct address_space *as)
{
	return shm + (uint64_t)as->ctl_unit * SYSTRAP_UNIT;
}

static int cpu_by_index(unsigned int want)
{
	int seen = -1;

	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &allowed_cpus) && (unsigned int)++seen == want)
			return c;
	return 0;
}

/* ---- seccomp filters, written into each control page ---- */

struct bpf_prog {
	struct sock_filter *f;
	int n;
};

static void emit(struct bpf_prog *p, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
	p->f[p->n++] = (struct sock_filter){ code, jt, jf, k };
}

#define LD(off) emit(p, BPF_LD | BPF_W | BPF_ABS, (off), 0, 0)
#define RET(k) emit(p, BPF_RET | BPF_K, (k), 0, 0)

struct rule {
	int nr;
	int arg;            /* -1: any arguments */
	int nvals;
	uint32_t vals[2];   /* allowed values of the low half of args[arg] */
};

/* if (ip == at) { allow the listed syscalls, kill on anything else } */
static void ip_block(struct bpf_prog *p, uint64_t at, const struct rule *r, int n)
{
	int head;

	LD(offsetof(struct seccomp_data, instruction_pointer));
	head = p->n;
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)at, 0, 0);
	LD(offsetof(struct seccomp_data, nr));
	for (int i = 0; i < n; i++) {
		int m = r[i].nvals;

		if (r[i].arg < 0) {
			emit(p, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)r[i].nr, 0, 1);
			RET(SECCOMP_RET_ALLOW);
			continue;
		}
		emit(p, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)r[i].nr, 0, (uint8_t)(m + 3));
		LD(offsetof(struct seccomp_data, args) + 8 * r[i].arg);
		for (int j = 0; j < m; j++)
			emit(p, BPF_JMP | BPF_JEQ | BPF_K, r[i].vals[j], (uint8_t)(m - j), 0);
		RET(SECCOMP_RET_KILL_PROCESS);
		RET(SECCOMP_RET_ALLOW);
	}
	RET(SECCOMP_RET_KILL_PROCESS);
	p->f[head].jf = (uint8_t)(p->n - head - 1);
}

static const struct rule guest_rules[] = {
	{ SYS_futex, 1, 2, { FUTEX_WAIT, FUTEX_WAKE } },
	{ SYS_rt_sigreturn, -1, 0, { 0 } },
	{ SYS_arch_prctl, 0, 1, { 0x1002 /* ARCH_SET_FS */ } },
	{ SYS_sched_yield, -1, 0, { 0 } },
	{ SYS_exit, -1, 0, { 0 } },
};

static const struct rule ctl_rules[] = {
	{ SYS_mmap, -1, 0, { 0 } },
	{ SYS_munmap, -1, 0, { 0 } },
	{ SYS_mprotect, -1, 0, { 0 } },
	{ SYS_madvise, -1, 0, { 0 } },
	{ SYS_clone, -1, 0, { 0 } },
	{ SYS_futex, 1, 1, { FUTEX_WAIT } },
	{ SYS_write, 0, 2, { SYSTRAP_ACKFD, SYSTRAP_ZACKFD } },
	{ SYS_prctl, 0, 1, { PR_SET_PDEATHSIG } },
	{ SYS_exit, -1, 0, { 0 } },
	{ SYS_exit_group, -1, 0, { 0 } },
};

/* The fast path's own trampoline: what the handler's may do, but for
 * rt_sigreturn (there is no signal frame to return from). */
static const struct rule fast_rules[] = {
	{ SYS_futex, 1, 2, { FUTEX_WAIT, FUTEX_WAKE } },
	{ SYS_arch_prctl, 0, 1, { 0x1002 /* ARCH_SET_FS */ } },
	{ SYS_sched_yield, -1, 0, { 0 } },
	{ SYS_exit, -1, 0, { 0 } },
};

static const struct rule setup_rules[] = {
	{ SYS_sigaltstack, -1, 0, { 0 } },
	{ SYS_arch_prctl, 0, 1, { 0x1001 /* ARCH_SET_GS: the slot, for the fast path */ } },
	{ SYS_rt_sigprocmask, -1, 0, { 0 } },
	{ SYS_seccomp, -1, 0, { 0 } },
	{ SYS_exit, -1, 0, { 0 } },
};

/* Filter A (control thread, inherited by all) lists every trampoline and
 * what each may do; anything not from a trampoline traps: that is how
 * guest syscalls reach us. Filter B, added by each guest thread on top,
 * only takes the control and set-up trampolines away from it: where both
 * apply the stricter wins, so a guest jumping to the control trampoline
 * gets SIGSYS (B) or is killed (A), never the call, and the handler's and
 * the fast path's trampolines keep A's rules. B looks at the low half of
 * the instruction pointer only: a syscall elsewhere with the same low
 * half is not in the stub, and A traps it anyway. B is this small on
 * purpose: installing a filter costs about 4.5 us per instruction here
 * (the JIT), on every new thread; the whole of A in B made a thread
 * 250 us and a fork with its first thread 400 us. */
static int build_filter(struct sock_filter *f, bool guest)
{
	struct bpf_prog prog = { f, 0 }, *p = &prog;

	if (guest) {
		LD(offsetof(struct seccomp_data, instruction_pointer));
		emit(p, BPF_JMP | BPF_JEQ | BPF_K,
		     (uint32_t)(SYSTRAP_BASE + SYSTRAP_CTL_SYS_OFF + 2), 2, 0);
		emit(p, BPF_JMP | BPF_JEQ | BPF_K,
		     (uint32_t)(SYSTRAP_BASE + SYSTRAP_SETUP_SYS_OFF + 2), 1, 0);
		RET(SECCOMP_RET_ALLOW);
		RET(SECCOMP_RET_TRAP);
		return prog.n;
	}

	LD(offsetof(struct seccomp_data, arch));
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	RET(SECCOMP_RET_TRAP);
	LD(offsetof(struct seccomp_data, instruction_pointer) + 4);
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(SYSTRAP_BASE >> 32), 1, 0);
	RET(SECCOMP_RET_TRAP);
	ip_block(p, SYSTRAP_BASE + SYSTRAP_G_SYS_OFF + 2, guest_rules,
		 (int)(sizeof(guest_rules) / sizeof(guest_rules[0])));
	ip_block(p, SYSTRAP_BASE + SYSTRAP_FAST_SYS_OFF + 2, fast_rules,
		 (int)(sizeof(fast_rules) / sizeof(fast_rules[0])));
	ip_block(p, SYSTRAP_BASE + SYSTRAP_CTL_SYS_OFF + 2, ctl_rules,
		 (int)(sizeof(ctl_rules) / sizeof(ctl_rules[0])));
	ip_block(p, SYSTRAP_BASE + SYSTRAP_SETUP_SYS_OFF + 2, setup_rules,
		 (int)(sizeof(setup_rules) / sizeof(setup_rules[0])));
	RET(SECCOMP_RET_TRAP);
	return prog.n;
}

#undef LD
#undef RET

/* Fill a fresh control page: the filters and their sock_fprogs. */
static void ctl_page_init(uint8_t *page)
{
	struct sock_filter *f = (struct sock_filter *)(page + CTL_FILTERS);
	int na = build_filter(f, false);
	int nb = build_filter(f + na, true);
	struct { uint16_t len; uint16_t pad[3]; uint64_t filter; } fa, fb;

	if (na + nb > CTL_FILTER_MAX)
		sentry_panic("systrap: filters too long");
	fa = (typeof(fa)){ (uint16_t)na, { 0 }, SYSTRAP_CTL_REQ + CTL_FILTERS };
	fb = (typeof(fb)){ (uint16_t)nb, { 0 },
			   SYSTRAP_CTL_REQ + CTL_FILTERS + (uint64_t)na * sizeof(*f) };
	memcpy(page + CTL_FPROG_A, &fa, sizeof(fa));
	memcpy(page + CTL_FPROG_B, &fb, sizeof(fb));
}

/* ---- control requests ---- */

/* Wait for one answer; returns its length and sets *from to the sender's
 * tgid (from SCM_CREDENTIALS, which the kernel fills in: unforgeable) and
 * *word to its first 8 bytes (0 if shorter). */
static int ack_recv(int sock, int pidfd, pid_t *from, uint64_t *word, int timeout_ms)
{
	char buf[256], cbuf[CMSG_SPACE(sizeof(struct ucred))];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct pollfd pfd[2] = { { sock, POLLIN, 0 }, { pidfd, POLLIN, 0 } };
	struct cmsghdr *c;
	ssize_t n;
	int r;

	r = poll(pfd, pidfd >= 0 ? 2 : 1, timeout_ms);
	if (r == 0)
		return -ETIMEDOUT;
	if (r < 0)
		return errno == EINTR ? -EAGAIN : -errno;
	if (!(pfd[0].revents & POLLIN))
		return -ESRCH; /* the stub died */
	n = recvmsg(sock, &mh, MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? -EAGAIN : -errno;
	*from = 0;
	*word = 0;
	if (n >= 8)
		memcpy(word, buf, 8);
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
			struct ucred uc;

			memcpy(&uc, CMSG_DATA(c), sizeof(uc));
			*from = uc.pid;
		}
	}
	return (int)n;
}

/* What a fork request also waits for: the hello of the process the fork
 * op made, which carries the nonce of its new control page (hello; no
 * answer can, answers carry stub text) and whose sender is the kernel's
 * word; with want_ack, the answer to the request the new process found
 * waiting in its control page (its length, or -1). */
struct child_wait {
	uint64_t hello;
	pid_t pid;
	bool want_ack;
	int ack_len;
};

/* Run ops in as's control thread. Returns the number of ops that
 * succeeded (== n on success); rets[] gets their results (untrusted
 * values: only the count is). With cw, also waits for what it says. */
static int ctl_request(struct address_space *as, const struct systrap_ctl_op *ops, int n,
		       uint64_t *rets, struct child_wait *cw)
{
	uint8_t *page = ctl_page(as);
	volatile uint32_t *seq = (volatile uint32_t *)(page + CTL_SEQ);
	bool got_ack = false;
	int done = -ESRCH, waited = 0;
	pid_t from;
	uint64_t word;

	if (n > CTL_MAX_OPS)
		return -EINVAL;
	if (as->dead)
		return -ESRCH;
	pthread_mutex_t *lock = as == &zygote ? &zyg_lock : &ctl_lock;
	int sock = as == &zygote ? zack_sock : ack_sock;

	pthread_mutex_lock(lock);
	/* Run the control thread next to us: its wake-up is then a local
	 * context switch, not a cross-CPU one. */
	if (pin_mode != PIN_NONE && ncpus_allowed > 1) {
		int cpu = sched_getcpu();

		if (cpu >= 0 && cpu != as->ctl_cpu) {
			cpu_set_t one;

			CPU_ZERO(&one);
			CPU_SET(cpu, &one);
			if (sched_setaffinity(as->pid, sizeof(one), &one) == 0)
				as->ctl_cpu = cpu;
		}
	}
	memcpy(page + CTL_OPS, ops, (size_t)n * sizeof(*ops));
	*(volatile uint32_t *)(page + CTL_NOPS) = (uint32_t)n;
	__atomic_store_n(seq, ++as->seq, __ATOMIC_RELEASE);
	futex(seq, FUTEX_WAKE, 1, NULL);
	while (!got_ack || (cw && (!cw->pid || (cw->want_ack && cw->ack_len < 0)))) {
		int len = ack_recv(sock, as->pidfd, &from, &word, 100);

		if (len == -EAGAIN)
			continue;
		if (len == -ETIMEDOUT) {
			if (++waited < 50)
				continue;
			swarn("systrap: control request to %d timed out", as->pid);
			done = -ETIMEDOUT;
			break;
		}
		if (len < 0) {
			done = len;
			as->dead = true;
			break;
		}
		if (cw && !cw->pid && from > 0 && from != as->pid && len >= 8 &&
		    word == cw->hello) {
			/* A hello; longer, it also answers the request the
			 * new process found waiting (see stub.S, ctl_ack). */
			cw->pid = from;
			if (len > 8 && cw->want_ack)
				cw->ack_len = len - 8;
		} else if (cw && cw->pid && from == cw->pid && cw->want_ack && cw->ack_len < 0) {
			cw->ack_len = len;
		} else if (from == as->pid && !got_ack) {
			got_ack = true;
			done = len - 1;
			if (done > n)
				done = n;
			for (int i = 0; rets && i < n; i++)
				rets[i] = ((volatile uint64_t *)(shm + (uint64_t)as->ctl_unit *
						SYSTRAP_UNIT + SYSTRAP_CTL_REQ_LEN))[i];
		}
		/* Anything else is a stale answer of a dead request. */
	}
	pthread_mutex_unlock(lock);
	return done;
}

static int ctl_errno(const uint64_t *rets, int done, int n)
{
	long r;

	if (done >= n)
		return 0;
	if (done < 0)
		return done;
	r = (long)rets[done];
	return r < 0 && r > -4096 ? (int)r : -EIO;
}

/* ---- address spaces ---- */

static struct address_space *as_alloc(void)
{
	struct address_space *as = calloc(1, sizeof(*as));

	if (!as)
		return NULL;
	pthread_mutex_init(&as->lock, NULL);
	as->pidfd = -1;
	as->ctl_cpu = -1;
	return as;
}

static int spawn_thread(struct address_space *as);

/* In the zygote's child, before the exec: no capabilities at all, now or
 * after the exec (root gets the bounding set, and the inheritable set, on
 * exec, so both go). A stub needs none; and the sentry, which runs without
 * any, may change a stub thread's CPU affinity only when the stub's
 * permitted set is a subset of its own (the kernel's cap_safe_nice): with
 * full sets every placement below failed with EPERM. Returns 0 or -1. */
static int zygote_drop_caps(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { { 0 } };

	/* Only what is still in the bounding set: dropping needs
	 * CAP_SETPCAP, which the sentry itself no longer has. */
	for (int cap = 0; cap <= 63; cap++)
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1 &&
		    prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return -1;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -1;
	return syscall(SYS_capset, &hdr, data) < 0 ? -1 : 0;
}

static int systrap_init(struct platform *p, int memfd)
{
	size_t len = (size_t)(systrap_stub_image_end - systrap_stub_image_start);
	int sv[2], zsv[2], one = 1, pipefd[2];
	const char *e;
	pid_t pid, from;
	int r;

	if ((e = getenv("RUNSC_SYSTRAP_POOL")))
		pool_max = atoi(e) < 0 ? 0 : atoi(e) > POOL_MAX ? POOL_MAX : atoi(e);
	if ((e = getenv("RUNSC_SYSTRAP_PIN")))
		pin_mode = !strcmp(e, "same") ? PIN_SAME : !strcmp(e, "none") ? PIN_NONE :
			   !strcmp(e, "split") ? PIN_SPLIT : PIN_AUTO;
	have_fsgsbase = (getauxval(AT_HWCAP2) & 2) != 0; /* HWCAP2_FSGSBASE */
	{
		unsigned int a, b, c, d;

		/* CPUID.1:ECX.OSXSAVE: XSAVE/XRSTOR usable in user mode. */
		fast_ok = __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 27));
		if ((e = getenv("RUNSC_SYSTRAP_PATCH")) && !strcmp(e, "0"))
			fast_ok = false;
	}
	if (getrandom(&hello_seed, sizeof(hello_seed), 0) != sizeof(hello_seed))
		hello_seed = mono_ns() ^ ((uint64_t)getpid() << 32);
	if (sched_getaffinity(0, sizeof(allowed_cpus), &allowed_cpus) == 0)
		ncpus_allowed = CPU_COUNT(&allowed_cpus);
	if (ncpus_allowed <= 1 && (pin_mode == PIN_SPLIT || pin_mode == PIN_AUTO))
		pin_mode = PIN_SAME;
	/* Spinning pays only when the peer runs on another CPU: on the same
	 * CPU it just delays the peer (a context placed on one CPU does not
	 * spin, see pin_stub()). Defaults measured with getpid. */
	sentry_spin = spin_iters(getenv("RUNSC_SYSTRAP_SPIN_US"), pin_mode == PIN_SAME ? 0 : 20);
	stub_spin = spin_iters(getenv("RUNSC_SYSTRAP_STUB_SPIN_US"), pin_mode == PIN_SAME ? 0 : 20);
	/* On one CPU each side yields to the other before it sleeps: a
	 * yield is one syscall and a switch, a futex hand-off two syscalls,
	 * a wake-up and a switch (here 3.4-4.9 us against 6.2-10 us per
	 * round trip between two threads on one CPU, under a load of 5). */
	if ((e = getenv("RUNSC_SYSTRAP_YIELD_US")))
		sentry_yield_ns = (unsigned int)atoi(e) * 1000;
	if ((e = getenv("RUNSC_SYSTRAP_STUB_YIELDS")))
		stub_yields = (unsigned int)atoi(e) & 0xffff;

	stub_memfd = memfd_create("runsc-systrap-stub", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (stub_memfd < 0)
		return -errno;
	if (write(stub_memfd, systrap_stub_image_start, len) != (ssize_t)len)
		return -EIO;
	fcntl(stub_memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
	shm_fd = memfd_create("runsc-systrap-shm", MFD_CLOEXEC);
	if (shm_fd < 0 || ftruncate(shm_fd, (off_t)SHM_SIZE) < 0)
		return -errno;
	shm = mmap(NULL, SHM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, shm_fd, 0);
	if (shm == MAP_FAILED)
		return -errno;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	if (setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0)
		return -errno;
	ack_sock = sv[0];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, zsv) < 0)
		return -errno;
	if (setsockopt(zsv[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0)
		return -errno;
	zack_sock = zsv[0];
	unit_used[0] = 1;
	ctl_page_init(shm);
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;

	/* The zygote. This is the main thread, which lives as long as the
	 * sentry: the zygote's parent-death signal is tied to it. */
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		static char *const argv[] = { "runsc-systrap", NULL };
		static char *const envp[] = { NULL };
		int mfd, sfd, afd, zfd, xfd;

		/* Out of the host terminal's foreground group: ^C typed
		 * there is the sentry's to pass on (fs/host.c), not a
		 * signal for the stubs. */
		setpgid(0, 0);
		personality(ADDR_NO_RANDOMIZE);
		mfd = fcntl(memfd, F_DUPFD, 100);
		sfd = fcntl(shm_fd, F_DUPFD, 100);
		afd = fcntl(sv[1], F_DUPFD, 100);
		zfd = fcntl(zsv[1], F_DUPFD, 100);
		xfd = fcntl(stub_memfd, F_DUPFD_CLOEXEC, 100);
		if (mfd < 0 || sfd < 0 || afd < 0 || zfd < 0 || xfd < 0 ||
		    dup2(mfd, SYSTRAP_MEMFD) < 0 || dup2(sfd, SYSTRAP_SHMFD) < 0 ||
		    dup2(afd, SYSTRAP_ACKFD) < 0 || dup2(zfd, SYSTRAP_ZACKFD) < 0 ||
		    dup3(xfd, 6, O_CLOEXEC) < 0)
			_exit(127);
		syscall(SYS_close_range, SYSTRAP_ZACKFD + 1, ~0U, 0);
		if (zygote_drop_caps() < 0)
			_exit(127);
		close(0);
		close(1);
		close(2);
		syscall(SYS_execveat, 6, "", argv, envp, AT_EMPTY_PATH);
		_exit(127);
	}
	close(pipefd[0]);
	close(pipefd[1]);
	keeper_start();
	close(sv[1]);
	close(zsv[1]);
	zygote.pid = pid;
	zygote.pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	zygote.ctl_cpu = -1;
	pthread_mutex_init(&zygote.lock, NULL);
	for (int tries = 0;; tries++) {
		uint64_t word;

		r = ack_recv(zack_sock, zygote.pidfd, &from, &word, 100);
		if (r > 0 && from == pid)
			break;
		if (r == -ESRCH || tries > 50) {
			swarn("systrap: stub failed to start");
			return -EIO;
		}
	}
	p->memfd = memfd;
	sinfo("systrap: fsgsbase %d, pin %d, spin %u/%u", have_fsgsbase, pin_mode,
	      sentry_spin, stub_spin);
	return 0;
}

static void as_free_units(struct address_space *as)
{
	for (int i = 0; i < SYSTRAP_MAX_SLOTS; i++)
		unit_free(as->slot_unit[i]);
	unit_free(as->ctl_unit);
}

/* Hand as's units and pidfd to the graveyard. */
static bool as_bury(struct address_space *as)
{
	struct grave *g;
	int n = 1;

	for (int i = 0; i < SYSTRAP_MAX_SLOTS; i++)
		n += as->slot_unit[i] != 0;
	g = malloc(sizeof(*g) + (size_t)n * sizeof(g->units[0]));
	if (!g)
		return false;
	g->n = 0;
	g->units[g->n++] = as->ctl_unit;
	for (int i = 0; i < SYSTRAP_MAX_SLOTS; i++)
		if (as->slot_unit[i])
			g->units[g->n++] = as->slot_unit[i];
	g->pidfd = as->pidfd;
	as->pidfd = -1;
	pthread_mutex_lock(&shm_lock);
	g->next = graves;
	graves = g;
	pthread_mutex_unlock(&shm_lock);
	/* A full pipe already says so. */
	if (keeper_started && write(graves_pipe[1], "", 1) < 0 && errno != EAGAIN)
		swarn("systrap: cannot wake the graveyard's keeper: %s", strerror(errno));
	return true;
}

static void systrap_as_release(struct address_space *as);

/* A thread being made in an address space (see spawn_thread): its
 * context, and the request that makes it. */
struct spawn {
	struct context *ctx;
	struct systrap_ctl_op ops[2];
	int nops;
};

/* as_create gives up: a thread context prepared and not started is
 * dropped, and the space goes (its process, if any, is killed). */
static struct address_space *as_create_fail(struct address_space *as, struct spawn *sp, int err)
{
	free(sp->ctx);
	sp->ctx = NULL;
	if (as->pid > 0) {
		systrap_as_release(as);
	} else {
		as_free_units(as);
		free(as);
	}
	errno = -err;
	return NULL;
}

/* One address-space op as a control op; the guest range only, whatever
 * the caller says. */
static int ctl_op_of(const struct as_op *o, struct systrap_ctl_op *c)
{
	if (o->addr >= SYSTRAP_BASE || o->len > SYSTRAP_BASE - o->addr)
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	c->a[0] = o->addr;
	c->a[1] = o->len;
	c->a[2] = (uint64_t)o->prot;
	switch (o->kind) {
	case AS_MAP:
		c->nr = SYS_mmap;
		c->a[3] = MAP_SHARED | MAP_FIXED;
		c->a[4] = SYSTRAP_MEMFD;
		c->a[5] = o->memfile_off;
		break;
	case AS_UNMAP:
		c->nr = SYS_munmap;
		break;
	case AS_PROTECT:
		c->nr = SYS_mprotect;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static int spawn_prepare(struct address_space *as, struct spawn *sp);
static int spawn_finish(struct address_space *as, struct spawn *sp, const uint64_t *rets,
			int done);

/* A new address space with its first thread: a fork of the zygote, or
 * of forker (another address space's control thread, see systrap_as_fork),
 * made the zygote's child too (CLONE_PARENT): its parent-death signal
 * and its reaping are the zygote's business, not the forker's, which may
 * die first. */
static struct address_space *as_create(struct address_space *forker, const struct as_op *pre,
					int npre)
{
	struct address_space *as = as_alloc();
	struct systrap_ctl_op op;
	struct child_wait cw = { .ack_len = -1 };
	struct spawn sp = { .ctx = NULL };
	uint64_t ret, hello;
	int u, done;

	if (!as)
		return NULL;
	u = unit_alloc();
	if (u < 0) {
		free(as);
		errno = ENOMEM;
		return NULL;
	}
	as->ctl_unit = (uint32_t)u;
	ctl_page_init(ctl_page(as));
	hello = hello_seed + __atomic_add_fetch(&hello_count, 1, __ATOMIC_RELAXED) *
			     0x9e3779b97f4a7c15ULL;
	memcpy(ctl_page(as) + CTL_HELLO, &hello, sizeof(hello));
	cw.hello = hello;
	/* A new address space finds its first request waiting in its
	 * control page: pre's ops (a fork's own mappings), then the making
	 * of its first thread. It runs them before its hello, which answers
	 * them: one round trip, under the forker's lock only (a zygote fork
	 * for the pool then takes no turn under ctl_lock, where a fork
	 * child's first request waited 60-120 us behind its thread's). */
	if (spawn_prepare(as, &sp) == 0) {
		uint8_t *page = ctl_page(as);
		struct systrap_ctl_op *c = (struct systrap_ctl_op *)(page + CTL_OPS);
		int k = 0;

		for (int i = 0; i < npre && sp.ctx; i++)
			if (npre + sp.nops > CTL_MAX_OPS || ctl_op_of(&pre[i], &c[k++]) < 0)
				return as_create_fail(as, &sp, -EINVAL);
		for (int i = 0; i < sp.nops; i++)
			c[k++] = sp.ops[i];
		*(volatile uint32_t *)(page + CTL_NOPS) = (uint32_t)k;
		__atomic_store_n((volatile uint32_t *)(page + CTL_SEQ), ++as->seq, __ATOMIC_RELEASE);
		cw.want_ack = true;
	} else if (npre) {
		return as_create_fail(as, &sp, -EINVAL);
	}
	memset(&op, 0, sizeof(op));
	op.nr = SYS_clone;
	op.a[0] = SIGCHLD | (forker != &zygote ? CLONE_PARENT : 0);
	op.extra = (uint64_t)u * SYSTRAP_UNIT;
	done = ctl_request(forker, &op, 1, &ret, &cw);
	if (done != 1 || cw.pid <= 0) {
		swarn("systrap: cannot fork %s (%d)", forker == &zygote ? "the zygote" :
			"an address space", done);
		return as_create_fail(as, &sp, -EAGAIN);
	}
	as->pid = cw.pid;
	/* Its control thread, and the first thread that one cloned, have
	 * the affinity of the forker's control thread, which ctl_request
	 * has just set: no need to set it again (see follow_sentry). */
	as->ctl_cpu = forker->ctl_cpu;
	as->pidfd = (int)syscall(SYS_pidfd_open, cw.pid, 0);
	if (sp.ctx) {
		int nops = npre + sp.nops;
		uint64_t rets[CTL_MAX_OPS];

		/* Its answer: 1 + the ops that succeeded, results in its
		 * reply page. */
		done = cw.ack_len > 0 ? cw.ack_len - 1 : -ESRCH;
		if (done > nops)
			done = nops;
		for (int i = 0; i < nops; i++)
			rets[i] = ((volatile uint64_t *)(ctl_page(as) + SYSTRAP_CTL_REQ_LEN))[i];
		if (as->pidfd < 0 || done < npre) {
			if (done >= 0 && done < npre)
				swarn("systrap: a fork's own mappings failed (%d)",
				      ctl_errno(rets, done, nops));
			return as_create_fail(as, &sp, -EAGAIN);
		}
		/* spawn_finish owns sp.ctx from here, also when it fails. */
		if (spawn_finish(as, &sp, rets + npre, done - npre) < 0) {
			systrap_as_release(as);
			errno = EAGAIN;
			return NULL;
		}
	} else if (as->pidfd < 0 || spawn_thread(as) < 0) {
		systrap_as_release(as);
		errno = EAGAIN;
		return NULL;
	}
	return as;
}

/* Making an address space (a zygote fork, a thread clone, its first
 * trap: about 0.3 ms) is off the path of fork and exec: a sentry thread
 * keeps POOL_MAX of them ready. RUNSC_SYSTRAP_POOL=0 turns it off. */
static bool pool_started;
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_cond = PTHREAD_COND_INITIALIZER;

static void *pool_fill(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&pool_lock);
	for (;;) {
		struct address_space *as;

		while (npool >= pool_max)
			pthread_cond_wait(&pool_cond, &pool_lock);
		pthread_mutex_unlock(&pool_lock);
		as = as_create(&zygote, NULL, 0);
		pthread_mutex_lock(&pool_lock);
		if (as) {
			pool[npool++] = as;
		} else {
			/* Out of processes or memory: try again later. */
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec++;
			pthread_cond_timedwait(&pool_cond, &pool_lock, &ts);
		}
	}
	return NULL;
}

static struct address_space *systrap_as_new(struct platform *p, struct context *creator)
{
	struct address_space *as = NULL;
	pthread_t th;

	(void)p;
	(void)creator;
	pthread_mutex_lock(&pool_lock);
	if (npool > 0)
		as = pool[--npool];
	if (!pool_started && pool_max > 0) {
		pool_started = pthread_create(&th, NULL, pool_fill, NULL) == 0;
		if (pool_started)
			pthread_detach(th);
	}
	pthread_cond_signal(&pool_cond);
	pthread_mutex_unlock(&pool_lock);
	if (as) {
		struct pollfd pfd = { as->pidfd, POLLIN, 0 };

		if (poll(&pfd, 1, 0) == 0)
			return as;
		/* It died waiting (killed from outside). */
		systrap_as_release(as);
	}
	return as_create(&zygote, NULL, 0);
}

static void context_free(struct context *ctx)
{
	free(ctx);
}

/* A stub about to be killed: its threads may run on any CPU but this
 * one. Dying, it tears its address space down (60-80 us here) in
 * whichever of its threads goes last, and pinned where they ran, on the
 * CPU of the sentry thread that kills it, that came before the parent
 * this sentry thread was about to wake (a trace of a fork+exec+wait: the
 * parent woke, waited for the big kernel lock, and the dying stub ran). */
static void send_away(struct address_space *as)
{
	cpu_set_t away = allowed_cpus;
	int cpu = sched_getcpu();

	if (pin_mode == PIN_NONE || cpu < 0 || ncpus_allowed <= 1)
		return;
	CPU_CLR(cpu, &away);
	if (!CPU_COUNT(&away))
		return;
	sched_setaffinity(as->pid, sizeof(away), &away);
	pthread_mutex_lock(&as->lock);
	for (int i = 0; i < SYSTRAP_MAX_SLOTS; i++)
		if (as->slot_busy[i] && as->slot_tid[i] > 0)
			sched_setaffinity(as->slot_tid[i], sizeof(away), &away);
	pthread_mutex_unlock(&as->lock);
}

static void systrap_as_release(struct address_space *as)
{
	bool free_it;

	pthread_mutex_lock(&as->lock);
	as->released = true;
	while (as->nspare > 0)
		context_free(as->spare[--as->nspare]);
	free_it = as->threads == 0;
	pthread_mutex_unlock(&as->lock);
	if (as->pid > 0) {
		send_away(as);
		kill(as->pid, SIGKILL);
		/* Its slots stay mapped until it is gone: only then may
		 * another address space reuse the units. */
		if (as->pidfd < 0 || !as_bury(as))
			swarn("systrap: stub %d: cannot track its death; leaking its pages",
			      as->pid);
		as->dead = true;
	} else {
		as_free_units(as);
	}
	if (free_it) {
		if (as->pidfd >= 0)
			close(as->pidfd);
		free(as);
	}
}

/* The forker's control thread forks: the child inherits the guest
 * mappings, drops the forker's slots, says hello, then runs ops and makes
 * its first thread (one request the sentry left in its control page). */
static struct address_space *systrap_as_fork(struct context *ctx, const struct as_op *ops, int n)
{
	if (ctx->as->dead || ctx->as->released) {
		errno = ESRCH;
		return NULL;
	}
	if (n < 0 || n > CTL_MAX_OPS - 2) {
		errno = E2BIG;
		return NULL;
	}
	return as_create(ctx->as, ops, n);
}

static bool systrap_as_exec_keep(struct context *ctx)
{
	struct address_space *as = ctx->as;
	bool keep;

	pthread_mutex_lock(&as->lock);
	keep = as->threads == 1 && !as->released && !as->dead && !ctx->dead && ctx->stopped;
	pthread_mutex_unlock(&as->lock);
	return keep;
}

/* ---- the hand-off ---- */

static bool slot_range_ok(const struct context *ctx, uint64_t addr, uint64_t len, uint64_t align)
{
	uint64_t lo = ctx->slot_addr + SYSTRAP_PAGE, hi = ctx->slot_addr + SYSTRAP_UNIT;

	return addr >= lo && addr <= hi && len <= hi - addr && !(addr & (align - 1));
}

static void *slot_ptr(const struct context *ctx, uint64_t addr)
{
	return ctx->mem + (addr - ctx->slot_addr);
}

static bool thread_alive(const struct context *ctx)
{
	return !ctx->as->dead && syscall(SYS_tgkill, ctx->as->pid, ctx->tid, 0) == 0;
}

static void unpin_pair(struct context *ctx);
/* Longer than the scheduler tick: a wait's timer that would be the next
 * timer event costs a timer reprogramming (a VM exit here) each time; at
 * 1 ms a fork+exec+wait lost 12%. */
#define LET_GO_NS 20000000

/* Wait until the stub reports a trap: spin, then sleep on the state word. */
static int wait_trap(struct context *ctx, int give_up_ms)
{
	volatile uint32_t *state = &ctx->msg->state;
	struct timespec ts = { 0, 100 * 1000000 }, let_go = { 0, LET_GO_NS };
	uint64_t start = 0;
	bool pinned = !ctx->split && (ctx->sentry_cpu >= 0 || ctx->stub_cpu >= 0);

	for (unsigned int i = 0; i < ctx->spin; i++) {
		if (__atomic_load_n(state, __ATOMIC_ACQUIRE) == ST_TRAP)
			return 0;
		__builtin_ia32_pause();
	}
	if (ctx->yield_off) {
		ctx->yield_off--;
	} else if (ctx->yield_ns) {
		uint64_t now = mono_ns(), until = now + ctx->yield_ns;

		do {
			uint64_t before = now;

			if (__atomic_load_n(state, __ATOMIC_ACQUIRE) == ST_TRAP)
				return 0;
			sched_yield();
			now = mono_ns();
			/* Another process had the CPU for a while: a yield
			 * gives it a whole slice, where a futex wake-up would
			 * have let us preempt it (measured here: yielding lost
			 * then, 25 against 16 us a getpid). Sleep on the futex
			 * for a while, and tell the stub to. */
			if (now - before > YIELD_SLOW_NS) {
				ctx->yield_off = YIELD_OFF_TRAPS;
				break;
			}
		} while (now < until);
	}
	for (;;) {
		uint32_t s;

		__atomic_store_n(&ctx->msg->sentry_waiting, 1, __ATOMIC_SEQ_CST);
		s = __atomic_load_n(state, __ATOMIC_SEQ_CST);
		if (s == ST_TRAP)
			break;
		if (pinned && futex(state, FUTEX_WAIT, s, &let_go) < 0 && errno == ETIMEDOUT) {
			/* The guest has run for a while without a trap: let
			 * the pair go (see pin_same). */
			pinned = false;
			unpin_pair(ctx);
			continue;
		}
		if (futex(state, FUTEX_WAIT, s, &ts) < 0 && errno == ETIMEDOUT) {
			uint64_t kick = __atomic_load_n(&ctx->kick_ns, __ATOMIC_RELAXED);

			if (!thread_alive(ctx))
				return -ESRCH;
			/* A live guest thread takes a kick at once; one that has
			 * not in a second has wedged its stub (only a guest
			 * scribbling on stub memory can do that): give up on it. */
			if (kick && mono_ns() - kick > 1000000000ULL) {
				swarn("systrap: stub thread %d ignores kicks, killing it", ctx->tid);
				kill(ctx->as->pid, SIGKILL);
				return -ESRCH;
			}
			if (give_up_ms) {
				if (!start)
					start = mono_ns();
				else if (mono_ns() - start > (uint64_t)give_up_ms * 1000000)
					return -ETIMEDOUT;
			}
		}
	}
	__atomic_store_n(&ctx->msg->sentry_waiting, 0, __ATOMIC_RELAXED);
	return 0;
}

static void kick_answered(struct context *ctx)
{
	if (__atomic_load_n(&ctx->kick_ns, __ATOMIC_RELAXED))
		__atomic_store_n(&ctx->kick_ns, 0, __ATOMIC_RELAXED);
}

/* Take the parked trap's frame: validate the pointers once and keep them
 * in sentry memory, so the guest cannot redirect later accesses. */
static int capture_frame(struct context *ctx, uint64_t *info)
{
	uint64_t uc = __atomic_load_n(&ctx->msg->uc, __ATOMIC_RELAXED);
	uint64_t si = __atomic_load_n(&ctx->msg->info, __ATOMIC_RELAXED);
	uint64_t fp;

	if (!slot_range_ok(ctx, uc, UC_KERNEL_SIZE, 8) ||
	    !slot_range_ok(ctx, si, sizeof(siginfo_t), 8))
		return -EFAULT;
	memcpy(&fp, slot_ptr(ctx, uc) + offsetof(ucontext_t, uc_mcontext.fpregs), sizeof(fp));
	ctx->uc = uc;
	ctx->fp = slot_range_ok(ctx, fp, FP_MIN_SIZE, 64) ? fp : 0;
	memcpy(ctx->gregs, slot_ptr(ctx, uc) + offsetof(ucontext_t, uc_mcontext.gregs),
	       sizeof(ctx->gregs));
	*info = si;
	ctx->stopped = true;
	return 0;
}

/* The fast path's frame (see systrap.h), filled once per thread from its
 * first trap's kernel frame: the same FP layout and size the kernel uses
 * for this thread's signal frames, so get/set_fpstate read either alike.
 * The stub writes the registers and the XSAVE image on each fast trap. */
static void fast_frame_init(struct context *ctx)
{
	uint8_t *m = ctx->mem, *x = m + FAST_XSAVE;
	const uint8_t *kfp = ctx->fp ? slot_ptr(ctx, ctx->fp) : NULL;
	uint32_t magic = 0, xsize = 512 + 64;
	uint64_t xfeatures = 3, fpregs = ctx->slot_addr + FAST_XSAVE;
	greg_t csgsfs = (greg_t)(0x33 | (0x2bULL << 48));
	siginfo_t si;

	if (kfp)
		memcpy(&magic, kfp + 464, sizeof(magic));
	if (magic == FP_XSTATE_MAGIC1) {
		uint32_t size;

		memcpy(&size, kfp + 464 + 16, sizeof(size));
		if (size > 512 + 64 && size <= ARCH_XSAVE_MAX - 4 &&
		    FAST_XSAVE + size + 4 <= SYSTRAP_UNIT - 0x4000) {
			xsize = size;
			memcpy(&xfeatures, kfp + 464 + 8, sizeof(xfeatures));
		} else {
			magic = 0;
		}
	}
	memset(m + FAST_UC, 0, FAST_XSAVE + xsize + 4 - FAST_UC);
	memcpy(m + FAST_UC + UC_FPREGS, &fpregs, sizeof(fpregs));
	memcpy(m + FAST_GREGS + 8 * G_CSGSFS, &csgsfs, sizeof(csgsfs));
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGSYS;
	si.si_code = 1; /* SYS_SECCOMP */
	memcpy(m + FAST_SI_SYS, &si, sizeof(si));
	si.si_signo = KICK_SIGNAL;
	si.si_code = SI_TKILL;
	memcpy(m + FAST_SI_KICK, &si, sizeof(si));
	if (magic == FP_XSTATE_MAGIC1) {
		uint32_t m2 = FP_XSTATE_MAGIC2;

		/* The software bytes (magic, sizes, features), which XSAVE
		 * leaves alone, and the second magic after the image. */
		memcpy(x + 464, kfp + 464, 48);
		memcpy(x + xsize, &m2, sizeof(m2));
	}
	ctx->msg->xmask = xfeatures;
}

/* The first half of making a thread: a context on a free slot (its unit
 * mapped by the request if new), the signal stack in the control page,
 * and the request in sp. Nothing runs yet. */
static int spawn_prepare(struct address_space *as, struct spawn *sp)
{
	const long flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
			   CLONE_SYSVSEM | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
	struct systrap_ctl_op *ops = sp->ops;
	struct context *ctx;
	int slot = -1, nops = 0;
	stack_t ss;

	sp->ctx = NULL;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	pthread_mutex_lock(&as->lock);
	for (int i = 0; i < SYSTRAP_MAX_SLOTS; i++) {
		if (!as->slot_busy[i]) {
			slot = i;
			as->slot_busy[i] = 1;
			as->slot_tid[i] = 0;
			break;
		}
	}
	pthread_mutex_unlock(&as->lock);
	if (slot < 0) {
		free(ctx);
		return -EAGAIN;
	}
	ctx->as = as;
	ctx->slot = slot;
	ctx->slot_addr = SYSTRAP_SLOTS + (uint64_t)slot * SYSTRAP_UNIT;
	ctx->stub_cpu = -1;
	ctx->sentry_cpu = -1;
	memset(sp->ops, 0, sizeof(sp->ops));
	if (!as->slot_unit[slot]) {
		int u = unit_alloc();

		if (u < 0) {
			/* The slot stays busy, as after any failure. */
			free(ctx);
			return -ENOMEM;
		}
		as->slot_unit[slot] = (uint32_t)u;
		ops[nops].nr = SYS_mmap;
		ops[nops].a[0] = ctx->slot_addr;
		ops[nops].a[1] = SYSTRAP_UNIT;
		ops[nops].a[2] = PROT_READ | PROT_WRITE;
		ops[nops].a[3] = MAP_SHARED | MAP_FIXED;
		ops[nops].a[4] = SYSTRAP_SHMFD;
		ops[nops].a[5] = (uint64_t)u * SYSTRAP_UNIT;
		nops++;
	}
	ctx->mem = shm + (uint64_t)as->slot_unit[slot] * SYSTRAP_UNIT;
	ctx->msg = (struct systrap_msg *)ctx->mem;
	memset(ctx->mem, 0, SYSTRAP_PAGE);
	ctx->msg->flags = have_fsgsbase ? MSG_F_FSGSBASE : 0;
	ctx->msg->self = ctx->slot_addr;
	ctx->spin = sentry_spin;
	ctx->stub_spin = stub_spin;
	ctx->msg->spin = stub_spin;
	/* The new thread reads its signal stack from the request page; we
	 * wait for its first trap before the next request, so it is stable. */
	ss.ss_sp = (void *)(ctx->slot_addr + SYSTRAP_PAGE);
	ss.ss_flags = 0;
	ss.ss_size = SYSTRAP_UNIT - SYSTRAP_PAGE;
	memcpy(ctl_page(as) + CTL_ALTSTACK, &ss, sizeof(ss));
	ops[nops].nr = SYS_clone;
	ops[nops].a[0] = (uint64_t)flags;
	ops[nops].a[2] = ctx->slot_addr + MSG_TID;
	ops[nops].a[3] = ctx->slot_addr + MSG_TID;
	nops++;
	sp->ctx = ctx;
	sp->nops = nops;
	return 0;
}

/* The second half: the answer to sp's request (done of its ops
 * succeeded, their results in rets). The new thread is checked, its first
 * trap waited for, and it becomes a spare of as. Consumes sp->ctx, also
 * on failure. */
static int spawn_finish(struct address_space *as, struct spawn *sp, const uint64_t *rets,
			int done)
{
	struct context *ctx = sp->ctx;
	uint64_t info;
	int err;

	sp->ctx = NULL;
	if ((err = ctl_errno(rets, done, sp->nops)) < 0)
		goto fail;
	/* The reply page is guest-writable: the tid must name a thread of
	 * this stub (tgkill checks the thread group) other than its control
	 * thread, or a guest could have us pin or signal another one. */
	ctx->tid = (pid_t)rets[sp->nops - 1];
	if (ctx->tid <= 0 || ctx->tid == as->pid ||
	    syscall(SYS_tgkill, as->pid, ctx->tid, 0) != 0) {
		err = -ESRCH;
		ctx->tid = 0;
		goto fail;
	}
	if ((err = wait_trap(ctx, 5000)) < 0)
		goto fail;
	if ((err = capture_frame(ctx, &info)) < 0)
		goto fail;
	fast_frame_init(ctx);
	/* Cloned by the control thread, it has that thread's affinity. */
	ctx->stub_cpu = as->ctl_cpu;
	pthread_mutex_lock(&as->lock);
	as->slot_tid[ctx->slot] = ctx->tid;
	if (as->nspare < MAX_SPARE) {
		as->spare[as->nspare++] = ctx;
		ctx = NULL;
	}
	pthread_mutex_unlock(&as->lock);
	if (ctx) {
		/* Should not happen: callers keep the spare count small. */
		ctx->msg->state = ST_EXIT;
		futex(&ctx->msg->state, FUTEX_WAKE, INT32_MAX, NULL);
		free(ctx);
	}
	return 0;
fail:
	swarn("systrap: cannot start a stub thread in %d: %s", as->pid, strerror(-err));
	if (ctx->tid > 0)
		syscall(SYS_tgkill, as->pid, ctx->tid, SIGKILL);
	/* The slot stays busy: a half-started thread may still use it. */
	free(ctx);
	return err;
}

static int spawn_thread(struct address_space *as)
{
	struct spawn sp;
	uint64_t rets[2];
	int err = spawn_prepare(as, &sp);

	if (err < 0)
		return err;
	return spawn_finish(as, &sp, rets, ctl_request(as, sp.ops, sp.nops, rets, NULL));
}

static int systrap_as_spawn_thread(struct context *ctx)
{
	return spawn_thread(ctx->as);
}

/* Same placement: the stub thread follows the sentry thread, which the
 * host scheduler may move (a wake-up that finds our CPU busy lands on an
 * idle one): pinning both to one fixed CPU left the pair queued behind
 * another process's job while the other CPU idled. Called before each
 * resume; sched_getcpu() is a vDSO read, the affinity change is rare. */
static void follow_sentry(struct context *ctx)
{
	int cpu = sched_getcpu();
	cpu_set_t one;

	if (cpu < 0 || cpu == ctx->stub_cpu)
		return;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(ctx->tid, sizeof(one), &one) == 0)
		ctx->stub_cpu = cpu;
}

/* Same placement: both threads on the CPU the sentry thread is on now,
 * pinned, the sentry thread too: unpinned, an idle CPU's newidle balance
 * took it from under the stub, or a wake-up by the stub woke it on the
 * idle CPU (an IPI, tens of us here), and the stub then followed it:
 * 27 against 11.6 us a slow-path getpid, 2.58 against 2.09 ms a
 * fork+exec+wait. The pin is for a pair that hands traps back and forth:
 * when the guest runs for LET_GO_NS without a trap, wait_trap lets both
 * threads go (unpin_pair), so the host's load balancer can spread
 * CPU-bound guests (two of them shared one CPU before, even unpinned),
 * and the pair is pinned again wherever the sentry thread runs at the
 * next resume. The pin also stays while the task sleeps in the sentry:
 * a wake-up on the same CPU is what a fork+exec+wait's parent wants
 * (the child exits there). */
static void pin_same(struct context *ctx)
{
	int cpu = sched_getcpu();

	if (cpu >= 0 && cpu != ctx->sentry_cpu) {
		cpu_set_t one;

		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		ctx->sentry_cpu = sched_setaffinity(0, sizeof(one), &one) == 0 ? cpu : -1;
	}
	follow_sentry(ctx);
}

static void unpin_pair(struct context *ctx)
{
	if (ctx->sentry_cpu >= 0)
		sched_setaffinity(0, sizeof(allowed_cpus), &allowed_cpus);
	if (ctx->stub_cpu >= 0)
		sched_setaffinity(ctx->tid, sizeof(allowed_cpus), &allowed_cpus);
	ctx->sentry_cpu = ctx->stub_cpu = -1;
}

/* Split: the sentry thread on CPU cpu_k, the stub thread on the next one,
 * both spinning. Same: both on one CPU (pin_same); neither side spins
 * (it would only delay the other). */
static void pin_stub(struct context *ctx, bool split)
{
	cpu_set_t one;

	if (split) {
		CPU_ZERO(&one);
		CPU_SET(cpu_by_index(ctx->cpu_k), &one);
		sched_setaffinity(0, sizeof(one), &one);
		CPU_ZERO(&one);
		CPU_SET(cpu_by_index((ctx->cpu_k + 1) % (unsigned int)ncpus_allowed), &one);
		sched_setaffinity(ctx->tid, sizeof(one), &one);
		ctx->stub_cpu = -1;
		ctx->sentry_cpu = -1;
	} else {
		/* From split placement both moved; otherwise the stub thread
		 * may already be where pin_same wants it (spawn_finish). */
		if (ctx->split) {
			ctx->sentry_cpu = -1;
			ctx->stub_cpu = -1;
		}
		pin_same(ctx);
	}
	ctx->split = split;
	ctx->spin = split ? sentry_spin : 0;
	ctx->stub_spin = split ? stub_spin : 0;
	ctx->yield_ns = split ? 0 : sentry_yield_ns;
	ctx->stub_yields = split ? 0 : stub_yields;
}

static void pin(struct context *ctx)
{
	if (pin_mode == PIN_NONE)
		return;
	if (ncpus_allowed <= 1) {
		/* One CPU (taskset): nothing to place, and the two sides
		 * yield to each other as in same placement. */
		ctx->split = false;
		ctx->spin = ctx->stub_spin = 0;
		ctx->yield_ns = sentry_yield_ns;
		ctx->stub_yields = stub_yields;
		return;
	}
	ctx->cpu_k = __atomic_fetch_add(&next_cpu, 1, __ATOMIC_RELAXED) %
		     (unsigned int)ncpus_allowed;
	/* Auto starts on one CPU: a new thread's first traps are sparse (a
	 * process starting, a fork child on its way to exec), and split
	 * placement pays an idle CPU's wake-up on each side of every such
	 * trap. Busy threads get measured after AUTO_EPOCH traps. */
	pin_stub(ctx, pin_mode == PIN_SPLIT);
	ctx->epoch_tsc = __builtin_ia32_rdtsc();
}

/* PIN_AUTO, every AUTO_EPOCH traps: time this epoch. Four epochs
 * alternate the placements, then the one whose two epochs took less time
 * in all is kept for AUTO_HOLD epochs, then it measures again. The total,
 * not the best epoch: on a busy machine split placement has the best
 * epochs (both CPUs were free for a moment) and the worst ones (either
 * CPU was taken, and every hand-off waited for it), and it is the total
 * that a guest sees. */
static void auto_epoch(struct context *ctx)
{
	uint64_t now = __builtin_ia32_rdtsc(), cost = now - ctx->epoch_tsc;
	uint64_t *best = &ctx->epoch_cost[ctx->split];

	if (ctx->auto_phase < 4) {
		*best = ctx->auto_phase < 2 ? cost : *best + cost;
		if (++ctx->auto_phase < 4) {
			pin_stub(ctx, !ctx->split);
		} else {
			bool split = ctx->epoch_cost[1] <= ctx->epoch_cost[0];

			sdebug("systrap: thread %d: 2 epochs of %d traps: split %llu, "
			       "same %llu cycles", ctx->tid, AUTO_EPOCH,
			       (unsigned long long)ctx->epoch_cost[1],
			       (unsigned long long)ctx->epoch_cost[0]);
			/* The same verdict again: measure half as often
			 * (each probe costs two epochs of the worse one). */
			if (split == ctx->auto_last && ctx->auto_hold_len)
				ctx->auto_hold_len = ctx->auto_hold_len < AUTO_HOLD_MAX ?
						     ctx->auto_hold_len * 2 : AUTO_HOLD_MAX;
			else
				ctx->auto_hold_len = AUTO_HOLD;
			ctx->auto_last = split;
			if (split != ctx->split)
				pin_stub(ctx, split);
			ctx->auto_hold = ctx->auto_hold_len;
		}
	} else if (--ctx->auto_hold == 0) {
		ctx->auto_phase = 0;
	}
	ctx->ntraps = 0;
	ctx->epoch_tsc = __builtin_ia32_rdtsc();
}

static struct context *systrap_context_new(struct platform *p, struct address_space *as)
{
	struct context *ctx = NULL;

	(void)p;
	for (int tries = 0; tries < 2 && !ctx; tries++) {
		pthread_mutex_lock(&as->lock);
		if (as->nspare > 0) {
			ctx = as->spare[--as->nspare];
			as->threads++;
		}
		pthread_mutex_unlock(&as->lock);
		if (!ctx && spawn_thread(as) < 0)
			break;
	}
	if (!ctx) {
		errno = EAGAIN;
		return NULL;
	}
	pin(ctx);
	return ctx;
}

static void systrap_context_release(struct context *ctx)
{
	struct address_space *as = ctx->as;
	bool free_as;

	if (!ctx->dead && !as->dead && !as->released && ctx->stopped) {
		struct timespec ts = { 1, 0 };
		uint32_t tid;

		__atomic_store_n(&ctx->msg->state, ST_EXIT, __ATOMIC_SEQ_CST);
		futex(&ctx->msg->state, FUTEX_WAKE, INT32_MAX, NULL);
		/* CLONE_CHILD_CLEARTID zeroes the word when it is gone. */
		tid = __atomic_load_n(&ctx->msg->tid, __ATOMIC_ACQUIRE);
		if (tid)
			futex(&ctx->msg->tid, FUTEX_WAIT, tid, &ts);
		pthread_mutex_lock(&as->lock);
		as->slot_busy[ctx->slot] = 0;
		pthread_mutex_unlock(&as->lock);
	}
	pthread_mutex_lock(&as->lock);
	as->threads--;
	free_as = as->released && as->threads == 0;
	pthread_mutex_unlock(&as->lock);
	if (free_as) {
		if (as->pidfd >= 0)
			close(as->pidfd);
		free(as);
	}
	context_free(ctx);
}

/* Registers into a frame's general registers. */
static void regs_to_gregs(greg_t *g, const struct user_regs_struct *r)
{

	g[REG_R8] = (greg_t)r->r8;
	g[REG_R9] = (greg_t)r->r9;
	g[REG_R10] = (greg_t)r->r10;
	g[REG_R11] = (greg_t)r->r11;
	g[REG_R12] = (greg_t)r->r12;
	g[REG_R13] = (greg_t)r->r13;
	g[REG_R14] = (greg_t)r->r14;
	g[REG_R15] = (greg_t)r->r15;
	g[REG_RDI] = (greg_t)r->rdi;
	g[REG_RSI] = (greg_t)r->rsi;
	g[REG_RBP] = (greg_t)r->rbp;
	g[REG_RBX] = (greg_t)r->rbx;
	g[REG_RDX] = (greg_t)r->rdx;
	g[REG_RAX] = (greg_t)r->rax;
	g[REG_RCX] = (greg_t)r->rcx;
	g[REG_RSP] = (greg_t)r->rsp;
	g[REG_RIP] = (greg_t)r->rip;
	g[REG_EFL] = (greg_t)r->eflags;
}

static void gregs_to_regs(const greg_t *g, struct user_regs_struct *r)
{
	uint64_t csgsfs = (uint64_t)g[REG_CSGSFS];

	r->r8 = (uint64_t)g[REG_R8];
	r->r9 = (uint64_t)g[REG_R9];
	r->r10 = (uint64_t)g[REG_R10];
	r->r11 = (uint64_t)g[REG_R11];
	r->r12 = (uint64_t)g[REG_R12];
	r->r13 = (uint64_t)g[REG_R13];
	r->r14 = (uint64_t)g[REG_R14];
	r->r15 = (uint64_t)g[REG_R15];
	r->rdi = (uint64_t)g[REG_RDI];
	r->rsi = (uint64_t)g[REG_RSI];
	r->rbp = (uint64_t)g[REG_RBP];
	r->rbx = (uint64_t)g[REG_RBX];
	r->rdx = (uint64_t)g[REG_RDX];
	r->rax = (uint64_t)g[REG_RAX];
	r->rcx = (uint64_t)g[REG_RCX];
	r->rsp = (uint64_t)g[REG_RSP];
	r->rip = (uint64_t)g[REG_RIP];
	r->eflags = (uint64_t)g[REG_EFL];
	r->cs = csgsfs & 0xffff;
	r->ss = (csgsfs >> 48) & 0xffff;
	if (!r->ss)
		r->ss = 0x2b;
	r->ds = r->es = r->fs = r->gs = 0;
}

static int systrap_switch_to(struct context *ctx, struct arch_regs *regs, struct trap_info *trap)
{
	struct systrap_msg *msg = ctx->msg;
	greg_t want[NGREG], *fg;
	uint64_t *fmask;
	stack_t *fss;
	siginfo_t si;
	uint64_t info;
	uint64_t sigmask0 = 0;
	stack_t ss;
	int signo;

	if (ctx->dead || !ctx->stopped)
		goto dead;
	/* Registers into the frame; the guest's host signal mask and signal
	 * stack are reset on every return, whatever was written there. */
	memcpy(want, ctx->gregs, sizeof(want));
	regs_to_gregs(want, &regs->r);
	fg = (greg_t *)(slot_ptr(ctx, ctx->uc) + offsetof(ucontext_t, uc_mcontext.gregs));
	for (int i = 0; i < NGREG; i++)
		if (want[i] != ctx->gregs[i])
			fg[i] = want[i];
	/* Written only when they differ, which the kernel's own values at
	 * delivery never do: a guest write between here and rt_sigreturn
	 * could beat an unconditional store just the same. */
	ss.ss_sp = (void *)(ctx->slot_addr + SYSTRAP_PAGE);
	ss.ss_flags = 0;
	ss.ss_size = SYSTRAP_UNIT - SYSTRAP_PAGE;
	fss = (stack_t *)(slot_ptr(ctx, ctx->uc) + offsetof(ucontext_t, uc_stack));
	if (memcmp(fss, &ss, sizeof(ss)))
		memcpy(fss, &ss, sizeof(ss));
	fmask = (uint64_t *)(slot_ptr(ctx, ctx->uc) + offsetof(ucontext_t, uc_sigmask));
	if (*fmask != sigmask0)
		*fmask = sigmask0;
	if (!ctx->fs_known || regs->r.fs_base != ctx->fs_base) {
		msg->new_fs_base = regs->r.fs_base;
		msg->set_fs = 1;
		ctx->fs_base = regs->r.fs_base;
		ctx->fs_known = true;
	}
	msg->flags = have_fsgsbase ? MSG_F_FSGSBASE : 0;
	msg->spin = ctx->stub_spin;
	msg->yields = ctx->yield_off ? 0 : ctx->stub_yields;
	if (!ctx->split && pin_mode != PIN_NONE && ncpus_allowed > 1)
		pin_same(ctx);
	ctx->stopped = false;
	__atomic_store_n(&msg->state, ST_RUN, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&msg->stub_waiting, __ATOMIC_SEQ_CST))
		futex(&msg->state, FUTEX_WAKE, INT32_MAX, NULL);

	if (wait_trap(ctx, 0) < 0 || capture_frame(ctx, &info) < 0)
		goto dead;
	kick_answered(ctx);
	if (pin_mode == PIN_AUTO && ++ctx->ntraps == AUTO_EPOCH)
		auto_epoch(ctx);
	/* Only what we use: the general registers (capture_frame took
	 * them) and the first words of siginfo (signo, errno, code, addr). */
	memset(&si, 0, sizeof(si));
	memcpy(&si, slot_ptr(ctx, info), SI_HEAD);
	gregs_to_regs(ctx->gregs, &regs->r);
	if (have_fsgsbase) {
		ctx->fs_base = __atomic_load_n(&msg->fs_base, __ATOMIC_RELAXED);
		regs->r.fs_base = ctx->fs_base;
	}
	regs->r.orig_rax = (uint64_t)-1;
	memset(trap, 0, sizeof(*trap));
	signo = si.si_signo;
	if (signo == SIGSYS && si.si_code == 1 /* SYS_SECCOMP */) {
		trap->kind = TRAP_SYSCALL;
		/* The kernel rolled rax back to the syscall number (the fast
		 * path saved it as it came). */
		regs->r.orig_rax = regs->r.rax;
		trap->fast = ctx->uc == ctx->slot_addr + FAST_UC;
		return 0;
	}
	if (signo == SIGILL && si.si_code == SI_KERNEL) {
		/* Host kernels since 6.14 run uretprobe (335) without asking
		 * seccomp, and outside a uprobe trampoline it just raises
		 * SIGILL. Nothing else in a guest thread forces a SI_KERNEL
		 * SIGILL: answer it as the syscall it was (the sentry says
		 * ENOSYS, as on ptrace). */
		trap->kind = TRAP_SYSCALL;
		regs->r.rax = regs->r.orig_rax = 335;
		return 0;
	}
	trap->signo = signo;
	trap->code = si.si_code;
	trap->addr = (uint64_t)si.si_addr;
	if (si.si_code <= 0) {
		/* Sent by a process: our kick. Never forwarded. */
		trap->kind = TRAP_INTERRUPT;
		return 0;
	}
	switch (signo) {
	case SIGSEGV:
		trap->kind = TRAP_FAULT;
		/* Page-fault error code bit 1: the access was a write. */
		trap->write = (ctx->gregs[REG_ERR] & 2) != 0;
		return 0;
	case SIGBUS:
	case SIGFPE:
	case SIGILL:
	case SIGTRAP:
		trap->kind = TRAP_SIGNAL;
		return 0;
	default:
		trap->kind = TRAP_INTERRUPT;
		return 0;
	}
dead:
	ctx->dead = true;
	memset(trap, 0, sizeof(*trap));
	trap->kind = TRAP_EXIT;
	return -ESRCH;
}

static void systrap_interrupt(struct context *ctx)
{
	uint64_t zero = 0;

	if (ctx->dead || ctx->tid <= 0)
		return;
	__atomic_compare_exchange_n(&ctx->kick_ns, &zero, mono_ns(), false, __ATOMIC_RELAXED,
				    __ATOMIC_RELAXED);
	syscall(SYS_tgkill, ctx->as->pid, ctx->tid, KICK_SIGNAL);
}

/* The frame's FP state: the kernel wrote it in the standard XSAVE format
 * with its size in the software-reserved bytes; the whole area is handed
 * over, so guest signal frames carry the AVX state too. A component in
 * its initial state may be left unwritten (XSTATE_BV bit clear): report
 * the initial values for the legacy part. */
static uint32_t frame_xstate_size(const struct context *ctx)
{
	const uint8_t *src = slot_ptr(ctx, ctx->fp);
	uint64_t room = ctx->slot_addr + SYSTRAP_UNIT - ctx->fp;
	uint32_t magic, size;

	memcpy(&magic, src + 464, sizeof(magic));
	if (magic != FP_XSTATE_MAGIC1)
		return 512;
	/* The size is guest-writable: it must not reach past the slot, into
	 * the next unit of the shared file (another thread's or process's). */
	memcpy(&size, src + 464 + 16, sizeof(size)); /* xstate_size */
	if (size <= 512 + 64 || size > ARCH_XSAVE_MAX - 4 || size > room)
		return 512;
	return size;
}

static int systrap_get_fpstate(struct context *ctx, struct arch_fpstate *fp)
{
	uint8_t *src;
	uint64_t bv = ~0ULL;
	uint32_t size;

	if (!ctx->stopped || !ctx->fp)
		return -EINVAL;
	src = slot_ptr(ctx, ctx->fp);
	size = frame_xstate_size(ctx);
	memcpy(fp->xsave, src, size);
	fp->size = size;
	if (size > 512)
		memcpy(&bv, src + 512, sizeof(bv));
	if (!(bv & 1)) {
		memset(fp->fx, 0, 24);
		memset(fp->fx + 32, 0, 128);
		fp->fx[0] = 0x7f; /* FCW 0x037f */
		fp->fx[1] = 0x03;
	}
	if (!(bv & 2))
		memset(fp->fx + 160, 0, 256);
	return 0;
}

static int systrap_set_fpstate(struct context *ctx, const struct arch_fpstate *fp)
{
	uint8_t *dst;
	uint32_t mxcsr, mask, size;
	uint64_t bv, xfeatures;

	if (!ctx->stopped || !ctx->fp)
		return -EINVAL;
	dst = slot_ptr(ctx, ctx->fp);
	size = frame_xstate_size(ctx);
	/* x87 and SSE state; the software bytes and the header describe the
	 * frame to the kernel and stay as the kernel wrote them, except the
	 * feature bits, limited to what the frame holds. */
	memcpy(dst, fp->fx, 416);
	memcpy(&mxcsr, fp->fx + 24, 4);
	memcpy(&mask, dst + 28, 4);
	if (!mask)
		mask = 0xffbf;
	mxcsr &= mask;
	memcpy(dst + 24, &mxcsr, 4);
	if (size > 512) {
		memcpy(&xfeatures, dst + 464 + 8, sizeof(xfeatures));
		if (fp->size == size) {
			memcpy(&bv, fp->xsave + 512, sizeof(bv));
			memcpy(dst + 576, fp->xsave + 576, size - 576);
		} else {
			memcpy(&bv, dst + 512, sizeof(bv));
		}
		bv = (bv | 3) & xfeatures;
		memcpy(dst + 512, &bv, sizeof(bv));
	}
	return 0;
}

/* A populate hint becomes MADV_POPULATE_READ/WRITE right after its mmap;
 * kernels without them say EINVAL once. */
static bool populate_ok = true;

static int systrap_as_batch(struct context *ctx, const struct as_op *ops, int n)
{
	struct systrap_ctl_op cops[CTL_MAX_OPS];
	uint64_t rets[CTL_MAX_OPS];
	int src[CTL_MAX_OPS]; /* the op each entry comes from; -1: a populate hint */
	int i = 0;

	while (i < n) {
		int k = 0, done, err;

		memset(cops, 0, sizeof(cops));
		while (i < n && k < CTL_MAX_OPS - 1) {
			const struct as_op *o = &ops[i];

			if (ctl_op_of(o, &cops[k]) < 0)
				return -EINVAL;
			src[k] = i;
			k++;
			/* Filling the page tables with write faults here costs
			 * less than the guest's one host fault per page. */
			if (o->kind == AS_MAP && (o->flags & AS_F_POPULATE) && populate_ok &&
			    (o->prot & (PROT_READ | PROT_WRITE))) {
				src[k] = -1;
				cops[k].nr = SYS_madvise;
				cops[k].a[0] = o->addr;
				cops[k].a[1] = o->len;
				cops[k].a[2] = o->prot & PROT_WRITE ? MADV_POPULATE_WRITE_ :
								     MADV_POPULATE_READ_;
				k++;
			}
			i++;
		}
		done = ctl_request(ctx->as, cops, k, rets, NULL);
		if (done >= k)
			continue;
		err = ctl_errno(rets, done, k);
		if (done > 0 && src[done] == -1) {
			/* Only a hint failed (no such advice, or no memory
			 * now: the guest's faults will say). Go on after it. */
			if (err == -EINVAL)
				populate_ok = false;
			i = src[done - 1] + 1;
			continue;
		}
		return err;
	}
	return 0;
}

static int systrap_as_map(struct context *ctx, uint64_t addr, uint64_t len, uint64_t off, int prot)
{
	struct as_op op = { .kind = AS_MAP, .prot = prot, .addr = addr, .len = len,
			    .memfile_off = off };

	return systrap_as_batch(ctx, &op, 1);
}

static int systrap_as_unmap(struct context *ctx, uint64_t addr, uint64_t len)
{
	struct as_op op = { .kind = AS_UNMAP, .addr = addr, .len = len };

	return systrap_as_batch(ctx, &op, 1);
}

static int systrap_as_protect(struct context *ctx, uint64_t addr, uint64_t len, int prot)
{
	struct as_op op = { .kind = AS_PROTECT, .prot = prot, .addr = addr, .len = len };

	return systrap_as_batch(ctx, &op, 1);
}

static uint64_t systrap_syscall_entry(struct platform *p)
{
	(void)p;
	return fast_ok ? SYSTRAP_BASE + SYSTRAP_FAST_ENTRY_OFF : 0;
}

static uint64_t systrap_max_addr(struct platform *p)
{
	(void)p;
	return SYSTRAP_BASE;
}

const struct platform_ops systrap_platform_ops = {
	.name = "systrap",
	.init = systrap_init,
	.as_new = systrap_as_new,
	.as_release = systrap_as_release,
	.as_exec_keep = systrap_as_exec_keep,
	.as_fork = systrap_as_fork,
	.as_map = systrap_as_map,
	.as_unmap = systrap_as_unmap,
	.as_protect = systrap_as_protect,
	.as_batch = systrap_as_batch,
	.as_spawn_thread = systrap_as_spawn_thread,
	.context_new = systrap_context_new,
	.context_release = systrap_context_release,
	.switch_to = systrap_switch_to,
	.interrupt = systrap_interrupt,
	.get_fpstate = systrap_get_fpstate,
	.set_fpstate = systrap_set_fpstate,
	.max_addr = systrap_max_addr,
	.syscall_entry = systrap_syscall_entry,
};
