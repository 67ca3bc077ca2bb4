/* eventfd(2): a 64-bit counter file. Writes add to it (blocking while the
 * sum would pass 0xfffffffffffffffe), reads return and clear it, or take
 * one in semaphore mode. One wait queue serves readers, writers, pollers. */
#define _GNU_SOURCE
#include "fs/fdtypes.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#define EFD_MAX 0xfffffffffffffffeULL

struct eventfd {
	uint64_t count;
	bool sem;
	struct waitq wq;
};

static int efd_wait(struct task *t, struct eventfd *e)
{
	struct waiter w;
	int err;

	waitq_add(&e->wq, &w, t);
	err = task_sleep(t, NULL);
	waitq_del(&w);
	return err;
}

static ssize_t efd_read(struct task *t, struct file *f, void *buf, size_t n, int64_t *pos)
{
	struct eventfd *e = f->priv;
	uint64_t v;

	(void)pos;
	if (n < sizeof(v))
		return -EINVAL;
	while (!e->count) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (efd_wait(t, e) == -EINTR)
			return -ERESTARTSYS;
	}
	v = e->sem ? 1 : e->count;
	e->count -= v;
	memcpy(buf, &v, sizeof(v));
	waitq_wake_all(&e->wq);
	return sizeof(v);
}

static ssize_t efd_write(struct task *t, struct file *f, const void *buf, size_t n,
			 int64_t *pos)
{
	struct eventfd *e = f->priv;
	uint64_t v;

	(void)pos;
	/* Linux 6.x rejects writes of any size but 8. */
	if (n != sizeof(v))
		return -EINVAL;
	memcpy(&v, buf, sizeof(v));
	if (v == ~0ULL)
		return -EINVAL;
	while (EFD_MAX - e->count < v) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (efd_wait(t, e) == -EINTR)
			return -ERESTARTSYS;
	}
	e->count += v;
	if (v)
		waitq_wake_all(&e->wq);
	return sizeof(v);
}

static unsigned int efd_poll(struct file *f, struct waitq **wq)
{
	struct eventfd *e = f->priv;
	unsigned int mask = 0;

	if (wq)
		*wq = &e->wq;
	if (e->count)
		mask |= POLLIN | POLLRDNORM;
	if (e->count < EFD_MAX)
		mask |= POLLOUT | POLLWRNORM;
	return mask;
}

/* Anonymous inodes: mode 0600 with no file type bits, like Linux. */
static int efd_fstat(struct file *f, struct stat *st)
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

static void efd_release(struct file *f)
{
	free(f->priv);
}

/* Anonymous inodes accept lseek and stay at 0 (Linux noop_llseek). */
static int64_t efd_llseek(struct file *f, int64_t off, int whence)
{
	return 0;
}

static const struct file_ops eventfd_ops = {
	.llseek = efd_llseek,
	.read = efd_read,
	.write = efd_write,
	.poll = efd_poll,
	.fstat = efd_fstat,
	.release = efd_release,
};

struct file *eventfd_new(uint64_t count, bool semaphore, int oflags)
{
	struct eventfd *e = calloc(1, sizeof(*e));
	struct file *f;

	if (!e)
		return NULL;
	e->count = count;
	e->sem = semaphore;
	waitq_init(&e->wq);
	f = file_new(&eventfd_ops, O_RDWR | (oflags & O_NONBLOCK), e, "anon_inode:[eventfd]");
	if (!f)
		free(e);
	return f;
}
