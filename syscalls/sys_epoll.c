/* epoll_create, epoll_create1, epoll_ctl, epoll_wait, epoll_pwait,
 * epoll_pwait2: argument checks in Linux's order around fs/epoll.c.
 * epoll_wait is never restarted after a signal: it returns EINTR. */
#define _GNU_SOURCE
#include "syscalls/table.h"
#include "fs/fdtypes.h"
#include "sentry/time.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <time.h>

#define EP_MAX_EVENTS ((int)(0x7fffffff / sizeof(struct epoll_event_k)))

static int nofile(struct task *t)
{
	return (int)t->tg->rlim[RLIMIT_NOFILE].rlim_cur;
}

static long do_create(struct task *t, int flags)
{
	struct file *f;
	int fd;

	if (flags & ~EPOLL_CLOEXEC)
		return -EINVAL;
	f = epoll_new();
	if (!f)
		return -ENOMEM;
	fd = fd_alloc(t->files, f, 0, flags & EPOLL_CLOEXEC, nofile(t));
	file_put(f);
	return fd;
}

long sys_epoll_create(struct task *t, const struct syscall_args *a)
{
	if ((int)a->a[0] <= 0)
		return -EINVAL;
	return do_create(t, 0);
}

long sys_epoll_create1(struct task *t, const struct syscall_args *a)
{
	return do_create(t, (int)a->a[0]);
}

static bool pollable(struct file *f)
{
	struct stat st;

	if (!f->ops->poll)
		return false;
	if (f->ops->fstat && f->ops->fstat(f, &st) == 0 &&
	    (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
		return false;
	return true;
}

long sys_epoll_ctl(struct task *t, const struct syscall_args *a)
{
	int op = (int)a->a[1], fd = (int)a->a[2];
	struct epoll_event_k ev = { 0 };
	struct file *ep, *tf;
	long r;

	if (op != EPOLL_CTL_DEL && copy_from_guest(t, &ev, a->a[3], sizeof(ev)) < 0)
		return -EFAULT;
	ep = fd_get(t->files, (int)a->a[0]);
	if (!ep)
		return -EBADF;
	tf = fd_get(t->files, fd);
	if (!tf) {
		file_put(ep);
		return -EBADF;
	}
	/* Files without a poll operation cannot be watched; on Linux that
	 * includes regular files and directories of disk filesystems. */
	if (!pollable(tf))
		r = -EPERM;
	else
		r = epoll_ctl_do(ep, op, fd, tf, op == EPOLL_CTL_DEL ? NULL : &ev);
	file_put(tf);
	file_put(ep);
	return r;
}

static long do_wait(struct task *t, int epfd, uint64_t uev, int max,
		    const struct timespec *deadline, bool zero)
{
	struct epoll_event_k *out;
	struct file *ep;
	long r;

	if (max <= 0 || max > EP_MAX_EVENTS)
		return -EINVAL;
	ep = fd_get(t->files, epfd);
	if (!ep)
		return -EBADF;
	if (!file_is_epoll(ep)) {
		file_put(ep);
		return -EINVAL;
	}
	/* Bound the sentry buffer; Linux fills at most what is ready. */
	if (max > 4096)
		max = 4096;
	out = calloc((size_t)max, sizeof(*out));
	if (!out) {
		file_put(ep);
		return -ENOMEM;
	}
	r = epoll_wait_do(t, ep, out, max, deadline, zero);
	if (r > 0 && copy_to_guest(t, uev, out, (size_t)r * sizeof(*out)) < 0)
		r = -EFAULT;
	free(out);
	file_put(ep);
	return r;
}

static long wait_ms(struct task *t, int epfd, uint64_t uev, int max, int ms)
{
	struct timespec d;
	uint64_t now;

	if (ms < 0)
		return do_wait(t, epfd, uev, max, NULL, false);
	if (ms == 0)
		return do_wait(t, epfd, uev, max, NULL, true);
	now = time_host_mono() + (uint64_t)ms * 1000000ULL;
	d.tv_sec = (time_t)(now / NSEC_PER_SEC);
	d.tv_nsec = (long)(now % NSEC_PER_SEC);
	return do_wait(t, epfd, uev, max, &d, false);
}

long sys_epoll_wait(struct task *t, const struct syscall_args *a)
{
	return wait_ms(t, (int)a->a[0], a->a[1], (int)a->a[2], (int)a->a[3]);
}

/* The temporary mask of epoll_pwait(2), kept for the handler when the
 * wait is interrupted (like sigsuspend). */
static int set_mask(struct task *t, uint64_t addr, uint64_t size)
{
	ksigset_t m;

	if (!addr)
		return 0;
	if (size != sizeof(ksigset_t))
		return -EINVAL;
	if (copy_from_guest(t, &m, addr, sizeof(m)) < 0)
		return -EFAULT;
	t->saved_mask = t->blocked;
	t->has_saved_mask = true;
	t->blocked = m & ~SIG_UNBLOCKABLE;
	return 0;
}

static long end_mask(struct task *t, long r)
{
	if (t->has_saved_mask && r != -EINTR) {
		t->blocked = t->saved_mask;
		t->has_saved_mask = false;
	}
	return r;
}

long sys_epoll_pwait(struct task *t, const struct syscall_args *a)
{
	long r = set_mask(t, a->a[4], a->a[5]);

	if (r < 0)
		return r;
	r = wait_ms(t, (int)a->a[0], a->a[1], (int)a->a[2], (int)a->a[3]);
	return end_mask(t, r);
}

long sys_epoll_pwait2(struct task *t, const struct syscall_args *a)
{
	struct timespec ts, d;
	bool zero = false, inf = true;
	long r;

	if (a->a[3]) {
		if (copy_from_guest(t, &ts, a->a[3], sizeof(ts)) < 0)
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (long)NSEC_PER_SEC)
			return -EINVAL;
		inf = false;
		zero = !ts.tv_sec && !ts.tv_nsec;
		if (!zero) {
			uint64_t now = time_host_mono(), sec = (uint64_t)ts.tv_sec;

			if (sec > (1ULL << 40))
				sec = 1ULL << 40;
			now += sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
			d.tv_sec = (time_t)(now / NSEC_PER_SEC);
			d.tv_nsec = (long)(now % NSEC_PER_SEC);
		}
	}
	r = set_mask(t, a->a[4], a->a[5]);
	if (r < 0)
		return r;
	r = do_wait(t, (int)a->a[0], a->a[1], (int)a->a[2], inf || zero ? NULL : &d, zero);
	return end_mask(t, r);
}
