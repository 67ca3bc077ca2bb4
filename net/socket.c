/* Socket files: read/write/poll/ioctl/fstat on any socket forward to its
 * family's struct sock_ops, so the fd layer needs no knowledge of sockets. */
#define _GNU_SOURCE
#include "net/socket.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t next_ino = 1;

uint64_t socket_next_ino(void)
{
	return next_ino++;
}

void sock_msg_clear(struct sock_msg *m)
{
	for (int i = 0; i < m->nfds; i++)
		file_put(m->fds[i]);
	free(m->fds);
	m->fds = NULL;
	m->nfds = 0;
}

void socket_sigpipe(struct task *t)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = SIGPIPE;
	si.si_code = SI_USER;
	si.si_pid = t->tg->tgid;
	sig_send(t, SIGPIPE, &si, false);
}

void socket_init(struct socket *s, const struct sock_ops *ops, int family, int type,
		 int protocol)
{
	s->ops = ops;
	s->family = family;
	s->type = type;
	s->protocol = protocol;
	s->ino = socket_next_ino();
}

/* ---- blocking ---- */

const struct timespec *sock_deadline(const struct timespec *timeo, struct timespec *dl)
{
	if (!timeo || (!timeo->tv_sec && !timeo->tv_nsec))
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, dl);
	dl->tv_sec += timeo->tv_sec;
	dl->tv_nsec += timeo->tv_nsec;
	if (dl->tv_nsec >= 1000000000L) {
		dl->tv_sec++;
		dl->tv_nsec -= 1000000000L;
	}
	return dl;
}

int sock_sleep(struct task *t, struct waitq *q1, struct waitq *q2, const struct timespec *dl)
{
	struct waiter w1, w2;
	int r;

	waitq_add(q1, &w1, t);
	if (q2)
		waitq_add(q2, &w2, t);
	r = task_sleep(t, dl);
	if (q2)
		waitq_del(&w2);
	waitq_del(&w1);
	if (r == -EINTR)
		return dl ? -EINTR : -ERESTARTSYS;
	if (r == -ETIMEDOUT)
		return -EAGAIN;
	return 0;
}

void sock_wait_init(struct sock_wait *w, const struct timespec *timeo, bool nonblock)
{
	w->nonblock = nonblock;
	w->has_deadline = sock_deadline(timeo, &w->deadline) != NULL;
}

int sock_wait(struct task *t, struct sock_wait *w, struct waitq *q1, struct waitq *q2)
{
	if (w->nonblock)
		return -EAGAIN;
	return sock_sleep(t, q1, q2, w->has_deadline ? &w->deadline : NULL);
}

/* ---- option values ---- */

int sockopt_put(const void *v, size_t n, void *val, socklen_t *len)
{
	if (*len > (socklen_t)n)
		*len = (socklen_t)n;
	memcpy(val, v, *len);
	return 0;
}

int sockopt_put_int(int v, void *val, socklen_t *len)
{
	return sockopt_put(&v, sizeof(v), val, len);
}

int sockopt_put_int_whole(int v, void *val, socklen_t *len)
{
	if (*len < sizeof(int))
		return -EINVAL;
	memcpy(val, &v, sizeof(int));
	*len = sizeof(int);
	return 0;
}

int sockopt_put_timeo(const struct timespec *ts, void *val, socklen_t *len)
{
	struct timeval tv = { ts->tv_sec, ts->tv_nsec / 1000 };

	return sockopt_put(&tv, sizeof(tv), val, len);
}

int sockopt_get_int(const void *val, socklen_t len, int *v)
{
	if (len < (socklen_t)sizeof(int))
		return -EINVAL;
	memcpy(v, val, sizeof(int));
	return 0;
}

int sockopt_get_tv(const void *val, socklen_t len, struct timeval *out, bool *neg)
{
	struct timeval tv;

	if (len < (socklen_t)sizeof(tv))
		return -EINVAL;
	memcpy(&tv, val, sizeof(tv));
	if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
		return -EDOM;
	if (neg)
		*neg = tv.tv_sec < 0;
	if (tv.tv_sec < 0)
		tv.tv_sec = tv.tv_usec = 0;
	*out = tv;
	return 0;
}

int sockopt_get_timeo(const void *val, socklen_t len, struct timespec *ts, bool *neg)
{
	struct timeval tv;
	int r = sockopt_get_tv(val, len, &tv, neg);

	if (r < 0)
		return r;
	ts->tv_sec = tv.tv_sec;
	ts->tv_nsec = tv.tv_usec * 1000;
	return 0;
}

int sock_put_int_to(struct task *t, uint64_t arg, int v)
{
	return copy_to_guest(t, arg, &v, sizeof(v)) < 0 ? -EFAULT : 0;
}

static ssize_t sockf_read(struct task *t, struct file *f, void *buf, size_t n, int64_t *pos)
{
	struct socket *s = f->priv;
	struct sock_msg m = { .buf = buf, .len = n };
	ssize_t r;

	r = s->ops->recvmsg(t, s, &m, (f->flags & O_NONBLOCK) ? MSG_DONTWAIT : 0);
	sock_msg_clear(&m);
	return r;
}

static ssize_t sockf_write(struct task *t, struct file *f, const void *buf, size_t n,
			   int64_t *pos)
{
	struct socket *s = f->priv;
	struct sock_msg m = { .buf = (void *)buf, .len = n };

	return s->ops->sendmsg(t, s, &m, (f->flags & O_NONBLOCK) ? MSG_DONTWAIT : 0);
}

static unsigned int sockf_poll(struct file *f, struct waitq **wq)
{
	struct socket *s = f->priv;

	return s->ops->poll(s, wq);
}

static long sockf_ioctl(struct task *t, struct file *f, unsigned int cmd, uint64_t arg)
{
	struct socket *s = f->priv;

	return s->ops->ioctl ? s->ops->ioctl(t, s, cmd, arg) : -ENOTTY;
}

static int sockf_fstat(struct file *f, struct stat *st)
{
	struct socket *s = f->priv;

	memset(st, 0, sizeof(*st));
	st->st_dev = 0x8; /* an anonymous device, like Linux's sockfs */
	st->st_ino = s->ino;
	st->st_mode = S_IFSOCK | 0777;
	st->st_nlink = 1;
	st->st_blksize = 4096;
	return 0;
}

static void sockf_release(struct file *f)
{
	struct socket *s = f->priv;

	s->file = NULL;
	s->ops->release(s);
}

static const struct file_ops socket_file_ops = {
	.read = sockf_read,
	.write = sockf_write,
	.poll = sockf_poll,
	.ioctl = sockf_ioctl,
	.fstat = sockf_fstat,
	.release = sockf_release,
};

struct file *socket_file_new(struct socket *s, bool nonblock)
{
	char name[40];
	struct file *f;

	snprintf(name, sizeof(name), "socket:[%llu]", (unsigned long long)s->ino);
	f = file_new(&socket_file_ops, O_RDWR | (nonblock ? O_NONBLOCK : 0), s, name);
	if (f)
		s->file = f;
	return f;
}

struct socket *socket_of(struct file *f)
{
	return f && f->ops == &socket_file_ops ? f->priv : NULL;
}
