/* The "dev" filesystem mounted at /dev, and the memory and terminal
 * character devices: null, zero, full, random, urandom (major 1), tty
 * and console (major 5). Device nodes anywhere (a mknod on tmpfs) reach
 * these drivers through vfs_register_chrdev. The directory is a tmpfs
 * made with the nodes and links a container's /dev has, and pts/ and
 * shm/ as mount points for devpts and a tmpfs. */
#define _GNU_SOURCE
#include "fs/tmpfs.h"
#include "fs/tty.h"
#include "fs/vfs.h"
#include "sentry/memobj.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/sysmacros.h>
#include <time.h>

#define MEM_MAJOR 1
#define TTYAUX_MAJOR 5

/* ------------------------------------------------------------ memory devices */

enum memdev { MEM_NULL = 3, MEM_ZERO = 5, MEM_FULL = 7, MEM_RANDOM = 8, MEM_URANDOM = 9 };

static int mem_minor(struct file *f)
{
	return (int)(intptr_t)f->priv;
}

static ssize_t mem_read(struct task *t, struct file *f, void *buf, size_t n, int64_t *pos)
{
	switch (mem_minor(f)) {
	case MEM_NULL:
		return 0;
	case MEM_ZERO:
	case MEM_FULL:
		memset(buf, 0, n);
		return (ssize_t)n;
	default: {
		/* The sentry's own randomness: the host's getrandom pool. */
		size_t done = 0;

		while (done < n) {
			ssize_t r = getrandom((char *)buf + done, n - done, 0);

			if (r < 0) {
				if (errno == EINTR)
					continue;
				return done ? (ssize_t)done : -errno;
			}
			done += (size_t)r;
		}
		return (ssize_t)n;
	}
	}
}

static ssize_t mem_write(struct task *t, struct file *f, const void *buf, size_t n,
			 int64_t *pos)
{
	/* Writes to random/urandom mix into Linux's pool without crediting
	 * entropy; here they are accepted and dropped, which no reader can
	 * tell apart. */
	if (mem_minor(f) == MEM_FULL)
		return -ENOSPC;
	return (ssize_t)n;
}

/* null, zero and full always seek to 0; random and urandom ignore seeks
 * (Linux's null_lseek and noop_llseek). */
static int64_t mem_llseek(struct file *f, int64_t off, int whence)
{
	int m = mem_minor(f);

	if (m == MEM_RANDOM || m == MEM_URANDOM)
		return f->pos;
	f->pos = 0;
	return 0;
}

static unsigned int mem_poll(struct file *f, struct waitq **wq)
{
	if (wq)
		*wq = NULL;
	return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
}

static int mem_fstat(struct file *f, struct stat *st)
{
	vfs_fill_stat(file_inode(f), st);
	return 0;
}

static const struct memobj_ops zero_obj_ops = { 0 };

/* mmap of /dev/zero: a fresh zero-filled object (shared mappings share
 * it with their children, private ones copy on write). */
static int zero_mmap(struct file *f, struct memobj **obj)
{
	if (mem_minor(f) != MEM_ZERO)
		return -ENODEV;
	*obj = memobj_new(&zero_obj_ops, NULL, 1ull << 46, "/dev/zero (deleted)");
	return *obj ? 0 : -ENOMEM;
}

/* RNDGETENTCNT: the pool is always full (Linux 5.18+ reports 256). */
#define RNDGETENTCNT_K 0x80045200u

static long mem_ioctl(struct task *t, struct file *f, unsigned int cmd, uint64_t arg)
{
	int m = mem_minor(f), v = 256;

	if ((m == MEM_RANDOM || m == MEM_URANDOM) && cmd == RNDGETENTCNT_K)
		return copy_to_guest(t, arg, &v, sizeof(v)) < 0 ? -EFAULT : 0;
	return -ENOTTY;
}

static const struct file_ops mem_fops = {
	.read = mem_read,
	.write = mem_write,
	.llseek = mem_llseek,
	.poll = mem_poll,
	.fstat = mem_fstat,
	.mmap = zero_mmap,
	.ioctl = mem_ioctl,
};

static int mem_open(struct task *t, struct inode *inode, struct file *f)
{
	unsigned int m = minor(inode->rdev);

	if (m != MEM_NULL && m != MEM_ZERO && m != MEM_FULL && m != MEM_RANDOM &&
	    m != MEM_URANDOM)
		return -ENXIO;
	f->ops = &mem_fops;
	f->priv = (void *)(intptr_t)m;
	return 0;
}

