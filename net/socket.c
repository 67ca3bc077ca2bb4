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
