/* Signals: queueing, default actions, job control, handler frames and
 * rt_sigreturn, syscall restart. Follows kernel/signal.c and
 * arch/x86/kernel/signal_64.c for semantics and the frame layout. */
#define _GNU_SOURCE
#include "sentry/task.h"
#include "sentry/log.h"

#include <cpuid.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define SYNCHRONOUS_MASK                                                          \
	(SIGBIT(SIGSEGV) | SIGBIT(SIGBUS) | SIGBIT(SIGILL) | SIGBIT(SIGTRAP) |     \
	 SIGBIT(SIGFPE) | SIGBIT(SIGSYS))
#define STOP_MASK (SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU))
#define COREDUMP_MASK                                                               \
	(SIGBIT(SIGQUIT) | SIGBIT(SIGILL) | SIGBIT(SIGTRAP) | SIGBIT(SIGABRT) |       \
	 SIGBIT(SIGFPE) | SIGBIT(SIGSEGV) | SIGBIT(SIGBUS) | SIGBIT(SIGSYS) |         \
	 SIGBIT(SIGXCPU) | SIGBIT(SIGXFSZ))
#define IGNORE_MASK (SIGBIT(SIGCHLD) | SIGBIT(SIGURG) | SIGBIT(SIGWINCH) | SIGBIT(SIGCONT))
#define SIGRTMIN_K 32

/* User-visible eflags a signal frame may restore (FIX_EFLAGS). */
#define FIX_EFLAGS 0x00254dd5UL

struct k_sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate;
	uint64_t reserved1[8];
};

struct k_stack {
	uint64_t ss_sp;
	int32_t ss_flags;
	int32_t pad;
	uint64_t ss_size;
};

struct k_ucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	struct k_stack uc_stack;
	struct k_sigcontext uc_mcontext;
	uint64_t uc_sigmask;
};

struct k_rt_sigframe {
	uint64_t pretcode;
	struct k_ucontext uc;
	siginfo_t info;
};

/* The software-reserved bytes of an extended FP frame (464..511 of the
 * legacy area), arch/x86/include/uapi/asm/sigcontext.h. */
#define FP_XSTATE_MAGIC1 0x46505853U
#define FP_XSTATE_MAGIC2 0x46505845U
struct fpx_sw_bytes {
	uint32_t magic1;
	uint32_t extended_size;
	uint64_t xfeatures;
	uint32_t xstate_size;
	uint32_t padding[7];
};

static uint64_t xcr0(void)
{
	static uint64_t v;
	uint32_t lo, hi;

	if (!v) {
		__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		v = ((uint64_t)hi << 32) | lo;
	}
	return v;
}

/* MXCSR bits the CPU accepts (fxrstor faults on the others). */
static uint32_t mxcsr_mask(void)
{
	static uint32_t v;
	uint8_t area[512] __attribute__((aligned(64)));

	if (!v) {
		memset(area, 0, sizeof(area));
		__asm__ volatile("fxsave64 %0" : "=m"(area));
		memcpy(&v, area + 28, 4);
		if (!v)
			v = 0xffbf; /* the architectural default */
	}
	return v;
}

/* The 64-bit user code and stack selectors (__USER_CS, __USER_DS). */
#define USER_CS 0x33
#define USER_DS 0x2b
#define UC_STRICT_RESTORE_SS 0x4

_Static_assert(sizeof(struct fpx_sw_bytes) == 48, "fpx_sw_bytes layout");
_Static_assert(sizeof(struct k_sigcontext) == 256, "sigcontext layout");
_Static_assert(sizeof(siginfo_t) == 128, "siginfo layout");

bool sig_default_ignored(int sig)
{
	return sig >= SIGRTMIN_K ? false : (IGNORE_MASK & SIGBIT(sig)) != 0;
}

bool sig_is_stop(int sig)
{
	return sig < SIGRTMIN_K && (STOP_MASK & SIGBIT(sig));
}

void sigpending_init(struct sigpending *p)
{
	p->set = 0;
	list_init(&p->queue);
}

void sigpending_flush(struct sigpending *p)
{
	struct sigqueued *q, *n;

	list_for_each_entry_safe(q, n, &p->queue, node) {
		list_del(&q->node);
		free(q);
	}
	p->set = 0;
}

