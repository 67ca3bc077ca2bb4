/* Path syscalls over the VFS (fs/vfs.h): create, remove, rename and link
 * names; attributes (chmod, chown, utimes, truncate, fallocate); chroot;
 * the sync family; preadv2/pwritev2 flags. */
#define _GNU_SOURCE
#include "syscalls/table.h"
#include "fs/lock.h"
#include "fs/fdtypes.h"
#include "fs/vfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/falloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <utime.h>

static long path_in(struct task *t, char *buf, uint64_t addr)
{
	long r = copy_string_from_guest(t, buf, addr, PATH_MAX);

	return r < 0 ? r : 0;
}

/* ---- names ---- */

long sys_mkdirat(struct task *t, const struct syscall_args *a)
{
	char p[PATH_MAX];
	long r = path_in(t, p, a->a[1]);

	return r < 0 ? r : vfs_mkdir_at(t, (int)a->a[0], p, (uint32_t)a->a[2]);
}

long sys_mkdir(struct task *t, const struct syscall_args *a)
{
	char p[PATH_MAX];
	long r = path_in(t, p, a->a[0]);

	return r < 0 ? r : vfs_mkdir_at(t, AT_FDCWD, p, (uint32_t)a->a[1]);
}

static long do_mknodat(struct task *t, int dirfd, uint64_t path, uint32_t mode, uint64_t dev)
{
	char p[PATH_MAX];
	long r = path_in(t, p, path);

	if (r < 0)
		return r;
	/* The guest's dev_t is the kernel's new_decode_dev of 32 bits. */
	return vfs_mknod_at(t, dirfd, p, mode,
			    makedev((unsigned int)((dev & 0xfff00) >> 8),
				    (unsigned int)((dev & 0xff) | ((dev >> 12) & 0xfff00))));
}

long sys_mknodat(struct task *t, const struct syscall_args *a)
{
	return do_mknodat(t, (int)a->a[0], a->a[1], (uint32_t)a->a[2], a->a[3] & 0xffffffffu);
}

long sys_mknod(struct task *t, const struct syscall_args *a)
{
	return do_mknodat(t, AT_FDCWD, a->a[0], (uint32_t)a->a[1], a->a[2] & 0xffffffffu);
}

long sys_unlinkat(struct task *t, const struct syscall_args *a)
{
	char p[PATH_MAX];
	int flags = (int)a->a[2];
	long r;

	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	r = path_in(t, p, a->a[1]);
	return r < 0 ? r : vfs_unlink_at(t, (int)a->a[0], p, flags);
}

long sys_unlink(struct task *t, const struct syscall_args *a)
{
	char p[PATH_MAX];
	long r = path_in(t, p, a->a[0]);

	return r < 0 ? r : vfs_unlink_at(t, AT_FDCWD, p, 0);
}

long sys_rmdir(struct task *t, const struct syscall_args *a)
{
	char p[PATH_MAX];
	long r = path_in(t, p, a->a[0]);

	return r < 0 ? r : vfs_unlink_at(t, AT_FDCWD, p, AT_REMOVEDIR);
}

static long do_renameat2(struct task *t, int odfd, uint64_t op, int ndfd, uint64_t np,
			 unsigned int flags)
{
	char o[PATH_MAX], n[PATH_MAX];
	long r;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	if ((flags & RENAME_EXCHANGE) && (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)))
		return -EINVAL;
	if ((r = path_in(t, o, op)) < 0 || (r = path_in(t, n, np)) < 0)
		return r;
	return vfs_rename_at(t, odfd, o, ndfd, n, flags);
}

long sys_rename(struct task *t, const struct syscall_args *a)
{
	return do_renameat2(t, AT_FDCWD, a->a[0], AT_FDCWD, a->a[1], 0);
}

long sys_renameat(struct task *t, const struct syscall_args *a)
{
	return do_renameat2(t, (int)a->a[0], a->a[1], (int)a->a[2], a->a[3], 0);
}

