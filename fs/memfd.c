/* memfd_create(2) files: an unnamed regular file whose data lives in the
 * page cache (fs/pagecache.c), so read/write and every mapping share the
 * same pages, with file seals (F_ADD_SEALS / F_GET_SEALS) checked around
 * the page-cache operations. The inode is an unlinked regular file of an
 * internal tmpfs (nlink 0, like Linux's); the open file description holds
 * the only reference. */
#define _GNU_SOURCE
#include "fs/fdtypes.h"
#include "fs/lock.h"
#include "fs/pagecache.h"
#include "fs/tmpfs.h"
#include "fs/vfs.h"
#include "sentry/memfile.h"
#include "sentry/memobj.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SEAL_SEAL 0x1
#define SEAL_SHRINK 0x2
#define SEAL_GROW 0x4
#define SEAL_WRITE 0x8
#define SEAL_FUTURE_WRITE 0x10
#define SEAL_EXEC 0x20
#define SEAL_ALL 0x3f
#define MEMFD_FCNTL(cmd) (0x40000000u | (cmd))

struct memfd {
	struct inode *inode;
};

/* The seals live on the inode (fs/tmpfs.c checks them too). */
#define SEALS(m) (*tmpfs_seals((m)->inode))

static const struct file_ops memfd_ops;

/* The internal tmpfs every memfd lives on (Linux's shm_mnt): no size or
 * inode limits, never mounted anywhere the guest can see. */
static struct super_block *memfd_sb;

static struct inode *memfd_inode_new(void)
{
	struct inode *inode;

	if (!memfd_sb && tmpfs_sb_new_kern(&memfd_sb) < 0)
		return NULL;
	if (tmpfs_new_unlinked(memfd_sb, 0777, NULL, &inode) < 0)
		return NULL;
	if (pagecache_init(inode, NULL) < 0) {
		inode_put(inode);
		return NULL;
	}
	return inode;
}

static void memfd_inode_free(struct inode *inode)
{
	inode_put(inode);
}

struct inode *memfd_inode(struct file *f)
{
	return f->ops == &memfd_ops ? ((struct memfd *)f->priv)->inode : NULL;
}

static ssize_t mfd_read(struct task *t, struct file *f, void *buf, size_t n, int64_t *pos)
{
	struct memfd *m = f->priv;

	return pagecache_read(m->inode, buf, n, pos);
}

static ssize_t mfd_write(struct task *t, struct file *f, const void *buf, size_t n,
			 int64_t *pos)
{
	struct memfd *m = f->priv;
	int64_t at = (f->flags & O_APPEND) ? (int64_t)m->inode->size : *pos;

	if (SEALS(m) & (SEAL_WRITE | SEAL_FUTURE_WRITE))
		return -EPERM;
	if (n && at >= 0 && (uint64_t)at + n > m->inode->size && (SEALS(m) & SEAL_GROW))
		return -EPERM;
	return pagecache_write(t, m->inode, f->flags, buf, n, pos);
}

static int64_t mfd_llseek(struct file *f, int64_t off, int whence)
{
	struct memfd *m = f->priv;

	return pagecache_llseek(m->inode, f, off, whence);
}

static int mfd_fstat(struct file *f, struct stat *st)
{
	struct memfd *m = f->priv;

	pagecache_fill_stat(m->inode, st);
	st->st_dev = 0x1;
	return 0;
}

static int mfd_truncate(struct file *f, uint64_t len)
{
	struct memfd *m = f->priv;
	uint64_t old = m->inode->size;

	if ((len < old && (SEALS(m) & SEAL_SHRINK)) || (len > old && (SEALS(m) & SEAL_GROW)))
		return -EPERM;
	return pagecache_truncate(m->inode, len);
}

static int mfd_mmap(struct file *f, struct memobj **obj)
{
	struct memfd *m = f->priv;

	return pagecache_mmap(m->inode, obj);
}

static unsigned int mfd_poll(struct file *f, struct waitq **wq)
{
	return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
}

/* fcntl F_ADD_SEALS / F_GET_SEALS arrive as ioctls (see sys_fcntl). */
static long mfd_ioctl(struct task *t, struct file *f, unsigned int cmd, uint64_t arg)
{
	struct memfd *m = f->priv;
	unsigned int add = (unsigned int)arg;

	switch (cmd) {
	case MEMFD_FCNTL(F_GET_SEALS):
		return SEALS(m);
	case MEMFD_FCNTL(F_ADD_SEALS):
		if (add & ~SEAL_ALL)
			return -EINVAL;
		if ((f->flags & O_ACCMODE) == O_RDONLY)
			return -EPERM;
		if (SEALS(m) & SEAL_SEAL)
			return -EPERM;
		/* Linux also fails F_SEAL_WRITE with EBUSY while writable
		 * shared mappings exist; those are not tracked here. */
		SEALS(m) |= add;
		return 0;
	default:
		return -ENOTTY;
	}
}

static void mfd_release(struct file *f)
{
	struct memfd *m = f->priv;

	memfd_inode_free(m->inode);
	free(m);
}

static const struct file_ops memfd_ops = {
	.read = mfd_read,
	.write = mfd_write,
	.llseek = mfd_llseek,
	.fstat = mfd_fstat,
	.ioctl = mfd_ioctl,
	.poll = mfd_poll,
	.mmap = mfd_mmap,
	.truncate = mfd_truncate,
	.release = mfd_release,
};

struct file *memfd_new(const char *name, bool sealing, int oflags)
{
	struct memfd *m = calloc(1, sizeof(*m));
	char path[300];
	struct file *f;

	if (!m)
		return NULL;
	snprintf(path, sizeof(path), "/memfd:%s (deleted)", name);
	m->inode = memfd_inode_new();
	if (!m->inode) {
		free(m);
		return NULL;
	}
	free(m->inode->cache->name);
	m->inode->cache->name = strdup(path);
	SEALS(m) = sealing ? 0 : SEAL_SEAL;
	f = file_new(&memfd_ops, O_RDWR | O_LARGEFILE | (oflags & O_NONBLOCK), m, path);
	if (!f) {
		memfd_inode_free(m->inode);
		free(m);
	}
	return f;
}

/* memfd_create's owner and MFD_NOEXEC_SEAL details. */
void memfd_setup(struct file *f, uid_t uid, gid_t gid, bool noexec)
{
	struct memfd *m = f->priv;

	m->inode->uid = uid;
	m->inode->gid = gid;
	if (noexec) {
		m->inode->mode = S_IFREG | 0666;
		SEALS(m) |= SEAL_EXEC;
	}
}