static void pending_remove_mask(struct sigpending *p, ksigset_t mask)
{
	struct sigqueued *q, *n;

	list_for_each_entry_safe(q, n, &p->queue, node) {
		if (SIGBIT(q->info.si_signo) & mask) {
			list_del(&q->node);
			free(q);
		}
	}
	p->set &= ~mask;
}

struct sighand *sighand_new(void)
{
	struct sighand *sh = calloc(1, sizeof(*sh));

	if (sh)
		sh->refs = 1;
	return sh;
}

struct sighand *sighand_copy(struct sighand *src)
{
	struct sighand *sh = malloc(sizeof(*sh));

	if (!sh)
		return NULL;
	*sh = *src;
	sh->refs = 1;
	return sh;
}

void sighand_put(struct sighand *sh)
{
	if (sh && --sh->refs == 0)
		free(sh);
}

void sighand_exec_reset(struct sighand *sh)
{
	for (int i = 0; i < NSIG_K; i++) {
		if (sh->action[i].handler != (uint64_t)SIG_IGN)
			memset(&sh->action[i], 0, sizeof(sh->action[i]));
		else
			sh->action[i].flags = 0, sh->action[i].mask = 0,
			sh->action[i].restorer = 0;
	}
}

static bool sig_ignored(struct task *t, int sig)
{
	struct ksigaction *sa = &t->sighand->action[sig - 1];

	if (sa->handler == (uint64_t)SIG_IGN)
		return true;
	return sa->handler == (uint64_t)SIG_DFL && sig_default_ignored(sig);
}

ksigset_t sig_pending_set(struct task *t)
{
	return t->pending.set | t->tg->shared_pending.set;
}

static ksigset_t shared_ready(struct task *t);

bool signal_pending(struct task *t)
{
	return ((t->pending.set | shared_ready(t)) & ~t->blocked) || t->tg->group_exiting ||
	       t->exiting;
}

/* Choose the thread of tg that takes a group signal, as Linux's
 * complete_signal(): the addressed thread if it does not block it, else
 * the first that does not. The choice is recorded on the queued signal so
 * that another thread passing through sig_deliver() does not take it. */
static struct task *wake_for_signal(struct thread_group *tg, struct task *pref, int sig)
{
	struct task *o;

	if (pref && pref->state != TASK_ZOMBIE && !(pref->blocked & SIGBIT(sig))) {
		task_kick(pref);
		return pref;
	}
	list_for_each_entry(o, &tg->tasks, tg_node) {
		if (o->state != TASK_ZOMBIE && !(o->blocked & SIGBIT(sig))) {
			task_kick(o);
			return o;
		}
	}
	return NULL;
}

/* May t take queued group signal q? */
static bool eligible(struct task *t, const struct sigqueued *q)
{
	struct task *o;

	if (!q->target || q->target == t->tid)
		return true;
	o = task_lookup(q->target);
	/* The chosen thread is gone or now blocks it: anyone may. */
	return !o || o->tg != t->tg || o->state == TASK_ZOMBIE ||
	       (o->blocked & SIGBIT(q->info.si_signo));
}

/* Group signals t may take now. */
static ksigset_t shared_ready(struct task *t)
{
	struct sigpending *p = &t->tg->shared_pending;
	struct sigqueued *q;
	ksigset_t m = 0;

	if (!(p->set & ~t->blocked))
		return 0;
	list_for_each_entry(q, &p->queue, node)
		if (eligible(t, q))
			m |= SIGBIT(q->info.si_signo);
	return m & p->set;
}

/* The task a process-directed signal is judged by: the leader while it
 * runs, else any live thread. */
static struct task *tg_live_task(struct thread_group *tg)
{
	struct task *o;

	if (tg->leader && tg->leader->state != TASK_ZOMBIE && tg->leader->sighand)
		return tg->leader;
	list_for_each_entry(o, &tg->tasks, tg_node)
		if (o->state != TASK_ZOMBIE && o->sighand)
			return o;
	return NULL;
}

struct sighand *tg_sighand(struct thread_group *tg)
{
	struct task *o = tg_live_task(tg);

	return o ? o->sighand : NULL;
}

static void notify_parent_stop(struct thread_group *tg, int why, int status)
{
	struct thread_group *p = tg->parent;
	struct sighand *sh = p ? tg_sighand(p) : NULL;
	siginfo_t si;

	if (!sh)
		return;
	waitq_wake_all(&p->child_wait);
	if (sh->action[SIGCHLD - 1].flags & SA_NOCLDSTOP)
		return;
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGCHLD;
	si.si_code = why;
	si.si_pid = tg->tgid;
	si.si_status = status;
	sig_send_tg(p, SIGCHLD, &si);
}