long sys_renameat2(struct task *t, const struct syscall_args *a)
{
	return do_renameat2(t, (int)a->a[0], a->a[1], (int)a->a[2], a->a[3], (unsigned int)a->a[4]);
}

static long do_linkat(struct task *t, int odfd, uint64_t op, int ndfd, uint64_t np, int flags)
{
	char o[PATH_MAX], n[PATH_MAX];
	long r;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if ((r = path_in(t, o, op)) < 0 || (r = path_in(t, n, np)) < 0)
		return r;
	return vfs_link_at(t, odfd, o, ndfd, n, flags);
}

long sys_link(struct task *t, const struct syscall_args *a)
{
	return do_linkat(t, AT_FDCWD, a->a[0], AT_FDCWD, a->a[1], 0);
}

long sys_linkat(struct task *t, const struct syscall_args *a)
{
	return do_linkat(t, (int)a->a[0], a->a[1], (int)a->a[2], a->a[3], (int)a->a[4]);
}

static long do_symlinkat(struct task *t, uint64_t target, int dfd, uint64_t path)
{
	char tg[PATH_MAX], p[PATH_MAX];
	long r;

	if ((r = path_in(t, tg, target)) < 0 || (r = path_in(t, p, path)) < 0)
		return r;
	return vfs_symlink_at(t, tg, dfd, p);
}

long sys_symlink(struct task *t, const struct syscall_args *a)
{
	return do_symlinkat(t, a->a[0], AT_FDCWD, a->a[1]);
}

long sys_symlinkat(struct task *t, const struct syscall_args *a)
{
	return do_symlinkat(t, a->a[0], (int)a->a[1], a->a[2]);
}

/* ---- attributes ---- */

/* The path an *at() call names (AT_EMPTY_PATH: dirfd itself, any file). */
static long resolve(struct task *t, int dirfd, uint64_t upath, int flags, struct path *out)
{
	char p[PATH_MAX];
	long r;

	if (!upath && (flags & AT_EMPTY_PATH))
		p[0] = 0;
	else if ((r = path_in(t, p, upath)) < 0)
		return r;
	return vfs_lookup_at(t, dirfd, p,
			     (flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW) |
				     (flags & AT_EMPTY_PATH ? LOOKUP_EMPTY : 0),
			     out);
}

/* An fd's path for f*(): O_PATH files are refused (EBADF) as Linux. */
static long fd_path(struct task *t, int fd, struct path *out, bool opath_ok)
{
	struct file *f = fd_get(t->files, fd);
	long r = 0;

	if (!f)
		return -EBADF;
	if ((f->flags & O_PATH) && !opath_ok)
		r = -EBADF;
	else if (!f->dentry)
		r = -EOPNOTSUPP;
	else {
		*out = *file_path(f);
		path_get(out);
	}
	file_put(f);
	return r;
}

static long chmod_at(struct task *t, int dirfd, uint64_t path, uint32_t mode, int flags)
{
	struct path p;
	long r;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	r = resolve(t, dirfd, path, flags, &p);
	if (r < 0)
		return r;
	/* Linux has no symlink modes: fchmodat2(AT_SYMLINK_NOFOLLOW). */
	r = S_ISLNK(p.dentry->inode->mode) ? -EOPNOTSUPP : vfs_chmod(t, &p, mode);
	path_put(&p);
	return r;
}

long sys_chmod(struct task *t, const struct syscall_args *a)
{
	return chmod_at(t, AT_FDCWD, a->a[0], (uint32_t)a->a[1], 0);
}

long sys_fchmodat(struct task *t, const struct syscall_args *a)
{
	return chmod_at(t, (int)a->a[0], a->a[1], (uint32_t)a->a[2], 0);
}

long sys_fchmodat2(struct task *t, const struct syscall_args *a)
{
	return chmod_at(t, (int)a->a[0], a->a[1], (uint32_t)a->a[2], (int)a->a[3]);
}

