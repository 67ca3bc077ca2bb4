/* Signal syscalls: actions, masks, sending (kill family, sigqueueinfo),
 * waiting (sigsuspend, pause, sigtimedwait), sigaltstack, sigreturn. The
 * queueing and delivery machinery is sentry/signal.c; semantics follow
 * kernel/signal.c and signal(7). */
#define _GNU_SOURCE
#include "syscalls/table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KSIGSET_SIZE 8
#define SA_RESTORER_K 0x04000000UL
#define SA_EXPOSE_TAGBITS_K 0x00000800UL
/* The sa_flags Linux keeps (UAPI_SA_FLAGS); others read back as 0 so
 * that programs can probe for support (SA_UNSUPPORTED). */
#define SA_KNOWN                                                                   \
	((uint64_t)(SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | SA_RESTART |   \
		    SA_NODEFER | SA_RESETHAND) |                                    \
	 SA_EXPOSE_TAGBITS_K | SA_RESTORER_K)

static bool valid_sig(long sig)
{
	return sig >= 1 && sig <= NSIG_K;
}

static void discard_pending(struct sigpending *p, int sig)
{
	struct sigqueued *q, *n;

	list_for_each_entry_safe(q, n, &p->queue, node) {
		if (q->info.si_signo == sig) {
			list_del(&q->node);
			free(q);
		}
	}
	p->set &= ~SIGBIT(sig);
}

long sys_rt_sigaction(struct task *t, const struct syscall_args *a)
{
	int sig = (int)a->a[0];
	struct ksigaction act, *cur;

	/* Checked in rt_sigaction's order: size, copy in, then the signal. */
	if (a->a[3] != KSIGSET_SIZE)
		return -EINVAL;
	if (a->a[1] && copy_from_guest(t, &act, a->a[1], sizeof(act)) < 0)
		return -EFAULT;
	if (!valid_sig(sig) || (a->a[1] && (sig == SIGKILL || sig == SIGSTOP)))
		return -EINVAL;
	cur = &t->sighand->action[sig - 1];
	if (a->a[2] && copy_to_guest(t, a->a[2], cur, sizeof(*cur)) < 0)
		return -EFAULT;
	if (!a->a[1])
		return 0;
	act.mask &= ~SIG_UNBLOCKABLE;
	act.flags &= SA_KNOWN;
	*cur = act;
	/* POSIX: setting a pending signal to be ignored discards it. */
	if (act.handler == (uint64_t)SIG_IGN ||
	    (act.handler == (uint64_t)SIG_DFL && sig_default_ignored(sig))) {
		struct task *o;

		discard_pending(&t->tg->shared_pending, sig);
		list_for_each_entry(o, &t->tg->tasks, tg_node)
			discard_pending(&o->pending, sig);
	}
	return 0;
}

/* A newly unblocked pending signal is delivered by sig_deliver() on the
 * way back to the guest, before the next instruction. */