static struct sigqueued *queue_signal(struct task *t, struct thread_group *tg, int sig,
				      const siginfo_t *info, bool group, int *err)
{
	struct sigpending *p = group ? &tg->shared_pending : &t->pending;
	struct sigqueued *q;

	*err = 0;
	if (sig < SIGRTMIN_K && (p->set & SIGBIT(sig)))
		return NULL; /* standard signals do not queue twice */
	q = calloc(1, sizeof(*q));
	if (!q) {
		*err = -EAGAIN;
		return NULL;
	}
	if (info) {
		q->info = *info;
	} else {
		q->info.si_code = SI_KERNEL;
	}
	q->info.si_signo = sig;
	list_add_tail(&q->node, &p->queue);
	p->set |= SIGBIT(sig);
	return q;
}

static int do_send(struct task *t, struct thread_group *tg, int sig, const siginfo_t *info,
		   bool group)
{
	struct task *any = t ? t : tg_live_task(tg), *o;
	struct sigqueued *q;
	int err;

	if (sig < 1 || sig > NSIG_K)
		return -EINVAL;
	if (tg->zombie || tg->group_exiting)
		return 0;
	if (sig == SIGKILL) {
		tg_start_exit(tg, SIGKILL);
		return 0;
	}
	if (sig_is_stop(sig)) {
		pending_remove_mask(&tg->shared_pending, SIGBIT(SIGCONT));
		list_for_each_entry(o, &tg->tasks, tg_node)
			pending_remove_mask(&o->pending, SIGBIT(SIGCONT));
	}
	if (sig == SIGCONT) {
		pending_remove_mask(&tg->shared_pending, STOP_MASK);
		list_for_each_entry(o, &tg->tasks, tg_node)
			pending_remove_mask(&o->pending, STOP_MASK);
		if (tg->stopped) {
			tg->stopped = false;
			tg->stop_signal = -1;
			tg->cont_reported = false;
			list_for_each_entry(o, &tg->tasks, tg_node)
				pthread_cond_signal(&o->cond);
			notify_parent_stop(tg, CLD_CONTINUED, SIGCONT);
		}
	}
	if (!any || !any->sighand)
		return 0;
	/* An ignored signal is dropped at once unless the addressed task
	 * blocks it, or waits for it in rt_sigtimedwait (it could be
	 * unignored before being unblocked): Linux's sig_ignored(). */
	if (sig_ignored(any, sig) && !((any->blocked | any->real_blocked) & SIGBIT(sig)))
		return 0;
	q = queue_signal(t, tg, sig, info, group, &err);
	if (err)
		return err;
	signalfd_notify();
	if (group) {
		struct task *chosen = wake_for_signal(tg, t, sig);

		if (q && chosen)
			q->target = chosen->tid;
	} else if (!(t->blocked & SIGBIT(sig))) {
		task_kick(t);
	}
	return 0;
}

int sig_send(struct task *t, int sig, const siginfo_t *info, bool group)
{
	return do_send(t, t->tg, sig, info, group);
}

int sig_send_tg(struct thread_group *tg, int sig, const siginfo_t *info)
{
	return do_send(NULL, tg, sig, info, true);
}

void sig_force(struct task *t, int sig, int code, uint64_t addr)
{
	struct ksigaction *sa = &t->sighand->action[sig - 1];
	siginfo_t si;
	int err;

	if ((t->blocked & SIGBIT(sig)) || sa->handler == (uint64_t)SIG_IGN) {
		t->blocked &= ~SIGBIT(sig);
		sa->handler = (uint64_t)SIG_DFL;
	}
	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = code;
	si.si_addr = (void *)addr;
	queue_signal(t, t->tg, sig, &si, false, &err);
}

/* x86 exception vectors, for the sigcontext's trapno. */
#define X86_TRAP_DE 0
#define X86_TRAP_DB 1
#define X86_TRAP_BP 3
#define X86_TRAP_OF 4
#define X86_TRAP_UD 6
#define X86_TRAP_GP 13
#define X86_TRAP_PF 14
#define X86_TRAP_AC 17
#define X86_TRAP_XF 19
/* Page-fault error code bits. */
#define PF_PROT 0x1
#define PF_WRITE 0x2
#define PF_USER 0x4
#define PF_INSTR 0x10

