/* The ptrace platform: each guest address space is a stub process, each
 * guest thread a stub thread traced by the sentry host thread of its task.
 * Guest syscalls stop under PTRACE_SYSEMU and never run on the host; the
 * sentry changes the address space by injecting mmap/munmap/mprotect at
 * the stub's trampoline, the only place its seccomp filter allows. */
#define _GNU_SOURCE
#include "platform/platform.h"
#include "platform/ptrace/stub.h"
#include "sentry/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

/* Signal used to kick a running stub thread back to its tracer. SIGCHLD
 * is ignored in the stub, so a kick that lands on an untraced thread is
 * dropped instead of killing it. */
#define KICK_SIGNAL SIGCHLD
#define MAX_SPARE 16

extern const char stub_image_start[], stub_image_end[];

struct address_space {
	pid_t pid;              /* stub tgid */
	pthread_mutex_t lock;   /* protects spare[], nspare, threads */
	pid_t spare[MAX_SPARE]; /* untraced threads spinning, ready to seize */
	int nspare;
	int threads;            /* contexts currently attached */
	bool scrubbed;          /* host mappings below and above the stub gone */
	bool fresh_exec;        /* exec'd stub: batch table not mapped yet */
	bool released;
};

struct context {
	struct address_space *as;
	pid_t tid;
	struct user_regs_struct base; /* valid cs/ss/... for injections */
	/* The registers the stopped stub thread holds, when cur_valid: from
	 * the last stop's GETREGS, or what we wrote since. switch_to writes
	 * only what the sentry changed (a syscall's result is one POKEUSER
	 * instead of a SETREGS of every register). */
	struct user_regs_struct cur;
	bool cur_valid;
	bool dead;
};

struct ptrace_priv {
	int stubfd;
};

static int stub_memfd = -1;
/* The batch table: one memfd page range, read-write here and read-only in
 * every stub (inherited by the clones). The BKL serialises all injections,
 * so one table serves every address space. */
static int batch_memfd = -1;
static uint64_t *batch_table;
#define BATCH_ENTRIES (STUB_BATCH_SIZE / 64)
/* Pinning: a trapped syscall is a ptrace round trip between the stub
 * thread and its tracer; on one CPU it costs ~10 us, across CPUs ~60 us
 * (a cross-CPU wake-up each way). So each tracer and its stub thread share
 * one CPU, and tasks are spread round-robin over the CPUs we may use. */
static bool pin_enabled = true;
static cpu_set_t allowed_cpus;
static int ncpus_allowed;
static unsigned int next_cpu;

static void pin_pair(pid_t stub_tid)
{
	cpu_set_t one;
	int want, seen = -1;

	if (!pin_enabled || ncpus_allowed <= 1)
		return;
	want = (int)(__atomic_fetch_add(&next_cpu, 1, __ATOMIC_RELAXED) % (unsigned)ncpus_allowed);
	CPU_ZERO(&one);
	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (CPU_ISSET(c, &allowed_cpus) && ++seen == want) {
			CPU_SET(c, &one);
			break;
		}
	}
	sched_setaffinity(0, sizeof(one), &one);
	sched_setaffinity(stub_tid, sizeof(one), &one);
}

static long inject(struct context *ctx, uint64_t tramp, long nr, long a0, long a1,
		   long a2, long a3, long a4, long a5);
static int ptrace_as_batch(struct context *ctx, const struct as_op *ops, int n);

static int wait_stop(pid_t tid, int *status)
{
	for (;;) {
		pid_t r = waitpid(tid, status, __WALL);

		if (r == tid)
			return 0;
		if (r < 0 && errno == EINTR)
			continue;
		return -errno;
	}
}

