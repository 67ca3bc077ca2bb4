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
#define SS_AUTODISARM_K (1U << 31)
#define MINSIGSTKSZ_K 2048

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

	if (a->a[3] != KSIGSET_SIZE || !valid_sig(sig))
		return -EINVAL;
	cur = &t->sighand->action[sig - 1];
	if (a->a[1]) {
		if (sig == SIGKILL || sig == SIGSTOP)
			return -EINVAL;
		if (copy_from_guest(t, &act, a->a[1], sizeof(act)) < 0)
			return -EFAULT;
	}
	if (a->a[2] && copy_to_guest(t, a->a[2], cur, sizeof(*cur)) < 0)
		return -EFAULT;
	if (!a->a[1])
		return 0;
	act.mask &= ~SIG_UNBLOCKABLE;
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
			t->blocked |= set;
			break;
		case SIG_UNBLOCK:
			t->blocked &= ~set;
			break;
		case SIG_SETMASK:
			t->blocked = set;
			break;
		default:
			return -EINVAL;
		}
		t->blocked &= ~SIG_UNBLOCKABLE;
	}
	if (a->a[2] && copy_to_guest(t, a->a[2], &old, sizeof(old)) < 0) {
		t->blocked = old;
		return -EFAULT;
	}
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

struct kill_ctx {
	struct task *sender;
	int sig;
	int pgid;         /* 0: all but init and self */
	bool all;
	int found;
	siginfo_t si;
};

static void kill_one(struct thread_group *tg, void *arg)
{
	struct kill_ctx *k = arg;

	if (tg->zombie)
		return;
	if (k->all) {
		if (tg->tgid == 1 || tg == k->sender->tg)
			return;
	} else if (tg->pgid != k->pgid) {
		return;
	}
	k->found++;
	if (k->sig)
		sig_send_tg(tg, k->sig, &k->si);
}

long sys_kill(struct task *t, const struct syscall_args *a)
{
	int pid = (int)a->a[0], sig = (int)a->a[1];
	struct kill_ctx k = { .sender = t, .sig = sig };
	struct thread_group *tg;

	if (sig < 0 || sig > NSIG_K)
		return -EINVAL;
	user_info(t, &k.si, sig, SI_USER);
	if (pid > 0) {
		tg = tg_lookup(pid);
		if (!tg || tg->reaped)
			return -ESRCH;
		return sig ? sig_send_tg(tg, sig, &k.si) : 0;
	}
	if (pid == INT32_MIN)
		return -ESRCH;
	if (pid == -1)
		k.all = true;
	else
		k.pgid = pid == 0 ? t->tg->pgid : -pid;
	for_each_tg(kill_one, &k);
	return k.found ? 0 : -ESRCH;
}

static long thread_kill(struct task *t, int tgid, int tid, int sig)
{
	struct task *o;
	siginfo_t si;

	if (tid <= 0 || (tgid != -1 && tgid <= 0) || sig < 0 || sig > NSIG_K)
		return -EINVAL;
	o = task_lookup(tid);
	if (!o || o->state == TASK_ZOMBIE || (tgid != -1 && o->tg->tgid != tgid))
		return -ESRCH;
	if (!sig)
		return 0;
	user_info(t, &si, sig, SI_TKILL);
	return sig_send(o, sig, &si, false);
}

long sys_tkill(struct task *t, const struct syscall_args *a)
{
	return thread_kill(t, -1, (int)a->a[0], (int)a->a[1]);
}

long sys_tgkill(struct task *t, const struct syscall_args *a)
{
	return thread_kill(t, (int)a->a[0], (int)a->a[1], (int)a->a[2]);
}

static long queueinfo(struct task *t, int tgid, int tid, int sig, uint64_t uinfo)
{
	siginfo_t si;
	struct task *o = NULL;
	struct thread_group *tg;

	if (!valid_sig(sig))
		return -EINVAL;
	if (copy_from_guest(t, &si, uinfo, sizeof(si)) < 0)
		return -EFAULT;
	if (tid >= 0) {
		if (tid <= 0 || tgid <= 0)
			return -EINVAL;
		o = task_lookup(tid);
		if (!o || o->state == TASK_ZOMBIE || o->tg->tgid != tgid)
			return -ESRCH;
		tg = o->tg;
	} else {
		tg = tg_lookup(tgid);
		if (!tg || tg->zombie)
			return -ESRCH;
	}
	/* Only the kernel may claim kernel-generated codes for others. */
	if ((si.si_code >= 0 || si.si_code == SI_TKILL) && tg != t->tg)
		return -EPERM;
	si.si_signo = sig;
	return o ? sig_send(o, sig, &si, false) : sig_send_tg(tg, sig, &si);
}

long sys_rt_sigqueueinfo(struct task *t, const struct syscall_args *a)
{
	return queueinfo(t, (int)a->a[0], -1, (int)a->a[1], a->a[2]);
}

long sys_rt_tgsigqueueinfo(struct task *t, const struct syscall_args *a)
{
	return queueinfo(t, (int)a->a[0], (int)a->a[1], (int)a->a[2], a->a[3]);
}

static bool on_stack(struct task *t, uint64_t sp)
{
	return !(t->altstack.ss_flags & SS_DISABLE) && sp > (uint64_t)t->altstack.ss_sp &&
	       sp - (uint64_t)t->altstack.ss_sp <= t->altstack.ss_size;
}

long sys_sigaltstack(struct task *t, const struct syscall_args *a)
{
	struct {
		uint64_t sp;
		int32_t flags;
		int32_t pad;
		uint64_t size;
	} ss, old;
	bool on = on_stack(t, t->regs.r.rsp);

	memset(&old, 0, sizeof(old));
	old.sp = (uint64_t)t->altstack.ss_sp;
	old.size = t->altstack.ss_size;
	old.flags = on ? SS_ONSTACK : (t->altstack.ss_flags & (SS_DISABLE | (int)SS_AUTODISARM_K));
	if (a->a[0]) {
		uint32_t mode;

		if (copy_from_guest(t, &ss, a->a[0], sizeof(ss)) < 0)
			return -EFAULT;
		if (on)
			return -EPERM;
		mode = (uint32_t)ss.flags & ~SS_AUTODISARM_K;
		if (mode != 0 && mode != SS_DISABLE && mode != SS_ONSTACK)
			return -EINVAL;
		if (mode == SS_DISABLE) {
			t->altstack.ss_sp = NULL;
			t->altstack.ss_size = 0;
			t->altstack.ss_flags = SS_DISABLE;
		} else {
			if (ss.size < MINSIGSTKSZ_K)
				return -ENOMEM;
			t->altstack.ss_sp = (void *)ss.sp;
			t->altstack.ss_size = ss.size;
			t->altstack.ss_flags = (int)((uint32_t)ss.flags & SS_AUTODISARM_K);
		}
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
		sig = sig_dequeue(t, mask, &si);
		if (!sig)
			return err ? err : -EINTR;
	}
	if (a->a[1] && copy_to_guest(t, a->a[1], &si, sizeof(si)) < 0)
		return -EFAULT;
	return sig;
}