void sig_fault(struct task *t, int sig, int code, const struct trap_info *trap)
{
	uint64_t rip = t->regs.r.rip, addr = trap->addr;
	uint8_t insn[2];

	t->fault_err = 0;
	switch (sig) {
	case SIGSEGV:
		if (code == SI_KERNEL) {
			/* A general protection fault (privileged instruction,
			 * non-canonical address, int $n without a gate): no
			 * address. int $n reports the gate in the error code;
			 * int $4 is the overflow trap, reported after it. */
			t->fault_trapno = X86_TRAP_GP;
			addr = 0;
			if (copy_from_guest(t, insn, rip - 2, 2) == 0 && insn[0] == 0xcd &&
			    insn[1] == X86_TRAP_OF) {
				t->fault_trapno = X86_TRAP_OF;
			} else if (copy_from_guest(t, insn, rip, 2) == 0 && insn[0] == 0xcd) {
				t->fault_err = ((uint64_t)insn[1] << 3) | 2;
			}
			break;
		}
		/* fallthrough */
	case SIGBUS:
		if (sig == SIGBUS && code == BUS_ADRALN) {
			t->fault_trapno = X86_TRAP_AC;
			break;
		}
		/* A page fault. Whether it was a write is known only where the
		 * platform reports it; a fetch faults at the instruction. */
		t->fault_trapno = X86_TRAP_PF;
		t->fault_cr2 = addr;
		t->fault_err = PF_USER | (trap->write ? PF_WRITE : 0);
		if (addr == rip && sig == SIGSEGV) {
			t->fault_err |= PF_INSTR;
			if (code == SEGV_ACCERR)
				t->fault_err |= PF_PROT;
		}
		break;
	case SIGFPE:
		t->fault_trapno = (code == FPE_INTDIV || code == FPE_INTOVF) ? X86_TRAP_DE
									       : X86_TRAP_XF;
		break;
	case SIGILL:
		t->fault_trapno = X86_TRAP_UD;
		break;
	case SIGTRAP:
		t->fault_trapno = code == SI_KERNEL ? X86_TRAP_BP : X86_TRAP_DB;
		break;
	}
	sig_force(t, sig, code, addr);
}

void sig_set_blocked(struct task *t, ksigset_t mask)
{
	ksigset_t newly;
	struct sigqueued *q;

	mask &= ~SIG_UNBLOCKABLE;
	newly = mask & ~t->blocked;
	t->blocked = mask;
	if (!(newly & t->tg->shared_pending.set))
		return;
	/* complete_signal() picked t for these; pick again. */
	list_for_each_entry(q, &t->tg->shared_pending.queue, node) {
		struct task *o;

		if (q->target != t->tid || !(newly & SIGBIT(q->info.si_signo)))
			continue;
		o = wake_for_signal(t->tg, NULL, q->info.si_signo);
		q->target = o ? o->tid : 0;
	}
}

static int dequeue_from(struct sigpending *p, ksigset_t mask, siginfo_t *info,
			struct task *only_for)
{
	ksigset_t ready = p->set & mask;
	struct sigqueued *q;
	int sig;

	if (!ready)
		return 0;
	if (only_for) {
		ksigset_t ok = 0;

		list_for_each_entry(q, &p->queue, node)
			if (eligible(only_for, q))
				ok |= SIGBIT(q->info.si_signo);
		ready &= ok;
		if (!ready)
			return 0;
	}
	if (ready & SYNCHRONOUS_MASK)
		ready &= SYNCHRONOUS_MASK;
	sig = __builtin_ctzll(ready) + 1;
	list_for_each_entry(q, &p->queue, node) {
		if (q->info.si_signo == sig && (!only_for || eligible(only_for, q))) {
			*info = q->info;
			list_del(&q->node);
			free(q);
			break;
		}
	}
	/* Clear the bit unless another instance (RT) is still queued. */
	p->set &= ~SIGBIT(sig);
	list_for_each_entry(q, &p->queue, node) {
		if (q->info.si_signo == sig) {
			p->set |= SIGBIT(sig);
			break;
		}
	}
	return sig;
}