static int ptrace_init(struct platform *p, int memfd)
{
	size_t len = (size_t)(stub_image_end - stub_image_start);
	int fd = memfd_create("runsc-stub", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0)
		return -errno;
	if (write(fd, stub_image_start, len) != (ssize_t)len) {
		close(fd);
		return -EIO;
	}
	fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
	stub_memfd = fd;
	batch_memfd = memfd_create("runsc-batch", MFD_CLOEXEC);
	if (batch_memfd < 0 || ftruncate(batch_memfd, STUB_BATCH_SIZE) < 0)
		return -errno;
	batch_table = mmap(NULL, STUB_BATCH_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
			   batch_memfd, 0);
	if (batch_table == MAP_FAILED)
		return -errno;
	if (sched_getaffinity(0, sizeof(allowed_cpus), &allowed_cpus) == 0)
		ncpus_allowed = CPU_COUNT(&allowed_cpus);
	if (getenv("RUNSC_PTRACE_NOPIN"))
		pin_enabled = false;
	/* A task that hands work to another task pinned on the other CPU
	 * and waits for the answer (pipes, sockets, futexes) finds it
	 * quickly if it spins rather than sleeps: on this VM a wake-up of
	 * an idle CPU costs ~25 us each way. Budget measured with tcp-lat
	 * and pipe-pingpong (0, 20, 50, 100, 200 us; docs/performance.md). */
	if (ncpus_allowed > 1) {
		const char *e = getenv("RUNSC_PTRACE_SPIN_US");
		unsigned long us = e ? strtoul(e, NULL, 10) : 100;

		p->sleep_spin_ns = (unsigned int)(us < 1000 ? us * 1000 : 1000000);
		p->sleep_spinners = (unsigned int)ncpus_allowed - 1;
	}
	p->memfd = memfd;
	return 0;
}

/* Take a spinning, untraced stub thread under our (this host thread's)
 * control. */
static int seize(pid_t tid, struct context *ctx)
{
	int status, tries;

	if (ptrace(PTRACE_SEIZE, tid, 0, PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD) < 0)
		return -errno;
	for (tries = 0; tries < 1000; tries++) {
		if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) < 0)
			return -errno;
		if (wait_stop(tid, &status) < 0 || !WIFSTOPPED(status))
			return -ESRCH;
		if (ptrace(PTRACE_GETREGS, tid, 0, &ctx->base) < 0)
			return -errno;
		if (ctx->base.rip >= STUB_BASE + STUB_SYSCALL_OFF + 2 &&
		    ctx->base.rip < STUB_BASE + STUB_BATCH_OFF)
			return 0;
		/* Not yet at its spin loop (still starting): let it run on. */
		ptrace(PTRACE_CONT, tid, 0, 0);
		usleep(50);
	}
	return -ETIMEDOUT;
}

static struct address_space *as_alloc(pid_t pid)
{
	struct address_space *as = calloc(1, sizeof(*as));

	if (!as)
		return NULL;
	pthread_mutex_init(&as->lock, NULL);
	as->pid = pid;
	as->spare[as->nspare++] = pid;
	return as;
}

/* The first address space: exec the stub with the memory file at fd 3. */
static struct address_space *as_exec_stub(struct platform *p)
{
	int pipefd[2];
	char c;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return NULL;
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return NULL;
	}
	if (pid == 0) {
		static char *const argv[] = { "runsc-stub", NULL };
		static char *const envp[] = { NULL };

		int rfd, mfd, sfd, bfd;

		personality(ADDR_NO_RANDOMIZE);
		/* Move everything out of the way first: the sources may sit on
		 * the target numbers. dup3, not dup2: the host filter
		 * (runsc/host_filter.c) allows only dup3 here. */
		rfd = fcntl(pipefd[1], F_DUPFD, 100);
		mfd = fcntl(p->memfd, F_DUPFD, 100);
		sfd = fcntl(stub_memfd, F_DUPFD_CLOEXEC, 100);
		bfd = fcntl(batch_memfd, F_DUPFD, 100);
		if (rfd < 0 || mfd < 0 || sfd < 0 || bfd < 0 || dup3(rfd, STUB_READY_FD, 0) < 0 ||
		    dup3(mfd, STUB_MEMFD, 0) < 0 || dup3(sfd, 5, O_CLOEXEC) < 0 ||
		    dup3(bfd, STUB_BATCH_FD, 0) < 0)
			_exit(127);
		syscall(SYS_close_range, 7, ~0U, 0);
		close(0);
		close(1);
		close(2);
		syscall(SYS_execveat, 5, "", argv, envp, AT_EMPTY_PATH);
		_exit(127);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &c, 1) != 1) {
		close(pipefd[0]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
		swarn("ptrace: stub failed to start");
		return NULL;
	}
	close(pipefd[0]);
	{
		struct address_space *as = as_alloc(pid);

		if (as)
			as->fresh_exec = true;
		return as;
	}
}