long sys_fchmod(struct task *t, const struct syscall_args *a)
{
	struct path p;
	long r = fd_path(t, (int)a->a[0], &p, false);

	if (r == -EOPNOTSUPP)
		return 0;
	if (r < 0)
		return r;
	r = vfs_chmod(t, &p, (uint32_t)a->a[1]);
	path_put(&p);
	return r;
}

static long chown_at(struct task *t, int dirfd, uint64_t path, uint32_t uid, uint32_t gid,
		     int flags)
{
	struct path p;
	long r;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	r = resolve(t, dirfd, path, flags, &p);
	if (r < 0)
		return r;
	r = vfs_chown(t, &p, uid, gid);
	path_put(&p);
	return r;
}

long sys_chown(struct task *t, const struct syscall_args *a)
{
	return chown_at(t, AT_FDCWD, a->a[0], (uint32_t)a->a[1], (uint32_t)a->a[2], 0);
}

long sys_lchown(struct task *t, const struct syscall_args *a)
{
	return chown_at(t, AT_FDCWD, a->a[0], (uint32_t)a->a[1], (uint32_t)a->a[2],
			AT_SYMLINK_NOFOLLOW);
}

long sys_fchownat(struct task *t, const struct syscall_args *a)
{
	return chown_at(t, (int)a->a[0], a->a[1], (uint32_t)a->a[2], (uint32_t)a->a[3],
			(int)a->a[4]);
}

long sys_fchown(struct task *t, const struct syscall_args *a)
{
	struct path p;
	long r = fd_path(t, (int)a->a[0], &p, false);

	/* Pipes, sockets and anonymous files: their inodes are not kept. */
	if (r == -EOPNOTSUPP)
		return 0;
	if (r < 0)
		return r;
	r = vfs_chown(t, &p, (uint32_t)a->a[1], (uint32_t)a->a[2]);
	path_put(&p);
	return r;
}

static bool valid_nsec(long ns)
{
	return ns == UTIME_NOW || ns == UTIME_OMIT || (ns >= 0 && ns < 1000000000L);
}

/* utimensat(2); times NULL means now for both. dirfd with a NULL path
 * is futimens(). */
static long utimens(struct task *t, int dirfd, uint64_t path, const struct timespec *ts,
		    int flags)
{
	struct path p;
	long r;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (ts && (!valid_nsec(ts[0].tv_nsec) || !valid_nsec(ts[1].tv_nsec)))
		return -EINVAL;
	if (!path) {
		if (dirfd == AT_FDCWD)
			return -EFAULT;
		r = fd_path(t, dirfd, &p, true);
		if (r == -EOPNOTSUPP)
			return 0;
	} else {
		r = resolve(t, dirfd, path, flags, &p);
	}
	if (r < 0)
		return r;
	r = vfs_utimes(t, &p, ts);
	path_put(&p);
	return r;
}

long sys_utimensat(struct task *t, const struct syscall_args *a)
{
	struct timespec ts[2];

	if (a->a[2] && copy_from_guest(t, ts, a->a[2], sizeof(ts)) < 0)
		return -EFAULT;
	return utimens(t, (int)a->a[0], a->a[1], a->a[2] ? ts : NULL, (int)a->a[3]);
}

static long utimes_tv(struct task *t, int dirfd, uint64_t path, uint64_t utv)
{
	struct timeval tv[2];
	struct timespec ts[2];

	if (!utv)
		return utimens(t, dirfd, path, NULL, 0);
	if (copy_from_guest(t, tv, utv, sizeof(tv)) < 0)
		return -EFAULT;
	for (int i = 0; i < 2; i++) {
		if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
			return -EINVAL;
		ts[i].tv_sec = tv[i].tv_sec;
		ts[i].tv_nsec = tv[i].tv_usec * 1000;
	}
	return utimens(t, dirfd, path, ts, 0);
}