int sig_dequeue(struct task *t, ksigset_t mask, siginfo_t *info)
{
	int sig = dequeue_from(&t->pending, mask, info, NULL);

	if (!sig)
		sig = dequeue_from(&t->tg->shared_pending, mask, info, NULL);
	return sig;
}

/* For delivery: group signals only when t is (still) the right taker. */
static int sig_dequeue_deliver(struct task *t, ksigset_t mask, siginfo_t *info)
{
	int sig = dequeue_from(&t->pending, mask, info, NULL);

	if (!sig)
		sig = dequeue_from(&t->tg->shared_pending, mask, info, t);
	return sig;
}

void sig_wait_while_stopped(struct task *t)
{
	while (t->tg->stopped && !t->tg->group_exiting && !t->exiting)
		pthread_cond_wait(&t->cond, &bkl);
}

static void do_group_stop(struct task *t, int sig)
{
	struct thread_group *tg = t->tg;
	struct task *o;

	if (!tg->stopped) {
		tg->stopped = true;
		tg->stop_signal = sig;
		tg->stop_reported = false;
		list_for_each_entry(o, &tg->tasks, tg_node)
			if (o != t && o->state != TASK_ZOMBIE)
				task_kick(o);
		notify_parent_stop(tg, CLD_STOPPED, sig);
	}
	sig_wait_while_stopped(t);
}

#define SS_AUTODISARM_K (1U << 31)
/* The ABI's MINSIGSTKSZ; glibc's own is a sysconf() call nowadays. */
#define MINSIGSTKSZ_K 2048UL
#ifndef SA_RESTORER
#define SA_RESTORER 0x04000000
#endif

/* Is sp inside the alternate stack (Linux's __on_sig_stack)? */
static bool in_altstack(struct task *t, uint64_t sp)
{
	return sp > (uint64_t)t->altstack.ss_sp &&
	       sp - (uint64_t)t->altstack.ss_sp <= t->altstack.ss_size;
}

bool sig_on_altstack(struct task *t, uint64_t sp)
{
	/* With SS_AUTODISARM a handler cannot be on the stack unless it
	 * re-armed it there itself: never count as on it (on_sig_stack). */
	if ((uint32_t)t->altstack.ss_flags & SS_AUTODISARM_K)
		return false;
	return in_altstack(t, sp);
}

int sig_altstack_flags(struct task *t, uint64_t sp)
{
	if (!t->altstack.ss_size)
		return SS_DISABLE;
	return sig_on_altstack(t, sp) ? SS_ONSTACK : 0;
}

static void altstack_reset(struct task *t)
{
	t->altstack.ss_sp = NULL;
	t->altstack.ss_size = 0;
	t->altstack.ss_flags = SS_DISABLE;
}

int sig_altstack_set(struct task *t, const stack_t *ss, uint64_t sp)
{
	uint32_t flags = (uint32_t)ss->ss_flags, mode = flags & ~SS_AUTODISARM_K;

	if (sig_on_altstack(t, sp))
		return -EPERM;
	if (mode != 0 && mode != SS_ONSTACK && mode != SS_DISABLE)
		return -EINVAL;
	if (mode == SS_DISABLE) {
		t->altstack.ss_sp = NULL;
		t->altstack.ss_size = 0;
	} else {
		if (ss->ss_size < MINSIGSTKSZ_K)
			return -ENOMEM;
		t->altstack.ss_sp = ss->ss_sp;
		t->altstack.ss_size = ss->ss_size;
	}
	t->altstack.ss_flags = (int)flags;
	return 0;
}

