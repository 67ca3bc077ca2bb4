/* signalfd(2): reading dequeues the caller's pending signals in the
 * file's mask as struct signalfd_siginfo records. Like Linux, readiness
 * and reads concern the calling task (task_current), not the creator;
 * one global queue, woken whenever a signal is queued, serves waiters. */
#define _GNU_SOURCE
#include "fs/fdtypes.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>

struct sigfd {
	uint64_t mask;
};

static struct waitq sigfd_wq = { .waiters = { &sigfd_wq.waiters, &sigfd_wq.waiters } };

static const struct file_ops signalfd_ops;

void signalfd_notify(void)
{
	waitq_wake_all(&sigfd_wq);
}

bool file_is_signalfd(struct file *f)
{
	return f->ops == &signalfd_ops;
}

static bool is_fault(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
	       sig == SIGTRAP;
}

/* Fill the record from what the siginfo's layout carries (Linux
 * signalfd_copyinfo). */
static void fill(struct signalfd_siginfo *o, const siginfo_t *si)
{
	memset(o, 0, sizeof(*o));
	o->ssi_signo = (uint32_t)si->si_signo;
	o->ssi_errno = si->si_errno;
	o->ssi_code = si->si_code;
	if (si->si_code > 0 && is_fault(si->si_signo)) {
		o->ssi_addr = (uint64_t)(uintptr_t)si->si_addr;
	} else if (si->si_code > 0 && si->si_signo == SIGCHLD) {
		o->ssi_pid = (uint32_t)si->si_pid;
		o->ssi_uid = si->si_uid;
		o->ssi_status = si->si_status;
		o->ssi_utime = (uint64_t)si->si_utime;
		o->ssi_stime = (uint64_t)si->si_stime;
	} else if (si->si_code > 0 && si->si_signo == SIGPOLL) {
		o->ssi_band = (uint32_t)si->si_band;
		o->ssi_fd = si->si_fd;
	} else if (si->si_code == SI_TIMER) {
		o->ssi_tid = (uint32_t)si->si_timerid;
		o->ssi_overrun = (uint32_t)si->si_overrun;
		o->ssi_ptr = (uint64_t)(uintptr_t)si->si_ptr;
		o->ssi_int = si->si_int;
	} else {
		o->ssi_pid = (uint32_t)si->si_pid;
		o->ssi_uid = si->si_uid;
		if (si->si_code < 0) {
			o->ssi_ptr = (uint64_t)(uintptr_t)si->si_ptr;
			o->ssi_int = si->si_int;
		}
	}
}

static ssize_t sfd_read(struct task *t, struct file *f, void *buf, size_t n, int64_t *pos)
{
	struct sigfd *s = f->priv;
	size_t max = n / sizeof(struct signalfd_siginfo), got = 0;

	(void)pos;
	if (!max)
		return -EINVAL;
	for (;;) {
		siginfo_t si;
		struct waiter w;
		int err;

		while (got < max && sig_dequeue(t, s->mask, &si) > 0) {
			struct signalfd_siginfo o;

			fill(&o, &si);
			memcpy((uint8_t *)buf + got * sizeof(o), &o, sizeof(o));
			got++;
		}
		if (got)
			return (ssize_t)(got * sizeof(struct signalfd_siginfo));
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		waitq_add(&sigfd_wq, &w, t);
		err = task_sleep(t, NULL);
		waitq_del(&w);
		if (err == -EINTR)
			return -ERESTARTSYS;
	}
}

static unsigned int sfd_poll(struct file *f, struct waitq **wq)
{
	struct sigfd *s = f->priv;
	struct task *t = task_current;

	if (wq)
		*wq = &sigfd_wq;
	if (t && (sig_pending_set(t) & s->mask))
		return POLLIN | POLLRDNORM;
	return 0;
}

static int sfd_fstat(struct file *f, struct stat *st)
{
	(void)f;
	memset(st, 0, sizeof(*st));
	st->st_dev = 0xe;
	st->st_ino = 1;
	st->st_mode = 0600;
	st->st_nlink = 1;
	st->st_blksize = 4096;
	return 0;
}

static void sfd_release(struct file *f)
{
	free(f->priv);
}

/* Anonymous inodes accept lseek and stay at 0 (Linux noop_llseek). */
static int64_t sfd_llseek(struct file *f, int64_t off, int whence)
{
	return 0;
}

static const struct file_ops signalfd_ops = {
	.llseek = sfd_llseek,
	.read = sfd_read,
	.poll = sfd_poll,
	.fstat = sfd_fstat,
	.release = sfd_release,
};

#define UNCATCHABLE ((1ULL << (SIGKILL - 1)) | (1ULL << (SIGSTOP - 1)))

struct file *signalfd_new(struct task *t, uint64_t mask, int oflags)
{
	struct sigfd *s = calloc(1, sizeof(*s));
	struct file *f;

	(void)t;
	if (!s)
		return NULL;
	s->mask = mask & ~UNCATCHABLE;
	f = file_new(&signalfd_ops, O_RDWR | (oflags & O_NONBLOCK), s, "anon_inode:[signalfd]");
	if (!f)
		free(s);
	return f;
}

void signalfd_set_mask(struct file *f, uint64_t mask)
{
	struct sigfd *s = f->priv;

	s->mask = mask & ~UNCATCHABLE;
	waitq_wake_all(&sigfd_wq);
}