long sys_utimes(struct task *t, const struct syscall_args *a)
{
	return utimes_tv(t, AT_FDCWD, a->a[0], a->a[1]);
}

long sys_futimesat(struct task *t, const struct syscall_args *a)
{
	return utimes_tv(t, (int)a->a[0], a->a[1], a->a[2]);
}

long sys_utime(struct task *t, const struct syscall_args *a)
{
	struct utimbuf ub;
	struct timespec ts[2];

	if (!a->a[1])
		return utimens(t, AT_FDCWD, a->a[0], NULL, 0);
	if (copy_from_guest(t, &ub, a->a[1], sizeof(ub)) < 0)
		return -EFAULT;
	ts[0].tv_sec = ub.actime;
	ts[0].tv_nsec = 0;
	ts[1].tv_sec = ub.modtime;
	ts[1].tv_nsec = 0;
	return utimens(t, AT_FDCWD, a->a[0], ts, 0);
}

long sys_truncate(struct task *t, const struct syscall_args *a)
{
	int64_t len = (int64_t)a->a[1];
	struct path p;
	long r;

	if (len < 0)
		return -EINVAL;
	r = resolve(t, AT_FDCWD, a->a[0], 0, &p);
	if (r < 0)
		return r;
	r = vfs_truncate(t, &p, (uint64_t)len, true);
	path_put(&p);
	return r;
}

long sys_fallocate(struct task *t, const struct syscall_args *a)
{
	int mode = (int)a->a[1];
	int64_t off = (int64_t)a->a[2], len = (int64_t)a->a[3];
	struct file *f;
	struct inode *inode;
	long r;

	if (off < 0 || len <= 0)
		return -EINVAL;
	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_COLLAPSE_RANGE |
		     FALLOC_FL_ZERO_RANGE | FALLOC_FL_INSERT_RANGE | FALLOC_FL_UNSHARE_RANGE))
		return -EOPNOTSUPP;
	if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	if (off + len < off)
		return -EFBIG;
	f = fd_get(t->files, (int)a->a[0]);
	if (!f)
		return -EBADF;
	inode = file_inode(f);
	if (!inode)
		inode = memfd_inode(f);   /* memfds have an inode but no path */
	if ((f->flags & O_PATH) || (f->flags & O_ACCMODE) == O_RDONLY)
		r = -EBADF;
	else if (!inode)
		r = f->ops->llseek ? -ENODEV : -ESPIPE;
	else if (S_ISDIR(inode->mode))
		r = -EISDIR;
	else if (S_ISFIFO(inode->mode))
		r = -ESPIPE;
	else if (!S_ISREG(inode->mode))
		r = -ENODEV;
	else if ((f->flags & O_APPEND) && (mode & ~FALLOC_FL_KEEP_SIZE))
		r = -EPERM;
	else if (file_path(f) && vfs_path_rdonly(file_path(f)))
		r = -EROFS;
	else if (!inode->iops || !inode->iops->fallocate)
		r = -EOPNOTSUPP;
	else
		r = inode->iops->fallocate(inode, mode, (uint64_t)off, (uint64_t)len);
	if (r == 0)
		vfs_file_written(t, f);
	file_put(f);
	return r;
}

/* ---- root ---- */

long sys_chroot(struct task *t, const struct syscall_args *a)
{
	char p[PATH_MAX];
	struct path path;
	long r = path_in(t, p, a->a[0]);

	if (r < 0)
		return r;
	r = vfs_lookup_at(t, AT_FDCWD, p, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &path);
	if (r < 0)
		return r;
	r = vfs_permission(t->cred, path.dentry->inode, MAY_EXEC);
	if (r == 0 && !capable(t, CAP_SYS_CHROOT))
		r = -EPERM;
	if (r == 0)
		r = vfs_chroot(t, &path);
	path_put(&path);
	return r;
}

/* ---- sync ---- */