static int setup_frame(struct task *t, int sig, const siginfo_t *info, struct ksigaction *sa,
		       ksigset_t oldmask)
{
	struct user_regs_struct *r = &t->regs.r;
	struct k_rt_sigframe f;
	struct arch_fpstate fp;
	uint64_t sp = r->rsp - 128; /* red zone */
	uint64_t fpaddr, frame;
	bool nested = sig_on_altstack(t, r->rsp), entering = false;

	/* x86-64 handlers return through the restorer (glibc always sets
	 * one); without it the frame is refused, as in Linux. */
	if (!(sa->flags & SA_RESTORER))
		return -EFAULT;
	if ((sa->flags & SA_ONSTACK) && sig_altstack_flags(t, sp) == 0) {
		sp = (uint64_t)t->altstack.ss_sp + t->altstack.ss_size;
		entering = true;
	}
	fp.size = 0;
	if (the_platform->ops->get_fpstate(t->ctx, &fp) < 0) {
		memset(fp.fx, 0, sizeof(fp.fx));
		fp.size = 512;
	}
	if (fp.size < 512 || fp.size > sizeof(fp.xsave) - 4)
		fp.size = 512;
	if (fp.size > 512) {
		/* Describe the XSAVE layout in the software-reserved bytes and
		 * close it with the second magic, as the kernel's frame does. */
		struct fpx_sw_bytes sw = { .magic1 = FP_XSTATE_MAGIC1,
					   .extended_size = fp.size + 4,
					   .xstate_size = fp.size };
		uint32_t magic2 = FP_XSTATE_MAGIC2;
		uint64_t bv;

		/* Linux always marks x87 and SSE present in the frame's
		 * XSTATE_BV (save_xstate_epilog), so a handler that edits the
		 * legacy area sees its edits restored; the image holds their
		 * init values when they were in the init state. */
		memcpy(&bv, fp.xsave + 512, 8);
		bv |= 3;
		memcpy(fp.xsave + 512, &bv, 8);
		sw.xfeatures = bv | xcr0();
		memcpy(fp.fx + 464, &sw, sizeof(sw));
		memcpy(fp.xsave + fp.size, &magic2, 4);
	}
	fpaddr = (sp - (fp.size + 4)) & ~63UL;
	frame = ((fpaddr - sizeof(f)) & ~15UL) - 8;
	/* Overflowing the alternate stack: die rather than scribble below it. */
	if ((nested || entering) && !in_altstack(t, frame))
		return -EFAULT;
	memset(&f, 0, sizeof(f));
	f.pretcode = sa->restorer;
	/* UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS, and UC_FP_XSTATE */
	f.uc.uc_flags = 0x6 | (fp.size > 512 ? 0x1 : 0);
	/* The stack as set, flags included (__save_altstack). */
	f.uc.uc_stack.ss_sp = (uint64_t)t->altstack.ss_sp;
	f.uc.uc_stack.ss_size = t->altstack.ss_size;
	f.uc.uc_stack.ss_flags = t->altstack.ss_flags;
	f.uc.uc_mcontext = (struct k_sigcontext){
		.r8 = r->r8, .r9 = r->r9, .r10 = r->r10, .r11 = r->r11,
		.r12 = r->r12, .r13 = r->r13, .r14 = r->r14, .r15 = r->r15,
		.rdi = r->rdi, .rsi = r->rsi, .rbp = r->rbp, .rbx = r->rbx,
		.rdx = r->rdx, .rax = r->rax, .rcx = r->rcx, .rsp = r->rsp,
		.rip = r->rip, .eflags = r->eflags, .cs = (uint16_t)r->cs,
		.ss = (uint16_t)r->ss, .fpstate = fpaddr, .oldmask = oldmask,
	};
	f.uc.uc_mcontext.cr2 = t->fault_cr2;
	f.uc.uc_mcontext.trapno = t->fault_trapno;
	f.uc.uc_mcontext.err = t->fault_err;
	f.uc.uc_sigmask = oldmask;
	f.info = *info;
	if (copy_to_guest(t, fpaddr, fp.xsave, fp.size + (fp.size > 512 ? 4 : 0)) < 0 ||
	    copy_to_guest(t, frame, &f, sizeof(f)) < 0)
		return -EFAULT;
	if ((uint32_t)t->altstack.ss_flags & SS_AUTODISARM_K)
		altstack_reset(t);
	r->rsp = frame;
	r->rip = sa->handler;
	r->rdi = (uint64_t)sig;
	r->rsi = frame + offsetof(struct k_rt_sigframe, info);
	r->rdx = frame + offsetof(struct k_rt_sigframe, uc);
	r->rax = 0;
	r->eflags &= ~(0x100UL | 0x400UL | 0x40000UL); /* TF, DF, AC */
	return 0;
}

/* The largest XSAVE image a frame may hold: the standard-format size of
 * the features XCR0 enables, without AMX tile data, which Linux leaves
 * out of a task's default signal frame (fpu_user_cfg.default_size). */
