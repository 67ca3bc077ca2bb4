/* timerfd(2): a timer on a guest clock whose expirations are counted and
 * read as a 64-bit number. Runs on the sentry timer thread (ktimer, host
 * CLOCK_MONOTONIC): each firing converts the guest deadline again, so a
 * clock that is not the host's monotonic clock is re-checked on wake. */
#define _GNU_SOURCE
#include "fs/fdtypes.h"
#include "sentry/time.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

struct timerfd {
	clockid_t clk;
	struct ktimer k;
	uint64_t expiry;     /* guest clock ns; 0: disarmed */
	uint64_t interval;
	uint64_t ticks;      /* expirations not yet read */
	struct waitq wq;
};

static const struct file_ops timerfd_ops;

bool file_is_timerfd(struct file *f)
{
	return f->ops == &timerfd_ops;
}

/* Arm the host timer for the guest deadline. */
static void tfd_arm(struct timerfd *tf)
{
	uint64_t now = time_now(tf->clk), host = time_host_mono();

	ktimer_arm(&tf->k, tf->expiry > now ? host + (tf->expiry - now) : host);
}

/* Count the expirations up to now; advance or disarm the timer. */
static void tfd_update(struct timerfd *tf)
{
	uint64_t now = time_now(tf->clk), n;

	if (!tf->expiry || now < tf->expiry)
		return;
	if (tf->interval) {
		n = 1 + (now - tf->expiry) / tf->interval;
		tf->expiry += n * tf->interval;
	} else {
		n = 1;
		tf->expiry = 0;
	}
	tf->ticks += n;
	waitq_wake_all(&tf->wq);
}

static void tfd_fire(struct ktimer *k)
{
	struct timerfd *tf = container_of(k, struct timerfd, k);

	tfd_update(tf);
	if (tf->expiry)
		tfd_arm(tf);
}

static ssize_t tfd_read(struct task *t, struct file *f, void *buf, size_t n, int64_t *pos)
{
	struct timerfd *tf = f->priv;
	uint64_t v;

	(void)pos;
	if (n < sizeof(v))
		return -EINVAL;
	for (;;) {
		struct waiter w;
		int err;

		tfd_update(tf);
		if (tf->ticks)
			break;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		waitq_add(&tf->wq, &w, t);
		err = task_sleep(t, NULL);
		waitq_del(&w);
		if (err == -EINTR)
			return -ERESTARTSYS;
	}
	v = tf->ticks;
	tf->ticks = 0;
	memcpy(buf, &v, sizeof(v));
	return sizeof(v);
}

static unsigned int tfd_poll(struct file *f, struct waitq **wq)
{
	struct timerfd *tf = f->priv;

	if (wq)
		*wq = &tf->wq;
	return tf->ticks ? POLLIN | POLLRDNORM : 0;
}

static int tfd_fstat(struct file *f, struct stat *st)
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

static void tfd_release(struct file *f)
{
	struct timerfd *tf = f->priv;

	ktimer_cancel(&tf->k);
	free(tf);
}

/* Anonymous inodes accept lseek and stay at 0 (Linux noop_llseek). */
static int64_t tfd_llseek(struct file *f, int64_t off, int whence)
{
	return 0;
}

static const struct file_ops timerfd_ops = {
	.llseek = tfd_llseek,
	.read = tfd_read,
	.poll = tfd_poll,
	.fstat = tfd_fstat,
	.release = tfd_release,
};

struct file *timerfd_new(clockid_t clk, int oflags)
{
	struct timerfd *tf = calloc(1, sizeof(*tf));
	struct file *f;

	if (!tf)
		return NULL;
	tf->clk = clk;
	ktimer_init(&tf->k, tfd_fire);
	waitq_init(&tf->wq);
	f = file_new(&timerfd_ops, O_RDWR | (oflags & O_NONBLOCK), tf, "anon_inode:[timerfd]");
	if (!f)
		free(tf);
	return f;
}

void timerfd_get(struct file *f, uint64_t *value, uint64_t *interval)
{
	struct timerfd *tf = f->priv;
	uint64_t now;

	tfd_update(tf);
	now = time_now(tf->clk);
	*value = tf->expiry ? (tf->expiry > now ? tf->expiry - now : 1) : 0;
	*interval = tf->interval;
}

int timerfd_set(struct file *f, bool abs, uint64_t value, uint64_t interval,
		uint64_t *ovalue, uint64_t *ointerval)
{
	struct timerfd *tf = f->priv;

	timerfd_get(f, ovalue, ointerval);
	ktimer_cancel(&tf->k);
	tf->ticks = 0;
	tf->interval = interval;
	tf->expiry = 0;
	if (!value)
		return 0;
	tf->expiry = abs ? value : time_now(tf->clk) + value;
	if (!tf->expiry)
		tf->expiry = 1;
	tfd_update(tf);
	if (tf->expiry)
		tfd_arm(tf);
	return 0;
}
