/* Host file descriptors imported as guest files: the sandbox's stdio and
 * console. Pipes and terminals are reopened through /proc/self/fd so the
 * sentry gets its own non-blocking open file description; readiness comes
 * from the host I/O thread (sentry/hostio.c), so a blocked guest read
 * sleeps on a wait queue and can be interrupted by signals. */
#define _GNU_SOURCE
#include "fs/file.h"
#include "fs/tty.h"
#include "fs/vfs.h"
#include "sentry/hostio.h"
#include "sentry/log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
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
	dev_t rdev;    /* a character device's (terminals) */
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

/* Foreground process groups of host terminals, in the guest's terms:
 * what a guest shell set with TIOCSPGRP (the host's numbers mean nothing
 * to the guest). One entry per terminal (device number), as the stdio
 * of `runsc exec` may be another terminal than the console's. */
#define HOST_TTYS 16
static struct {
	dev_t rdev;
	int pgrp;
} tty_pgrps[HOST_TTYS];
static dev_t console_rdev;

static int *tty_pgrp_slot(dev_t rdev, bool create)
{
	int i, free_slot = -1;

	for (i = 0; i < HOST_TTYS; i++) {
		if (tty_pgrps[i].pgrp && tty_pgrps[i].rdev == rdev)
			return &tty_pgrps[i].pgrp;
		if (!tty_pgrps[i].pgrp && free_slot < 0)
			free_slot = i;
	}
	if (!create)
		return NULL;
	if (free_slot < 0)
		free_slot = (int)(rdev % HOST_TTYS);  /* full: reuse one */
	tty_pgrps[free_slot].rdev = rdev;
	tty_pgrps[free_slot].pgrp = 0;
	return &tty_pgrps[free_slot].pgrp;
}

struct pg_find {
	int pg, sid, sig;
};

static void pg_find_fn(struct thread_group *tg, void *arg)
{
	struct pg_find *f = arg;

	if (!tg->reaped && tg->pgid == f->pg)
		f->sid = tg->sid;
}

