/* mq_open, mq_unlink, mq_timedsend, mq_timedreceive, mq_notify,
 * mq_getsetattr: argument checks and copies around fs/mqueue.c, in the
 * order Linux's ipc/mqueue.c makes them (so the same bad call fails with
 * the same errno). */
#define _GNU_SOURCE
#include "syscalls/table.h"
#include "fs/mqueue.h"
#include "fs/vfs.h"
#include "sentry/time.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

struct k_timespec {
	int64_t tv_sec, tv_nsec;
};

/* A queue name from the guest, as getname() takes it. */
static int get_name(struct task *t, uint64_t addr, char *buf, size_t sz)
{
	long n = copy_string_from_guest(t, buf, addr, sz);

	if (n == -ENAMETOOLONG || (n >= 0 && (size_t)n >= sz))
		return -ENAMETOOLONG;
	return n < 0 ? (int)n : 0;
}

long sys_mq_open(struct task *t, const struct syscall_args *a)
{
	int oflag = (int)a->a[1], err = 0, fd;
	uint32_t mode = (uint32_t)a->a[2];
	struct mq_attr_k attr, *ap = NULL;
	char *name = malloc(PATH_MAX);
	struct file *f;

	if (!name)
		return -ENOMEM;
	err = get_name(t, a->a[0], name, PATH_MAX);
	if (err == 0 && a->a[3]) {
		err = copy_from_guest(t, &attr, a->a[3], sizeof(attr));
		ap = &attr;
	}
	if (err < 0) {
		free(name);
		return err;
	}
	/* The attributes matter only to a creation. */
	f = mqueue_open(t, name, oflag, mode, (oflag & O_CREAT) ? ap : NULL, &err);
	free(name);
	if (!f)
		return err;
	fd = fd_alloc(t->files, f, 0, oflag & O_CLOEXEC, (int)t->tg->rlim[RLIMIT_NOFILE].rlim_cur);
	file_put(f);
	return fd;
}

long sys_mq_unlink(struct task *t, const struct syscall_args *a)
{
	char *name = malloc(PATH_MAX);
	int err;

	if (!name)
		return -ENOMEM;
	err = get_name(t, a->a[0], name, PATH_MAX);
	if (err == 0)
		err = mqueue_unlink(t, name);
	free(name);
	return err;
}

/* An absolute CLOCK_REALTIME timeout as a host-monotonic deadline (0:
 * none; 1: already passed). */
static int get_deadline(struct task *t, uint64_t addr, uint64_t *deadline)
{
	struct k_timespec ts;
	uint64_t abs, now;

	*deadline = 0;
	if (!addr)
		return 0;
	if (copy_from_guest(t, &ts, addr, sizeof(ts)) < 0)
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
		return -EINVAL;
	if ((uint64_t)ts.tv_sec > UINT64_MAX / 1000000000ULL / 2) {
		*deadline = UINT64_MAX / 2;
		return 0;
	}
	abs = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	now = time_now(CLOCK_REALTIME);
	*deadline = abs > now ? time_host_mono() + (abs - now) : 1;
	return 0;
}

long sys_mq_timedsend(struct task *t, const struct syscall_args *a)
{
	int fd = (int)a->a[0];
	size_t len = (size_t)a->a[2];
	unsigned int prio = (unsigned int)a->a[3];
	uint64_t deadline;
	struct file *f;
	void *buf = NULL;
	long r;

	if ((r = get_deadline(t, a->a[4], &deadline)) < 0)
		return r;
	if (prio >= MQ_PRIO_MAX_K)
		return -EINVAL;
	f = fd_get(t->files, fd);
	if (!f)
		return -EBADF;
	if (!mqueue_of(f) || (f->flags & O_ACCMODE) == O_RDONLY) {
		r = -EBADF;
		goto out;
	}
	/* Bounded by the queue's msgsize (at most 16 MiB). */
	{
		struct mq_attr_k at;

		mqueue_getattr(f, &at);
		if (len > (size_t)at.mq_msgsize) {
			r = -EMSGSIZE;
			goto out;
		}
	}
	buf = malloc(len ? len : 1);
	if (!buf) {
		r = -ENOMEM;
		goto out;
	}
	if (len && copy_from_guest(t, buf, a->a[1], len) < 0) {
		r = -EFAULT;
		goto out;
	}
	r = mqueue_send(t, f, buf, len, prio, deadline);
out:
	free(buf);
	file_put(f);
	return r;
}