static uint32_t xstate_user_size(void)
{
	static uint32_t v;
	unsigned int a, b, c, d;

	if (!v) {
		__cpuid_count(0xd, 0, a, b, c, d);
		v = b;
		if (xcr0() & (1ull << 18)) {
			__cpuid_count(0xd, 18, a, b, c, d);
			if (b >= 512 + 64 && b < v)
				v = b;
		}
		if (v > sizeof(((struct arch_fpstate *)0)->xsave) - 4)
			v = sizeof(((struct arch_fpstate *)0)->xsave) - 4;
	}
	return v;
}

/* The FP part of rt_sigreturn, as Linux's __fpu_restore_sig restores a
 * 64-bit frame straight from user memory (arch/x86/kernel/fpu/signal.c):
 * the software bytes choose between XRSTOR of xstate_size bytes and
 * FXRSTOR of the legacy area (check_xstate_in_sigframe), and whatever
 * XRSTOR or FXRSTOR would #GP on is a bad frame: an XSTATE_BV bit not
 * enabled in XCR0, non-zero bytes 8..23 of the header (the standard
 * form), reserved MXCSR bits when MXCSR is loaded. Features left out of
 * the software xfeatures come back in their init state. */
static int restore_fpstate(struct task *t, uint64_t addr, struct arch_fpstate *fp)
{
	enum { SSE = 2, YMM = 4, MXCSR_OFF = 24, HDR = 512 };
	struct fpx_sw_bytes sw;
	uint64_t xrestore = 3, bv, hdr[2];
	uint32_t magic2, mxcsr;

	if (copy_from_guest(t, fp->fx, addr, sizeof(fp->fx)) < 0)
		return -EFAULT;
	fp->size = 512;
	memcpy(&sw, fp->fx + 464, sizeof(sw));
	if (sw.magic1 == FP_XSTATE_MAGIC1 && sw.xstate_size >= HDR + 64 &&
	    sw.xstate_size <= xstate_user_size() && sw.xstate_size <= sw.extended_size) {
		if (copy_from_guest(t, &magic2, addr + sw.xstate_size, 4) < 0)
			return -EFAULT;
		if (magic2 == FP_XSTATE_MAGIC2) {
			if (copy_from_guest(t, fp->xsave + HDR, addr + HDR,
					    sw.xstate_size - HDR) < 0)
				return -EFAULT;
			fp->size = sw.xstate_size;
			xrestore = sw.xfeatures & xcr0();
		}
	}
	memcpy(&mxcsr, fp->fx + MXCSR_OFF, 4);
	if (fp->size == 512) {
		/* FXRSTOR: x87 and SSE from the legacy area. */
		return (mxcsr & ~mxcsr_mask()) ? -EINVAL : 0;
	}
	memcpy(&bv, fp->xsave + HDR, 8);
	memcpy(hdr, fp->xsave + HDR + 8, 16);
	if ((bv & ~xcr0()) || hdr[0] || hdr[1])
		return -EINVAL;
	if (xrestore & (SSE | YMM)) {
		if (mxcsr & ~mxcsr_mask())
			return -EINVAL;
	} else {
		/* MXCSR comes from the init state with SSE. */
		mxcsr = 0x1f80;
		memcpy(fp->fx + MXCSR_OFF, &mxcsr, 4);
	}
	/* XRSTOR with RFBM = xrestore, then the init state for the rest:
	 * the same as loading everything with XSTATE_BV & xrestore. */
	bv &= xrestore;
	memcpy(fp->xsave + HDR, &bv, 8);
	return 0;
}

