/* Host file descriptors imported as guest files: the sandbox's stdio and
 * console. Pipes and terminals are reopened through /proc/self/fd so the
 * sentry gets its own non-blocking open file description; readiness comes
 * from the host I/O thread (sentry/hostio.c), so a blocked guest read
 * sleeps on a wait queue and can be interrupted by signals. */
#define _GNU_SOURCE
#include "fs/file.h"
#include "sentry/hostio.h"
#include "sentry/log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

struct hostfd {
	int fd;        /* the sentry's descriptor */
	bool nonblock; /* fd is a private non-blocking description */
	bool is_sock;
	bool regular;
	struct hostio_watch *watch;
	struct waitq wq;
};

static ssize_t host_io(struct task *t, struct file *f, void *buf, size_t n, int64_t *pos,
		       bool wr)
{
	struct hostfd *h = f->priv;

	for (;;) {
		ssize_t r;
		struct waiter w;
		int err;

		if (h->regular && pos && pos != &f->pos)
			r = wr ? pwrite(h->fd, buf, n, *pos) : pread(h->fd, buf, n, *pos);
		else if (h->is_sock)
			r = wr ? send(h->fd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL)
			       : recv(h->fd, buf, n, MSG_DONTWAIT);
		else if (h->nonblock || h->regular)
			r = wr ? write(h->fd, buf, n) : read(h->fd, buf, n);
		else {
			/* Could not get a private non-blocking description:
			 * block on the host with the lock dropped. */
			bkl_unlock();
			r = wr ? write(h->fd, buf, n) : read(h->fd, buf, n);
			err = errno;
			bkl_lock();
			errno = err;
		}
		if (r >= 0) {
			if (h->regular && pos)
				*pos += r;
			return r;
		}
		if (h->regular && errno == EAGAIN)
			return -EAGAIN;
		if (errno == EPIPE)
			return -EPIPE;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		waitq_add(&h->wq, &w, t);
		err = task_sleep(t, NULL);
		waitq_del(&w);
		if (err == -EINTR)
			return -ERESTARTSYS;
	}
}

static ssize_t host_read(struct task *t, struct file *f, void *buf, size_t n, int64_t *pos)
{
	return host_io(t, f, buf, n, pos, false);
}

static ssize_t host_write(struct task *t, struct file *f, const void *buf, size_t n,
			  int64_t *pos)
{
	return host_io(t, f, (void *)buf, n, pos, true);
}

/* A regular file keeps using the host description's offset, which it
 * shares with whoever opened it (a shell's `>` or `>>`), so output lands
 * where it would natively. */
static int64_t host_llseek(struct file *f, int64_t off, int whence)
{
	struct hostfd *h = f->priv;
	off_t r;

	if (!h->regular)
		return -ESPIPE;
	if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END &&
	    whence != SEEK_DATA && whence != SEEK_HOLE)
		return -EINVAL;
	r = lseek(h->fd, off, whence);
	if (r < 0)
		return -errno;
	f->pos = r;
	return r;
}

static int host_fstat(struct file *f, struct stat *st)
{
	struct hostfd *h = f->priv;

	return fstat(h->fd, st) < 0 ? -errno : 0;
}

/* The kernel's struct termios (asm-generic termbits.h): 4 flag words, the
 * line discipline and 19 control characters. glibc's struct termios is
 * larger (32 c_cc, speeds) with the same prefix; only this much belongs
 * to the guest. */
#define KTERMIOS_SIZE 36

static long host_ioctl(struct task *t, struct file *f, unsigned int cmd, uint64_t arg)
{
	struct hostfd *h = f->priv;
	struct termios tio;
	struct winsize ws;
	int n;

	switch (cmd) {
	case TCGETS:
		if (ioctl(h->fd, TCGETS, &tio) < 0)
			return -errno;
		return copy_to_guest(t, arg, &tio, KTERMIOS_SIZE);
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		memset(&tio, 0, sizeof(tio));
		if (copy_from_guest(t, &tio, arg, KTERMIOS_SIZE) < 0)
			return -EFAULT;
		return ioctl(h->fd, cmd, &tio) < 0 ? -errno : 0;
	case TIOCGWINSZ:
		if (ioctl(h->fd, TIOCGWINSZ, &ws) < 0)
			return -errno;
		return copy_to_guest(t, arg, &ws, sizeof(ws));
	case TIOCSWINSZ:
		if (copy_from_guest(t, &ws, arg, sizeof(ws)) < 0)
			return -EFAULT;
		return ioctl(h->fd, TIOCSWINSZ, &ws) < 0 ? -errno : 0;
	case FIONREAD:
		if (ioctl(h->fd, FIONREAD, &n) < 0)
			return -errno;
		return copy_to_guest(t, arg, &n, sizeof(n));
	case TIOCGPGRP:
		/* The guest's own process group owns its terminal. */
		n = t->tg->pgid;
		if (ioctl(h->fd, TCGETS, &tio) < 0)
			return -ENOTTY;
		return copy_to_guest(t, arg, &n, sizeof(n));
	case TIOCSPGRP:
		if (ioctl(h->fd, TCGETS, &tio) < 0)
			return -ENOTTY;
		return 0;
	default:
		return -ENOTTY;
	}
}

static unsigned int host_poll(struct file *f, struct waitq **wq)
{
	struct hostfd *h = f->priv;
	struct pollfd p = { .fd = h->fd, .events = POLLIN | POLLOUT | POLLPRI };

	if (wq)
		*wq = &h->wq;
	if (h->regular)
		return POLLIN | POLLOUT;
	if (poll(&p, 1, 0) < 0)
		return POLLERR;
	return (unsigned int)p.revents;
}

static int host_fsync(struct file *f, bool datasync)
{
	struct hostfd *h = f->priv;

	if (h->regular)
		return (datasync ? fdatasync(h->fd) : fsync(h->fd)) < 0 ? -errno : 0;
	return -EINVAL;
}

static void host_release(struct file *f)
{
	struct hostfd *h = f->priv;

	if (h->watch)
		hostio_unwatch(h->watch);
	close(h->fd);
	free(h);
}

static const struct file_ops hostfd_ops = {
	.read = host_read,
	.write = host_write,
	.llseek = host_llseek,
	.fstat = host_fstat,
	.ioctl = host_ioctl,
	.poll = host_poll,
	.fsync = host_fsync,
	.release = host_release,
};

struct file *hostfd_file_new(int hostfd, int flags, const char *name)
{
	struct hostfd *h = calloc(1, sizeof(*h));
	struct stat st;
	struct file *f;
	char path[64];

	if (!h)
		return NULL;
	waitq_init(&h->wq);
	h->fd = hostfd;
	if (fstat(hostfd, &st) == 0) {
		h->regular = S_ISREG(st.st_mode) || S_ISBLK(st.st_mode);
		h->is_sock = S_ISSOCK(st.st_mode);
		if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
			int acc = fcntl(hostfd, F_GETFL) & O_ACCMODE;
			int nfd;

			snprintf(path, sizeof(path), "/proc/self/fd/%d", hostfd);
			nfd = open(path, acc | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
			if (nfd >= 0) {
				close(hostfd);
				h->fd = nfd;
				h->nonblock = true;
			}
		}
	}
	if (h->nonblock || h->is_sock)
		h->watch = hostio_watch(h->fd, &h->wq);
	f = file_new(&hostfd_ops, flags, h, name);
	if (!f) {
		host_release(&(struct file){ .priv = h });
		return NULL;
	}
	return f;
}