/* The session of process group pg, -1 if there is none. */
static int pgrp_session(int pg)
{
	struct pg_find f = { .pg = pg, .sid = -1 };

	for_each_tg(pg_find_fn, &f);
	return f.sid;
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
		/* The group a shell made foreground, else the caller's own:
		 * the host's numbers mean nothing to the guest. */
		if (ioctl(h->fd, TCGETS, &tio) < 0)
			return -ENOTTY;
		{
			/* The recorded group while it lives in the caller's
			 * session, else the caller's own. */
			int *slot = tty_pgrp_slot(h->rdev, false);

			n = slot && pgrp_session(*slot) == t->tg->sid ? *slot : t->tg->pgid;
		}
		return copy_to_guest(t, arg, &n, sizeof(n));
	case TIOCSPGRP:
		if (ioctl(h->fd, TCGETS, &tio) < 0)
			return -ENOTTY;
		if (copy_from_guest(t, &n, arg, sizeof(n)) < 0)
			return -EFAULT;
		if (n < 0)
			return -EINVAL;
		if (pgrp_session(n) < 0)
			return -ESRCH;
		if (pgrp_session(n) != t->tg->sid)
			return -EPERM;
		{
			int *slot = tty_pgrp_slot(h->rdev, true);

			*slot = n;
		}
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

/* A /dev/console file: the host terminal's data and ioctls, the
 * attributes of the guest's node. */
static int console_fstat(struct file *f, struct stat *st)
{
	struct inode *inode = file_inode(f);

	if (!inode)
		return host_fstat(f, st);
	vfs_fill_stat(inode, st);
	return 0;
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

static const struct file_ops console_ops = {
	.read = host_read,
	.write = host_write,
	.llseek = host_llseek,
	.fstat = console_fstat,
	.ioctl = host_ioctl,
	.poll = host_poll,
	.release = host_release,
};

/* The first imported stdio descriptor that is a terminal is the
 * sandbox's console; the sentry keeps its own description of it. */
static int console_fd = -1;

/* nonblocking: hostfd is already a private non-blocking description
 * (the console's duplicates), no reopen needed. */
static struct hostfd *hostfd_new(int hostfd, bool nonblocking)
{
	struct hostfd *h = calloc(1, sizeof(*h));
	struct stat st;
	char path[64];

	if (!h)
		return NULL;
	waitq_init(&h->wq);
	h->fd = hostfd;
	if (fstat(hostfd, &st) == 0) {
		h->regular = S_ISREG(st.st_mode) || S_ISBLK(st.st_mode);
		if (S_ISCHR(st.st_mode))
			h->rdev = st.st_rdev;
		h->is_sock = S_ISSOCK(st.st_mode);
		if (nonblocking) {
			h->nonblock = true;
		} else if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
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
	return h;
}

/* Terminal signals. `runsc do` leaves the sentry in the host terminal's
 * foreground process group, so ^C, ^\ and window changes typed there
 * signal the sentry; a handler notes them in a pipe and the host I/O
 * thread passes them on (under the BKL) to the console's foreground
 * group in the sandbox, or to init's group before a shell picked one. */
static int sig_pipe[2] = { -1, -1 };
static struct waitq sig_wq;
static struct waiter sig_waiter;

static void console_sig_handler(int sig)
{
	unsigned char c = (unsigned char)sig;
	int saved = errno;

	if (write(sig_pipe[1], &c, 1) < 0)
		errno = saved;
	errno = saved;
}

static void pg_kill_fn(struct thread_group *tg, void *arg)
{
	struct pg_find *f = arg;

	if (!tg->zombie && tg->live_threads > 0 && tg->pgid == f->pg)
		sig_send_tg(tg, f->sig, NULL);
}

static void console_forward(struct waiter *w)
{
	unsigned char sigs[32];
	ssize_t n;

	while ((n = read(sig_pipe[0], sigs, sizeof(sigs))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			int *slot = tty_pgrp_slot(console_rdev, false);
			struct pg_find f = { .sig = sigs[i], .pg = slot ? *slot : 0 };

			if (!f.pg || pgrp_session(f.pg) < 0)
				f.pg = kernel.init ? kernel.init->pgid : 0;
			if (f.pg > 0)
				for_each_tg(pg_kill_fn, &f);
		}
	}
}

static void console_signals_setup(void)
{
	struct sigaction sa;

	if (pipe2(sig_pipe, O_NONBLOCK | O_CLOEXEC) < 0)
		return;
	waitq_init(&sig_wq);
	waitq_add_fn(&sig_wq, &sig_waiter, console_forward);
	if (!hostio_watch(sig_pipe[0], &sig_wq)) {
		waitq_del(&sig_waiter);
		close(sig_pipe[0]);
		close(sig_pipe[1]);
		sig_pipe[0] = sig_pipe[1] = -1;
		return;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = console_sig_handler;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sigaction(SIGWINCH, &sa, NULL);
}

bool host_console_present(void)
{
	return console_fd >= 0;
}

int host_console_open(struct task *t, struct file *f)
{
	struct hostfd *h;
	int fd;

	if (console_fd < 0)
		return -ENXIO;
	fd = fcntl(console_fd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	h = hostfd_new(fd, true);
	if (!h) {
		close(fd);
		return -ENOMEM;
	}
	f->ops = &console_ops;
	f->priv = h;
	return 0;
}

struct file *hostfd_file_new(int hostfd, int flags, const char *name)
{
	struct hostfd *h;
	struct file *f;

	if (console_fd < 0 && isatty(hostfd)) {
		struct stat st;

		char path[64];

		/* A private non-blocking description of the terminal, made
		 * now (opening host paths is for start-up only), duplicated
		 * for each /dev/console or /dev/tty open. */
		snprintf(path, sizeof(path), "/proc/self/fd/%d", hostfd);
		console_fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		if (console_fd >= 0 && fstat(console_fd, &st) == 0) {
			console_rdev = st.st_rdev;
			console_signals_setup();
		} else if (console_fd >= 0) {
			close(console_fd);
			console_fd = -1;
		}
	}
	h = hostfd_new(hostfd, false);
	if (!h)
		return NULL;
	f = file_new(&hostfd_ops, flags, h, name);
	if (!f) {
		host_release(&(struct file){ .priv = h });
		return NULL;
	}
	return f;
}