static struct address_space *ptrace_as_new(struct platform *p, struct context *creator)
{
	long pid;

	if (!creator)
		return as_exec_stub(p);
	/* A copy of the creator's stub; its guest mappings are scrubbed by the
	 * first context attached to it. */
	pid = inject(creator, STUB_BASE + STUB_CLONE_OFF, SYS_clone, SIGCHLD, 0, 0, 0, 0, 0);
	if (pid < 0) {
		errno = (int)-pid;
		return NULL;
	}
	return as_alloc((pid_t)pid);
}

static void ptrace_as_release(struct address_space *as)
{
	bool free_it;

	pthread_mutex_lock(&as->lock);
	as->released = true;
	free_it = as->threads == 0;
	pthread_mutex_unlock(&as->lock);
	kill(as->pid, SIGKILL);
	if (free_it)
		free(as);
}

/* Run the stub with registers r (really executing host syscalls at the
 * trampolines) until its int3. Stops for stray signals on the way (a late
 * kick) are suppressed: the task is in the sentry already and checks its
 * signals before it runs guest code again. */
static int run_to_trap(struct context *ctx, struct user_regs_struct *r)
{
	int status;

	r->eflags &= ~0x100UL; /* no single-step */
	ctx->cur_valid = false;
	if (ptrace(PTRACE_SETREGS, ctx->tid, 0, r) < 0 || ptrace(PTRACE_CONT, ctx->tid, 0, 0) < 0)
		return -ESRCH;
	for (;;) {
		if (wait_stop(ctx->tid, &status) < 0 || !WIFSTOPPED(status))
			return -ESRCH;
		if (WSTOPSIG(status) == SIGTRAP && (status >> 16) == 0)
			return 0;
		if (ptrace(PTRACE_CONT, ctx->tid, 0, 0) < 0)
			return -ESRCH;
	}
}

static long inject(struct context *ctx, uint64_t tramp, long nr, long a0, long a1,
		   long a2, long a3, long a4, long a5)
{
	struct user_regs_struct r = ctx->base;
	long ret;

	if (ctx->dead)
		return -ESRCH;
	r.rip = tramp;
	r.rax = (uint64_t)nr;
	r.orig_rax = (uint64_t)-1;
	r.rdi = (uint64_t)a0;
	r.rsi = (uint64_t)a1;
	r.rdx = (uint64_t)a2;
	r.r10 = (uint64_t)a3;
	r.r8 = (uint64_t)a4;
	r.r9 = (uint64_t)a5;
	if (run_to_trap(ctx, &r) < 0)
		goto dead;
	errno = 0;
	ret = ptrace(PTRACE_PEEKUSER, ctx->tid, offsetof(struct user_regs_struct, rax), 0);
	if (errno)
		goto dead;
	return ret;
dead:
	ctx->dead = true;
	return -ESRCH;
}

static long inject_syscall(struct context *ctx, long nr, long a0, long a1, long a2,
			   long a3, long a4, long a5)
{
	return inject(ctx, STUB_BASE + STUB_SYSCALL_OFF, nr, a0, a1, a2, a3, a4, a5);
}

static int ptrace_as_map(struct context *ctx, uint64_t addr, uint64_t len,
			 uint64_t off, int prot)
{
	long r = inject_syscall(ctx, SYS_mmap, (long)addr, (long)len, prot,
				MAP_SHARED | MAP_FIXED, STUB_MEMFD, (long)off);

	if (r < 0 && r > -4096)
		return (int)r;
	return 0;
}

static int ptrace_as_unmap(struct context *ctx, uint64_t addr, uint64_t len)
{
	return (int)inject_syscall(ctx, SYS_munmap, (long)addr, (long)len, 0, 0, 0, 0);
}

static int ptrace_as_protect(struct context *ctx, uint64_t addr, uint64_t len, int prot)
{
	return (int)inject_syscall(ctx, SYS_mprotect, (long)addr, (long)len, prot, 0, 0, 0);
}