long sys_mq_timedreceive(struct task *t, const struct syscall_args *a)
{
	int fd = (int)a->a[0];
	size_t len = (size_t)a->a[2];
	uint64_t prio_addr = a->a[3], deadline;
	struct mq_attr_k at;
	unsigned int prio = 0;
	struct file *f;
	void *buf = NULL;
	long r;

	if ((r = get_deadline(t, a->a[4], &deadline)) < 0)
		return r;
	f = fd_get(t->files, fd);
	if (!f)
		return -EBADF;
	if (!mqueue_of(f) || (f->flags & O_ACCMODE) == O_WRONLY) {
		r = -EBADF;
		goto out;
	}
	mqueue_getattr(f, &at);
	if (len < (size_t)at.mq_msgsize) {
		r = -EMSGSIZE;
		goto out;
	}
	buf = malloc((size_t)at.mq_msgsize);
	if (!buf) {
		r = -ENOMEM;
		goto out;
	}
	r = mqueue_receive(t, f, buf, (size_t)at.mq_msgsize, &prio, deadline);
	if (r >= 0) {
		/* The message is gone from the queue either way, as in Linux. */
		if ((r && copy_to_guest(t, a->a[1], buf, (size_t)r) < 0) ||
		    (prio_addr && copy_to_guest(t, prio_addr, &prio, sizeof(prio)) < 0))
			r = -EFAULT;
	}
out:
	free(buf);
	file_put(f);
	return r;
}

long sys_mq_notify(struct task *t, const struct syscall_args *a)
{
	struct mq_sigevent_k sev;
	struct file *f;
	long r;

	if (a->a[1]) {
		if (copy_from_guest(t, &sev, a->a[1], sizeof(sev)) < 0)
			return -EFAULT;
		switch (sev.notify) {
		case SIGEV_NONE:
			break;
		case SIGEV_SIGNAL:
			if (sev.signo < 0 || sev.signo > NSIG_K)
				return -EINVAL;
			break;
		case SIGEV_THREAD:
			/* Needs a NETLINK_ROUTE socket that receives the
			 * cookie: not done (mq_notify(3) with SIGEV_THREAD). */
			return -EINVAL;
		default:
			return -EINVAL;
		}
	}
	f = fd_get(t->files, (int)a->a[0]);
	if (!f)
		return -EBADF;
	r = mqueue_notify(t, f, a->a[1] ? &sev : NULL);
	file_put(f);
	return r;
}

long sys_mq_getsetattr(struct task *t, const struct syscall_args *a)
{
	struct mq_attr_k in, old;
	struct file *f;
	long r = 0;

	if (a->a[1]) {
		if (copy_from_guest(t, &in, a->a[1], sizeof(in)) < 0)
			return -EFAULT;
		if (in.mq_flags & ~(int64_t)O_NONBLOCK)
			return -EINVAL;
	}
	f = fd_get(t->files, (int)a->a[0]);
	if (!f)
		return -EBADF;
	if (!mqueue_of(f)) {
		r = -EBADF;
		goto out;
	}
	mqueue_getattr(f, &old);
	if (a->a[1]) {
		if (in.mq_flags & O_NONBLOCK)
			f->flags |= O_NONBLOCK;
		else
			f->flags &= ~O_NONBLOCK;
	}
	if (a->a[2] && copy_to_guest(t, a->a[2], &old, sizeof(old)) < 0)
		r = -EFAULT;
out:
	file_put(f);
	return r;
}