static const struct chrdev mem_dev = {
	.major = MEM_MAJOR, .minor_first = MEM_NULL, .minor_last = MEM_URANDOM,
	.open = mem_open,
};

/* /dev/tty: the caller's controlling terminal. */
static int tty_open(struct task *t, struct inode *inode, struct file *f)
{
	return tty_open_ctty(t, f);
}

static const struct chrdev tty_dev = {
	.major = TTYAUX_MAJOR, .minor_first = 0, .minor_last = 0,
	.open = tty_open,
};

/* /dev/console: the sandbox's host terminal when it has one
 * (fs/host.c), ENXIO otherwise. */
static int console_open(struct task *t, struct inode *inode, struct file *f)
{
	return host_console_open(t, f);
}

static const struct chrdev console_dev = {
	.major = TTYAUX_MAJOR, .minor_first = 1, .minor_last = 1,
	.open = console_open,
};

/* ------------------------------------------------------------ the directory */

struct dent {
	const char *name;
	uint32_t mode;
	unsigned int major, minor;
	const char *target;     /* symlinks */
};

/* What the host's /dev (devtmpfs) holds for these names. */
static const struct dent dev_ents[] = {
	{ "console", S_IFCHR | 0600, TTYAUX_MAJOR, 1, NULL },
	{ "fd", S_IFLNK | 0777, 0, 0, "/proc/self/fd" },
	{ "full", S_IFCHR | 0666, MEM_MAJOR, MEM_FULL, NULL },
	{ "null", S_IFCHR | 0666, MEM_MAJOR, MEM_NULL, NULL },
	{ "ptmx", S_IFCHR | 0666, TTYAUX_MAJOR, 2, NULL },
	{ "pts", S_IFDIR | 0755, 0, 0, NULL },
	{ "random", S_IFCHR | 0666, MEM_MAJOR, MEM_RANDOM, NULL },
	{ "shm", S_IFDIR | 01777, 0, 0, NULL },
	{ "stderr", S_IFLNK | 0777, 0, 0, "/proc/self/fd/2" },
	{ "stdin", S_IFLNK | 0777, 0, 0, "/proc/self/fd/0" },
	{ "stdout", S_IFLNK | 0777, 0, 0, "/proc/self/fd/1" },
	{ "tty", S_IFCHR | 0666, TTYAUX_MAJOR, 0, NULL },
	{ "urandom", S_IFCHR | 0666, MEM_MAJOR, MEM_URANDOM, NULL },
	{ "zero", S_IFCHR | 0666, MEM_MAJOR, MEM_ZERO, NULL },
};
#define NDEV (sizeof(dev_ents) / sizeof(dev_ents[0]))

/* /dev is a tmpfs (as in a container) populated with the nodes, links
 * and mount-point directories above: root may add nodes, links and
 * files like on any /dev. Options are tmpfs's (default size=65536k,
 * mode=755, as container runtimes mount it). */
static int dev_mount(const struct fs_type *type, const char *source, unsigned long flags,
		     const char *data, struct super_block **out)
{
	const struct vfs_owner root_owner = { 0, 0 };
	struct super_block *sb;
	struct inode *dir;
	int r;

	r = tmpfs_sb_new(data && *data ? data : "size=65536k,mode=755", &sb);
	if (r < 0)
		return r;
	dir = sb->root->inode;
	for (size_t i = 0; i < NDEV && r == 0; i++) {
		const struct dent *e = &dev_ents[i];
		struct inode *node = NULL;

		if (S_ISDIR(e->mode))
			r = dir->iops->mkdir(dir, e->name, e->mode & 07777, &root_owner, &node);
		else if (S_ISLNK(e->mode))
			r = dir->iops->symlink(dir, e->name, e->target, &root_owner, &node);
		else
			r = dir->iops->create(dir, e->name, e->mode, makedev(e->major, e->minor),
					      &root_owner, &node);
		if (node)
			inode_put(node);
	}
	if (r < 0) {
		sb_put(sb);
		return r;
	}
	*out = sb;
	return 0;
}

static const struct fs_type dev_type = {
	.name = "dev",
	.flags = FS_NODEV,
	.mount = dev_mount,
};

static void __attribute__((constructor)) dev_register(void)
{
	vfs_register_fs(&dev_type);
	vfs_register_chrdev(&mem_dev);
	vfs_register_chrdev(&tty_dev);
	vfs_register_chrdev(&console_dev);
}