/* Run n table entries with one stop: returns 0 or the failing result. */
static long run_batch(struct context *ctx, int n)
{
	struct user_regs_struct r = ctx->base;

	if (ctx->dead)
		return -ESRCH;
	r.rip = STUB_BASE + STUB_BATCH_OFF;
	r.rbx = STUB_BATCH_ADDR;
	r.r12 = (uint64_t)n;
	r.orig_rax = (uint64_t)-1;
	if (run_to_trap(ctx, &r) < 0)
		goto dead;
	if (ptrace(PTRACE_GETREGS, ctx->tid, 0, &r) < 0)
		goto dead;
	if (r.r12 != 0)
		return (long)r.rax < 0 ? (long)r.rax : -EIO;
	return 0;
dead:
	ctx->dead = true;
	return -ESRCH;
}

static int ptrace_as_batch(struct context *ctx, const struct as_op *ops, int n)
{
	int done = 0;

	while (done < n) {
		int k = 0;
		long err;

		for (; k < (int)BATCH_ENTRIES && done + k < n; k++) {
			const struct as_op *op = &ops[done + k];
			uint64_t *e = &batch_table[k * 8];

			switch (op->kind) {
			case AS_MAP:
				e[0] = SYS_mmap;
				e[4] = MAP_SHARED | MAP_FIXED;
				e[5] = STUB_MEMFD;
				e[6] = op->memfile_off;
				break;
			case AS_UNMAP:
				e[0] = SYS_munmap;
				break;
			case AS_PROTECT:
				e[0] = SYS_mprotect;
				break;
			}
			e[1] = op->addr;
			e[2] = op->len;
			e[3] = (uint64_t)op->prot;
		}
		err = run_batch(ctx, k);
		if (err < 0)
			return (int)err;
		done += k;
	}
	return 0;
}

static int ptrace_as_spawn_thread(struct context *ctx)
{
	const long flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
			   CLONE_THREAD | CLONE_SYSVSEM;
	struct address_space *as = ctx->as;
	long tid;

	pthread_mutex_lock(&as->lock);
	if (as->nspare >= MAX_SPARE) {
		pthread_mutex_unlock(&as->lock);
		return -EAGAIN;
	}
	pthread_mutex_unlock(&as->lock);
	tid = inject(ctx, STUB_BASE + STUB_CLONE_OFF, SYS_clone, flags, 0, 0, 0, 0, 0);
	if (tid < 0)
		return (int)tid;
	pthread_mutex_lock(&as->lock);
	as->spare[as->nspare++] = (pid_t)tid;
	pthread_mutex_unlock(&as->lock);
	return 0;
}

static struct context *ptrace_context_new(struct platform *p, struct address_space *as)
{
	struct context *ctx = calloc(1, sizeof(*ctx));
	bool scrub;
	pid_t tid;
	int err;

	(void)p;
	if (!ctx)
		return NULL;
	bool fresh;

	pthread_mutex_lock(&as->lock);
	if (as->nspare == 0) {
		pthread_mutex_unlock(&as->lock);
		free(ctx);
		errno = EAGAIN;
		return NULL;
	}
	tid = as->spare[--as->nspare];
	as->threads++;
	scrub = !as->scrubbed;
	as->scrubbed = true;
	fresh = as->fresh_exec;
	as->fresh_exec = false;
	pthread_mutex_unlock(&as->lock);
	ctx->as = as;
	ctx->tid = tid;
	err = seize(tid, ctx);
	if (err < 0) {
		swarn("ptrace: cannot seize stub thread %d: %s", tid, strerror(-err));
		ctx->dead = true;
		return ctx;
	}
	pin_pair(tid);
	if (scrub) {
		/* Drop whatever the stub inherited: the creator's guest
		 * mappings, the host stack, vDSO and vvar. */
		const struct as_op drop[] = {
			{ .kind = AS_UNMAP, .addr = 0, .len = STUB_BASE },
			{ .kind = AS_UNMAP, .addr = STUB_BASE + STUB_SIZE,
			  .len = 0x7ffffffff000UL - STUB_BASE - STUB_SIZE },
		};

		if (fresh) {
			/* The exec'd stub: map the batch table first. Its
			 * clones inherit the table and the closed fds. */
			inject_syscall(ctx, SYS_close, STUB_READY_FD, 0, 0, 0, 0, 0);
			inject_syscall(ctx, SYS_mmap, (long)STUB_BATCH_ADDR, (long)STUB_BATCH_SIZE,
				       PROT_READ, MAP_SHARED | MAP_FIXED, STUB_BATCH_FD, 0);
			inject_syscall(ctx, SYS_close, STUB_BATCH_FD, 0, 0, 0, 0, 0);
		}
		ptrace_as_batch(ctx, drop, 2);
	}
	return ctx;
}