long sig_return(struct task *t)
{
	struct user_regs_struct *r = &t->regs.r;
	uint64_t frame = r->rsp - 8;
	stack_t ss;
	struct k_rt_sigframe f;
	struct k_sigcontext *m = &f.uc.uc_mcontext;
	struct arch_fpstate fp;
	bool bad_seg;

	if (copy_from_guest(t, &f, frame, sizeof(f)) < 0)
		goto bad;
	r->r8 = m->r8, r->r9 = m->r9, r->r10 = m->r10, r->r11 = m->r11;
	r->r12 = m->r12, r->r13 = m->r13, r->r14 = m->r14, r->r15 = m->r15;
	r->rdi = m->rdi, r->rsi = m->rsi, r->rbp = m->rbp, r->rbx = m->rbx;
	r->rdx = m->rdx, r->rax = m->rax, r->rcx = m->rcx, r->rsp = m->rsp;
	r->rip = m->rip;
	r->eflags = (r->eflags & ~FIX_EFLAGS) | (m->eflags & FIX_EFLAGS);
	/* Linux loads cs and ss (RPL 3) from the frame: anything but the
	 * 64-bit user selectors faults on the way out (there is no 32-bit
	 * mode here), and a non-strict frame gets a valid ss. */
	bad_seg = (m->cs | 3) != USER_CS ||
		  ((f.uc.uc_flags & UC_STRICT_RESTORE_SS) && (m->ss | 3) != USER_DS);
	sig_set_blocked(t, f.uc.uc_sigmask);
	if (m->fpstate && (restore_fpstate(t, m->fpstate, &fp) < 0 ||
			   the_platform->ops->set_fpstate(t->ctx, &fp) < 0))
		goto bad;
	/* restore_altstack(): failures are ignored. Whether we are on the
	 * stack is judged where the frame is, as the host kernel does (a
	 * handler running on a still-armed stack cannot change it). */
	ss.ss_sp = (void *)f.uc.uc_stack.ss_sp;
	ss.ss_flags = f.uc.uc_stack.ss_flags;
	ss.ss_size = f.uc.uc_stack.ss_size;
	(void)sig_altstack_set(t, &ss, frame + 8);
	if (bad_seg)
		sig_force(t, SIGSEGV, SI_KERNEL, 0);
	t->syscall_nr = -1; /* no restart processing for the restored rax */
	return (long)r->rax;
bad:
	sig_force(t, SIGSEGV, SI_KERNEL, 0);
	t->syscall_nr = -1;
	return (long)r->rax;
}

static bool is_restart(long ret)
{
	return ret == -ERESTARTSYS || ret == -ERESTARTNOINTR || ret == -ERESTARTNOHAND ||
	       ret == -ERESTART_RESTARTBLOCK;
}

void sig_deliver(struct task *t, long ret, bool insys)
{
	struct user_regs_struct *r = &t->regs.r;
	bool restart = insys && t->syscall_nr >= 0 && is_restart(ret);

	for (;;) {
		struct ksigaction *sa, act;
		ksigset_t oldmask;
		siginfo_t info;
		int sig;

		if (t->exiting || t->tg->group_exiting)
			return;
		if (t->tg->stopped) {
			sig_wait_while_stopped(t);
			continue;
		}
		sig = sig_dequeue_deliver(t, ~t->blocked, &info);
		if (!sig)
			break;
		sa = &t->sighand->action[sig - 1];
		if (sa->handler == (uint64_t)SIG_IGN)
			continue;
		if (sa->handler == (uint64_t)SIG_DFL) {
			if (sig_default_ignored(sig))
				continue;
			if (sig_is_stop(sig)) {
				do_group_stop(t, sig);
				continue;
			}
			/* Terminate; no core files are written. */
			task_group_exit(t, sig);
		}
		act = *sa;
		if (restart) {
			if (ret == -ERESTARTNOINTR ||
			    (ret == -ERESTARTSYS && (act.flags & SA_RESTART))) {
				r->rax = (uint64_t)t->syscall_nr;
				r->rip -= 2;
			} else {
				r->rax = (uint64_t)-EINTR;
			}
			restart = false;
		}
		oldmask = t->has_saved_mask ? t->saved_mask : t->blocked;
		if (setup_frame(t, sig, &info, &act, oldmask) < 0) {
			/* Could not write the frame: force_sigsegv(). A SIGSEGV
			 * handler gets its chance unless SIGSEGV itself failed. */
			if (sig == SIGSEGV)
				sa->handler = (uint64_t)SIG_DFL;
			sig_force(t, SIGSEGV, SI_KERNEL, 0);
			continue;
		}
		t->has_saved_mask = false;
		sig_set_blocked(t, t->blocked | act.mask |
					   ((act.flags & SA_NODEFER) ? 0 : SIGBIT(sig)));
		/* SA_RESETHAND resets the handler only; the flags stay. */
		if (act.flags & SA_RESETHAND)
			sa->handler = (uint64_t)SIG_DFL;
	}
	if (restart) {
		if (ret == -ERESTART_RESTARTBLOCK) {
			r->rax = SYS_restart_syscall;
		} else {
			r->rax = (uint64_t)t->syscall_nr;
		}
		r->rip -= 2;
	}
	if (t->has_saved_mask) {
		t->blocked = t->saved_mask;
		t->has_saved_mask = false;
	}
}