long sys_rt_sigprocmask(struct task *t, const struct syscall_args *a)
{
	ksigset_t set, old = t->blocked;

	if (a->a[3] != KSIGSET_SIZE)
		return -EINVAL;
	if (a->a[1]) {
		if (copy_from_guest(t, &set, a->a[1], sizeof(set)) < 0)
			return -EFAULT;
		switch (a->a[0]) {
		case SIG_BLOCK:
			set |= t->blocked;
			break;
		case SIG_UNBLOCK:
			set = t->blocked & ~set;
			break;
		case SIG_SETMASK:
			break;
		default:
			return -EINVAL;
		}
		sig_set_blocked(t, set);
	}
	/* Like Linux, a failed copy-out does not undo the change. */
	if (a->a[2] && copy_to_guest(t, a->a[2], &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}

long sys_rt_sigreturn(struct task *t, const struct syscall_args *a)
{
	(void)a;
	return sig_return(t);
}

long sys_rt_sigpending(struct task *t, const struct syscall_args *a)
{
	ksigset_t p = sig_pending_set(t) & t->blocked;

	if (a->a[1] > KSIGSET_SIZE)
		return -EINVAL;
	return copy_to_guest(t, a->a[0], &p, a->a[1]);
}

static void user_info(struct task *t, siginfo_t *si, int sig, int code)
{
	memset(si, 0, sizeof(*si));
	si->si_signo = sig;
	si->si_code = code;
	si->si_pid = t->tg->tgid;
	si->si_uid = t->cred->uid;
}

#define CAP_KILL_BIT 5

/* check_kill_permission(): same process, a matching real or effective
 * uid against the target's real or saved uid, CAP_KILL, or SIGCONT
 * within the session. Checked after the target is found and the signal
 * number validated, so the errors come in Linux's order. */
static int kill_check(struct task *t, struct task *o, int sig)
{
	const struct cred *c = t->cred, *oc = o->cred;

	if (sig < 0 || sig > NSIG_K)
		return -EINVAL;
	if (o->tg == t->tg || !c || !oc)
		return 0;
	if (c->euid == oc->suid || c->euid == oc->uid || c->uid == oc->suid ||
	    c->uid == oc->uid || capable(t, CAP_KILL_BIT))
		return 0;
	if (sig == SIGCONT && o->tg->sid == t->tg->sid)
		return 0;
	return -EPERM;
}

/* Send to a whole process after the checks; sig 0 only probes. */
static int kill_tg(struct task *t, struct thread_group *tg, int sig, const siginfo_t *si)
{
	int err = tg->leader ? kill_check(t, tg->leader, sig) : 0;

	if (err || !sig)
		return err;
	return sig_send_tg(tg, sig, si);
}

struct kill_ctx {
	struct task *sender;
	int sig;
	int pgid;         /* 0: all but init and self */
	bool all;
	int found;        /* targets tried */
	bool ok;          /* one send succeeded */
	int err;          /* the last error (-1: the last but EPERM) */
	siginfo_t si;
};

static void kill_one(struct thread_group *tg, void *arg)
{
	struct kill_ctx *k = arg;
	int err;

	if (tg->reaped)
		return;
	if (k->all) {
		if (tg->tgid == 1 || tg == k->sender->tg)
			return;
	} else if (tg->pgid != k->pgid) {
		return;
	}
	err = kill_tg(k->sender, tg, k->sig, &k->si);
	k->found++;
	if (!err)
		k->ok = true;
	if (!k->all || err != -EPERM)
		k->err = err;
}

/* kill_something_info(). */
long sys_kill(struct task *t, const struct syscall_args *a)
{
	int pid = (int)a->a[0], sig = (int)a->a[1];
	struct kill_ctx k = { .sender = t, .sig = sig };
	struct thread_group *tg;

	user_info(t, &k.si, sig, SI_USER);
	if (pid > 0) {
		tg = tg_lookup(pid);
		if (!tg || tg->reaped)
			return -ESRCH;
		return kill_tg(t, tg, sig, &k.si);
	}
	/* -INT_MIN has no meaning. */
	if (pid == INT32_MIN)
		return -ESRCH;
	if (pid == -1)
		k.all = true;
	else
		k.pgid = pid == 0 ? t->tg->pgid : -pid;
	k.err = k.all ? 0 : -ESRCH;
	for_each_tg(kill_one, &k);
	if (k.all)
		return k.found ? k.err : -ESRCH;
	return k.ok ? 0 : k.err;
}

/* do_send_specific(): tgid < 0 matches any process. */
static long send_specific(struct task *t, int tgid, int tid, int sig, const siginfo_t *si)
{
	struct task *o = task_lookup(tid);
	int err;

	if (!o || (tgid > 0 && o->tg->tgid != tgid))
		return -ESRCH;
	err = kill_check(t, o, sig);
	if (err || !sig)
		return err;
	/* An exited leader of a live process is still there to be found,
	 * but nothing is delivered to it any more. */
	if (o->state == TASK_ZOMBIE)
		return 0;
	return sig_send(o, sig, si, false);
}

static long thread_kill(struct task *t, int tgid, int tid, int sig)
{
	siginfo_t si;

	user_info(t, &si, sig, SI_TKILL);
	return send_specific(t, tgid, tid, sig, &si);
}

long sys_tkill(struct task *t, const struct syscall_args *a)
{
	int tid = (int)a->a[0];

	if (tid <= 0)
		return -EINVAL;
	return thread_kill(t, -1, tid, (int)a->a[1]);
}

long sys_tgkill(struct task *t, const struct syscall_args *a)
{
	int tgid = (int)a->a[0], tid = (int)a->a[1];

	if (tid <= 0 || tgid <= 0)
		return -EINVAL;
	return thread_kill(t, tgid, tid, (int)a->a[2]);
}

/* Neither kernel codes (si_code >= 0) nor tkill's may be forged for
 * anyone else: "else" is judged by the caller's thread id, as Linux
 * does, so another thread of the process is refused too. */
static bool forged_info(struct task *t, const siginfo_t *si, int target)
{
	return (si->si_code >= 0 || si->si_code == SI_TKILL) && t->tid != target;
}

long sys_rt_sigqueueinfo(struct task *t, const struct syscall_args *a)
{
	int pid = (int)a->a[0], sig = (int)a->a[1];
	struct thread_group *tg;
	siginfo_t si;

	if (copy_from_guest(t, &si, a->a[2], sizeof(si)) < 0)
		return -EFAULT;
	si.si_signo = sig;
	if (forged_info(t, &si, pid))
		return -EPERM;
	tg = tg_lookup(pid);
	if (!tg || tg->reaped)
		return -ESRCH;
	return kill_tg(t, tg, sig, &si);
}

long sys_rt_tgsigqueueinfo(struct task *t, const struct syscall_args *a)
{
	int tgid = (int)a->a[0], tid = (int)a->a[1], sig = (int)a->a[2];
	siginfo_t si;

	if (copy_from_guest(t, &si, a->a[3], sizeof(si)) < 0)
		return -EFAULT;
	si.si_signo = sig;
	if (tid <= 0 || tgid <= 0)
		return -EINVAL;
	if (forged_info(t, &si, tid))
		return -EPERM;
	return send_specific(t, tgid, tid, sig, &si);
}

long sys_sigaltstack(struct task *t, const struct syscall_args *a)
{
	struct {
		uint64_t sp;
		int32_t flags;
		int32_t pad;
		uint64_t size;
	} uss, old;
	uint64_t sp = t->regs.r.rsp;
	stack_t ss;
	int err;

	memset(&old, 0, sizeof(old));
	old.sp = (uint64_t)t->altstack.ss_sp;
	old.size = t->altstack.ss_size;
	old.flags = sig_altstack_flags(t, sp) |
		    (int32_t)((uint32_t)t->altstack.ss_flags & (1U << 31) /* SS_AUTODISARM */);
	if (a->a[0]) {
		if (copy_from_guest(t, &uss, a->a[0], sizeof(uss)) < 0)
			return -EFAULT;
		ss.ss_sp = (void *)uss.sp;
		ss.ss_flags = uss.flags;
		ss.ss_size = uss.size;
		err = sig_altstack_set(t, &ss, sp);
		if (err)
			return err;
	}
	if (a->a[1] && copy_to_guest(t, a->a[1], &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}

/* Sleep until a signal is pending; always ends in -ERESTARTNOHAND. */
static long sleep_for_signal(struct task *t)
{
	while (!signal_pending(t)) {
		t->woken = false;
		task_sleep(t, NULL);
	}
	return -ERESTARTNOHAND;
}

long sys_rt_sigsuspend(struct task *t, const struct syscall_args *a)
{
	ksigset_t mask;

	if (a->a[1] != KSIGSET_SIZE)
		return -EINVAL;
	if (copy_from_guest(t, &mask, a->a[0], sizeof(mask)) < 0)
		return -EFAULT;
	t->saved_mask = t->blocked;
	t->has_saved_mask = true;
	t->blocked = mask & ~SIG_UNBLOCKABLE;
	return sleep_for_signal(t);
}

long sys_pause(struct task *t, const struct syscall_args *a)
{
	(void)a;
	return sleep_for_signal(t);
}

long sys_rt_sigtimedwait(struct task *t, const struct syscall_args *a)
{
	struct timespec ts, deadline, *dl = NULL;
	ksigset_t mask, saved;
	siginfo_t si;
	int sig, err = 0;

	if (a->a[3] != KSIGSET_SIZE)
		return -EINVAL;
	if (copy_from_guest(t, &mask, a->a[0], sizeof(mask)) < 0)
		return -EFAULT;
	mask &= ~SIG_UNBLOCKABLE;
	if (a->a[2]) {
		if (copy_from_guest(t, &ts, a->a[2], sizeof(ts)) < 0)
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
			return -EINVAL;
		clock_gettime(CLOCK_MONOTONIC, &deadline);
		deadline.tv_sec += ts.tv_sec;
		deadline.tv_nsec += ts.tv_nsec;
		if (deadline.tv_nsec >= 1000000000L) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000L;
		}
		dl = &deadline;
	}
	sig = sig_dequeue(t, mask, &si);
	if (!sig) {
		/* Let the awaited signals wake us: they are unblocked while we
		 * wait, and dequeued here rather than delivered. */
		saved = t->blocked;
		t->real_blocked = saved;
		t->blocked &= ~mask;
		while (!(sig_pending_set(t) & mask)) {
			if (signal_pending(t) && (sig_pending_set(t) & ~t->blocked & ~mask)) {
				err = -EINTR;
				break;
			}
			if (t->exiting || t->tg->group_exiting) {
				err = -EINTR;
				break;
			}
			t->woken = false;
			if (task_sleep(t, dl) == -ETIMEDOUT) {
				err = -EAGAIN;
				break;
			}
		}
		t->blocked = saved;
		t->real_blocked = 0;
		sig = sig_dequeue(t, mask, &si);
		if (!sig)
			return err ? err : -EINTR;
	}
	if (a->a[1] && copy_to_guest(t, a->a[1], &si, sizeof(si)) < 0)
		return -EFAULT;
	return sig;
}