static void ptrace_context_release(struct context *ctx)
{
	struct address_space *as = ctx->as;
	struct user_regs_struct r;
	bool free_as, dying;
	int status;

	pthread_mutex_lock(&as->lock);
	dying = as->released;
	pthread_mutex_unlock(&as->lock);
	if (!ctx->dead && !dying) {
		/* A thread leaving a live address space exits on its own.
		 * EXITKILL is dropped first: it would kill the whole stub when
		 * this host thread exits, and a group leader stays a zombie
		 * until the last thread of its group is gone. */
		ptrace(PTRACE_SETOPTIONS, ctx->tid, 0, PTRACE_O_TRACESYSGOOD);
		r = ctx->base;
		r.rip = STUB_BASE + STUB_SYSCALL_OFF;
		r.rax = SYS_exit;
		r.rdi = 0;
		r.orig_rax = (uint64_t)-1;
		if (ptrace(PTRACE_SETREGS, ctx->tid, 0, &r) == 0 &&
		    ptrace(PTRACE_CONT, ctx->tid, 0, 0) == 0 && ctx->tid != as->pid) {
			while (wait_stop(ctx->tid, &status) == 0 && WIFSTOPPED(status))
				ptrace(PTRACE_CONT, ctx->tid, 0, 0);
		}
	} else if (ctx->tid != as->pid) {
		/* Killed with its address space: reap what we trace. */
		kill(as->pid, SIGKILL);
		while (wait_stop(ctx->tid, &status) == 0 && WIFSTOPPED(status))
			ptrace(PTRACE_CONT, ctx->tid, 0, 0);
	}
	pthread_mutex_lock(&as->lock);
	as->threads--;
	free_as = as->released && as->threads == 0;
	pthread_mutex_unlock(&as->lock);
	if (free_as)
		free(as);
	free(ctx);
}

/* Give the stopped stub thread the registers r (orig_rax -1), writing
 * only what differs from ctx->cur. A syscall stop leaves orig_rax at the
 * syscall number when only rax is poked: harmless, since the kernel reads
 * it only to restart a call whose result is -ERESTART*, and such results
 * go through a full SETREGS. */
static int set_regs(struct context *ctx, const struct user_regs_struct *r)
{
	struct user_regs_struct want = *r;
	long rax = (long)r->rax;

	if (ctx->cur_valid) {
		want.rax = ctx->cur.rax;
		want.orig_rax = ctx->cur.orig_rax;
		if (memcmp(&want, &ctx->cur, sizeof(want)) == 0 && !(rax >= -516 && rax <= -512)) {
			if (r->rax == ctx->cur.rax)
				return 0;
			if (ptrace(PTRACE_POKEUSER, ctx->tid, offsetof(struct user_regs_struct, rax),
				   r->rax) < 0)
				return -errno;
			ctx->cur.rax = r->rax;
			return 0;
		}
	}
	ctx->cur_valid = false;
	if (ptrace(PTRACE_SETREGS, ctx->tid, 0, r) < 0)
		return -errno;
	ctx->cur = *r;
	ctx->cur_valid = true;
	return 0;
}

static int ptrace_switch_to(struct context *ctx, struct arch_regs *regs,
			    struct trap_info *trap)
{
	pid_t tid = ctx->tid;
	siginfo_t si;
	int status, sig;