static long fsync_fd(struct task *t, int fd, bool datasync)
{
	struct file *f = fd_get(t->files, fd);
	long r;

	if (!f)
		return -EBADF;
	if (f->flags & O_PATH)
		r = -EBADF;
	else if (f->ops->fsync)
		r = f->ops->fsync(f, datasync);
	else
		r = f->dentry ? 0 : -EINVAL;
	file_put(f);
	return r;
}

long sys_fsync(struct task *t, const struct syscall_args *a)
{
	return fsync_fd(t, (int)a->a[0], false);
}

long sys_fdatasync(struct task *t, const struct syscall_args *a)
{
	return fsync_fd(t, (int)a->a[0], true);
}

/* Everything lives in the sentry's memory or is written through to the
 * host at once: there is nothing to flush. */
long sys_sync(struct task *t, const struct syscall_args *a)
{
	(void)t;
	(void)a;
	return 0;
}

long sys_syncfs(struct task *t, const struct syscall_args *a)
{
	struct file *f = fd_get(t->files, (int)a->a[0]);

	(void)a;
	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

long sys_sync_file_range(struct task *t, const struct syscall_args *a)
{
	int64_t off = (int64_t)a->a[1], n = (int64_t)a->a[2];
	unsigned int flags = (unsigned int)a->a[3];
	struct file *f;
	long r = 0;

	if (flags & ~7u)
		return -EINVAL;
	if (off < 0 || n < 0 || off + n < off)
		return -EINVAL;
	f = fd_get(t->files, (int)a->a[0]);
	if (!f)
		return -EBADF;
	if (f->flags & O_PATH)
		r = -EBADF;
	else if (!f->dentry)
		r = -ESPIPE;
	else if (!S_ISREG(file_inode(f)->mode) && !S_ISDIR(file_inode(f)->mode) &&
		 !S_ISBLK(file_inode(f)->mode) && !S_ISLNK(file_inode(f)->mode))
		r = -ESPIPE;
	file_put(f);
	return r;
}

/* ---- preadv2/pwritev2 ---- */

#define RWF_HIPRI_K  0x1
#define RWF_DSYNC_K  0x2
#define RWF_SYNC_K   0x4
#define RWF_NOWAIT_K 0x8
#define RWF_APPEND_K 0x10

static long rw2(struct task *t, const struct syscall_args *a, bool wr)
{
	int flags = (int)a->a[5];
	int64_t off = (int64_t)a->a[3];
	struct syscall_args b = *a;

	if (flags & ~(RWF_HIPRI_K | RWF_DSYNC_K | RWF_SYNC_K | RWF_NOWAIT_K | RWF_APPEND_K))
		return -EOPNOTSUPP;
	if (!wr && (flags & RWF_APPEND_K))
		return -EOPNOTSUPP;
	/* RWF_NOWAIT: only files that never block on I/O; we do not track
	 * whether a read would block on a page fill, so refuse it as a
	 * filesystem without support. */
	if (flags & RWF_NOWAIT_K)
		return -EOPNOTSUPP;
	if (off < -1)
		return -EINVAL;
	if (wr && (flags & RWF_APPEND_K)) {
		struct file *f = fd_get(t->files, (int)a->a[0]);
		int saved;
		long r;

		if (!f)
			return -EBADF;
		saved = f->flags;
		f->flags |= O_APPEND;
		b.a[3] = (uint64_t)-1;
		r = off == -1 ? sys_writev(t, &b) : sys_pwritev(t, &b);
		f->flags = saved;
		file_put(f);
		return r;
	}
	if (off == -1)
		return wr ? sys_writev(t, &b) : sys_readv(t, &b);
	return wr ? sys_pwritev(t, &b) : sys_preadv(t, &b);
}

long sys_preadv2(struct task *t, const struct syscall_args *a)
{
	return rw2(t, a, false);
}

long sys_pwritev2(struct task *t, const struct syscall_args *a)
{
	return rw2(t, a, true);
}