	if (ctx->dead)
		goto dead;
	regs->r.orig_rax = (uint64_t)-1;
	if (set_regs(ctx, &regs->r) < 0)
		goto dead;
	if (ptrace(PTRACE_SYSEMU, tid, 0, 0) < 0)
		goto dead;
	for (;;) {
		if (wait_stop(tid, &status) < 0 || !WIFSTOPPED(status))
			goto dead;
		sig = WSTOPSIG(status);
		ctx->cur_valid = false;
		if (ptrace(PTRACE_GETREGS, tid, 0, &regs->r) < 0)
			goto dead;
		ctx->cur = regs->r;
		ctx->cur_valid = true;
		memset(trap, 0, sizeof(*trap));
		if (sig == (SIGTRAP | 0x80)) {
			trap->kind = TRAP_SYSCALL;
			return 0;
		}
		if (status >> 16) {
			/* PTRACE_EVENT_STOP: group stop or our interrupt. */
			trap->kind = TRAP_INTERRUPT;
			return 0;
		}
		if (ptrace(PTRACE_GETSIGINFO, tid, 0, &si) < 0)
			goto dead;
		trap->signo = sig;
		trap->code = si.si_code;
		trap->addr = (uint64_t)si.si_addr;
		if (si.si_code <= 0) {
			/* Sent by a process (our kick, or someone on the host):
			 * never forwarded to the guest. */
			trap->kind = TRAP_INTERRUPT;
			return 0;
		}
		switch (sig) {
		case SIGSEGV:
			trap->kind = TRAP_FAULT;
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
	}
dead:
	ctx->dead = true;
	memset(trap, 0, sizeof(*trap));
	trap->kind = TRAP_EXIT;
	return -ESRCH;
}

static void ptrace_interrupt(struct context *ctx)
{
	if (!ctx->dead)
		syscall(SYS_tgkill, ctx->as->pid, ctx->tid, KICK_SIGNAL);
}

#ifndef NT_X86_XSTATE
#define NT_X86_XSTATE 0x202
#endif

/* The whole XSAVE area (AVX, AVX-512 ...), so a guest signal handler
 * cannot clobber vector state of the code it interrupted; the legacy area
 * when XSAVE is not available. */
static int ptrace_get_fpstate(struct context *ctx, struct arch_fpstate *fp)
{
	struct iovec iov = { .iov_base = fp->xsave, .iov_len = sizeof(fp->xsave) };

	if (ptrace(PTRACE_GETREGSET, ctx->tid, NT_X86_XSTATE, &iov) == 0) {
		fp->size = (uint32_t)iov.iov_len;
		return 0;
	}
	fp->size = 512;
	return ptrace(PTRACE_GETFPREGS, ctx->tid, 0, fp->fx) < 0 ? -errno : 0;
}

/* An XSAVE image goes through a copy fixed up for MXCSR (see
 * arch_xstate_keep_mxcsr). */
static int ptrace_set_xstate(struct context *ctx, const struct arch_fpstate *fp)
{
	static __thread struct arch_fpstate fix;
	struct iovec iov = { .iov_base = fix.xsave, .iov_len = fp->size };

	memcpy(fix.xsave, fp->xsave, fp->size);
	arch_xstate_keep_mxcsr(fix.xsave, fp->size);
	return ptrace(PTRACE_SETREGSET, ctx->tid, NT_X86_XSTATE, &iov) < 0 ? -errno : 0;
}

static int ptrace_set_fpstate(struct context *ctx, const struct arch_fpstate *fp)
{
	if (fp->size > 576 && fp->size <= sizeof(fp->xsave))
		return ptrace_set_xstate(ctx, fp);
	return ptrace(PTRACE_SETFPREGS, ctx->tid, 0, fp->fx) < 0 ? -errno : 0;
}

static uint64_t ptrace_max_addr(struct platform *p)
{
	(void)p;
	return STUB_BASE;
}

const struct platform_ops ptrace_platform_ops = {
	.name = "ptrace",
	.init = ptrace_init,
	.as_new = ptrace_as_new,
	.as_release = ptrace_as_release,
	.as_map = ptrace_as_map,
	.as_unmap = ptrace_as_unmap,
	.as_protect = ptrace_as_protect,
	.as_batch = ptrace_as_batch,
	.as_spawn_thread = ptrace_as_spawn_thread,
	.context_new = ptrace_context_new,
	.context_release = ptrace_context_release,
	.switch_to = ptrace_switch_to,
	.interrupt = ptrace_interrupt,
	.get_fpstate = ptrace_get_fpstate,
	.set_fpstate = ptrace_set_fpstate,
	.max_addr = ptrace_max_addr,
};
