/* File syscalls on the fd table: read/write family, lseek, close, dup,
 * fcntl, ioctl, stat family, open, getdents, cwd, xattrs (paths through
 * the VFS, fs/vfs.h). */
#define _GNU_SOURCE
#include "syscalls/table.h"
#include "fs/inotify.h"
#include "fs/file.h"
#include "fs/lock.h"
#include "fs/vfs.h"
#include "fs/pipe.h"
#include "net/socket.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/xattr.h>
#include <linux/openat2.h>
#include <unistd.h>

#define IO_CHUNK (256 * 1024)
#define IOV_MAX_K 1024

static struct file *getf(struct task *t, int fd)
{
	return fd_get(t->files, fd);
}

/* A write to a pipe with no reader raises SIGPIPE (pipe(7)). */
static void send_sigpipe(struct task *t)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = SIGPIPE;
	si.si_code = SI_USER;
	si.si_pid = t->tg->tgid;
	sig_send(t, SIGPIPE, &si, false);
}

/* Read into guest memory through a bounce buffer. */
static long do_read(struct task *t, struct file *f, uint64_t buf, uint64_t len, int64_t *pos)
{
	uint8_t stackbuf[4096], *b = stackbuf;
	size_t cap = sizeof(stackbuf);
	long done = 0;

	if ((f->flags & O_ACCMODE) == O_WRONLY || (f->flags & O_PATH))
		return -EBADF;
	if (!f->ops->read)
		return file_inode(f) && S_ISDIR(file_inode(f)->mode) ? -EISDIR : -EINVAL;
	if (len > SSIZE_MAX)
		len = SSIZE_MAX;
	if (len > cap) {
		cap = len < IO_CHUNK ? len : IO_CHUNK;
		b = malloc(cap);
		if (!b)
			return -ENOMEM;
	}
	while ((uint64_t)done < len) {
		size_t want = len - (uint64_t)done < cap ? len - (uint64_t)done : cap;
		ssize_t r = f->ops->read(t, f, b, want, pos);

		if (r < 0) {
			if (!done)
				done = r;
			break;
		}
		if (r && copy_to_guest(t, buf + (uint64_t)done, b, (size_t)r) < 0) {
			if (!done)
				done = -EFAULT;
			break;
		}
		done += r;
		/* A stream (no llseek: pipes) returns what it has; asking
		 * again could block after a full chunk. */
		if ((size_t)r < want || !f->ops->llseek)
			break;
	}
	if (b != stackbuf)
		free(b);
	if (done > 0 && f->dentry)
		fsnotify_dentry(f->dentry, 0x1u /* IN_ACCESS */);
	return done;
}

static long do_write(struct task *t, struct file *f, uint64_t buf, uint64_t len, int64_t *pos)
{
	uint8_t stackbuf[4096], *b = stackbuf;
	size_t cap = sizeof(stackbuf);
	long done = 0;

	if ((f->flags & O_ACCMODE) == O_RDONLY || (f->flags & O_PATH))
		return -EBADF;
	if (!f->ops->write)
		return -EINVAL;
	/* A zero-length write to a socket sends an empty datagram or
	 * record (sock_write_iter has no zero check; reads do); character
	 * devices see it too (vfs_write has no zero shortcut: /dev/full
	 * answers ENOSPC). */
	if (!len && (socket_of(f) || (file_inode(f) && S_ISCHR(file_inode(f)->mode))))
		return f->ops->write(t, f, stackbuf, 0, pos);
	if (len > SSIZE_MAX)
		len = SSIZE_MAX;
	if (len > cap) {
		cap = len < IO_CHUNK ? len : IO_CHUNK;
		b = malloc(cap);
		if (!b)
			return -ENOMEM;
	}
	while ((uint64_t)done < len) {
		size_t want = len - (uint64_t)done < cap ? len - (uint64_t)done : cap;
		ssize_t r;

		if (copy_from_guest(t, b, buf + (uint64_t)done, want) < 0) {
			if (!done)
				done = -EFAULT;
			break;
		}
		r = f->ops->write(t, f, b, want, pos);
		if (r < 0) {
			if (!done)
				done = r;
			break;
		}
		done += r;
		if ((size_t)r < want)
			break;
	}
	if (b != stackbuf)
		free(b);
	if (done > 0 && f->dentry)
		vfs_file_written(t, f);
	/* Sockets raise SIGPIPE themselves: only stream sockets do. */
	if (done == -EPIPE && !socket_of(f))
		send_sigpipe(t);
	return done;
}

/* readv/writev on a stream (a pipe): one transfer through one buffer, so
 * a read returns what is there instead of blocking for the next iovec,
 * and a writev of at most PIPE_BUF bytes stays atomic. */
static long stream_vector_io(struct task *t, struct file *f, const struct iovec *iov,
			     uint64_t cnt, uint64_t total, bool wr)
{
	size_t cap = total < IO_CHUNK ? total : IO_CHUNK;
	uint64_t i = 0, ioff = 0;
	long done = 0;
	ssize_t r = 0;
	uint8_t *b;

	if (!total)
		return 0;
	if (wr ? !f->ops->write : !f->ops->read)
		return -EINVAL;
	b = malloc(cap);
	if (!b)
		return -ENOMEM;
	while ((uint64_t)done < total) {
		size_t want = 0;

		if (wr) {
			/* Gather the next chunk. */
			uint64_t gi = i, go = ioff;

			while (want < cap && gi < cnt) {
				size_t c = iov[gi].iov_len - go;

				if (c > cap - want)
					c = cap - want;
				if (c && copy_from_guest(t, b + want, (uint64_t)iov[gi].iov_base + go, c) < 0) {
					if (!want) {
						r = -EFAULT;
						goto fail;
					}
					break;
				}
				want += c;
				go += c;
				if (go == iov[gi].iov_len) {
					gi++;
					go = 0;
				}
			}
			r = f->ops->write(t, f, b, want, NULL);
		} else {
			want = cap;
			r = f->ops->read(t, f, b, want, NULL);
		}
		if (r < 0)
			goto fail;
		/* Advance over (and for reads, scatter) r bytes. */
		for (size_t off = 0; off < (size_t)r;) {
			size_t c = iov[i].iov_len - ioff;

			if (c > (size_t)r - off)
				c = (size_t)r - off;
			if (!wr && c &&
			    copy_to_guest(t, (uint64_t)iov[i].iov_base + ioff, b + off, c) < 0) {
				r = -EFAULT;
				goto fail;
			}
			off += c;
			ioff += c;
			if (ioff == iov[i].iov_len) {
				i++;
				ioff = 0;
			}
		}
		done += r;
		if (!wr || (size_t)r < want)
			break;
	}
	free(b);
	return done;
fail:
	free(b);
	if (done)
		return done;
	if (r == -EPIPE && !socket_of(f))
		send_sigpipe(t);
	return r;
}

static int64_t *file_pos(struct file *f)
{
	return &f->pos;
}

long sys_read(struct task *t, const struct syscall_args *a)
{
	struct file *f = getf(t, (int)a->a[0]);
	long r;

	if (!f)
		return -EBADF;
	r = do_read(t, f, a->a[1], a->a[2], file_pos(f));
	file_put(f);
	return r;
}

long sys_write(struct task *t, const struct syscall_args *a)
{
	struct file *f = getf(t, (int)a->a[0]);
	long r;

	if (!f)
		return -EBADF;
	r = do_write(t, f, a->a[1], a->a[2], file_pos(f));
	file_put(f);
	return r;
}

static long positional(struct task *t, const struct syscall_args *a, bool wr)
{
	struct file *f = getf(t, (int)a->a[0]);
	int64_t pos = (int64_t)a->a[3];
	long r;

	if (!f)
		return -EBADF;
	if (pos < 0)
		r = -EINVAL;
	else if (!f->ops->llseek || f->ops->llseek(f, 0, SEEK_CUR) == -ESPIPE)
		r = -ESPIPE;
	else
		r = wr ? do_write(t, f, a->a[1], a->a[2], &pos) : do_read(t, f, a->a[1], a->a[2], &pos);
	file_put(f);
	return r;
}

long sys_pread64(struct task *t, const struct syscall_args *a)
{
	return positional(t, a, false);
}

long sys_pwrite64(struct task *t, const struct syscall_args *a)
{
	return positional(t, a, true);
}

static long vector_io(struct task *t, int fd, uint64_t iov_addr, uint64_t cnt, int64_t off,
		      bool use_off, bool wr)
{
	struct file *f;
	struct iovec *iov;
	long done = 0;
	uint64_t total = 0;

	if (cnt > IOV_MAX_K)
		return -EINVAL;
	f = getf(t, fd);
	if (!f)
		return -EBADF;
	if (use_off && off < 0) {
		file_put(f);
		return -EINVAL;
	}
	iov = calloc(cnt ? cnt : 1, sizeof(*iov));
	if (!iov) {
		file_put(f);
		return -ENOMEM;
	}
	if (cnt && copy_from_guest(t, iov, iov_addr, cnt * sizeof(*iov)) < 0) {
		done = -EFAULT;
		goto out;
	}
	for (uint64_t i = 0; i < cnt; i++) {
		if (iov[i].iov_len > SSIZE_MAX || total + iov[i].iov_len > SSIZE_MAX) {
			done = -EINVAL;
			goto out;
		}
		total += iov[i].iov_len;
	}
	if (!wr && ((f->flags & O_ACCMODE) == O_WRONLY)) {
		done = -EBADF;
		goto out;
	}
	if (wr && ((f->flags & O_ACCMODE) == O_RDONLY)) {
		done = -EBADF;
		goto out;
	}
	if (!use_off && !f->ops->llseek) {
		done = stream_vector_io(t, f, iov, cnt, total, wr);
		goto out;
	}
	for (uint64_t i = 0; i < cnt; i++) {
		int64_t *pos = use_off ? &off : file_pos(f);
		long r;

		if (!iov[i].iov_len)
			continue;
		r = wr ? do_write(t, f, (uint64_t)iov[i].iov_base, iov[i].iov_len, pos)
		       : do_read(t, f, (uint64_t)iov[i].iov_base, iov[i].iov_len, pos);
		if (r < 0) {
			if (!done)
				done = r;
			break;
		}
		done += r;
		if ((size_t)r < iov[i].iov_len)
			break;
	}
out:
	free(iov);
	file_put(f);
	return done;
}

long sys_readv(struct task *t, const struct syscall_args *a)
{
	return vector_io(t, (int)a->a[0], a->a[1], a->a[2], 0, false, false);
}

long sys_writev(struct task *t, const struct syscall_args *a)
{
	return vector_io(t, (int)a->a[0], a->a[1], a->a[2], 0, false, true);
}

long sys_preadv(struct task *t, const struct syscall_args *a)
{
	return vector_io(t, (int)a->a[0], a->a[1], a->a[2], (int64_t)a->a[3], true, false);
}

long sys_pwritev(struct task *t, const struct syscall_args *a)
{
	return vector_io(t, (int)a->a[0], a->a[1], a->a[2], (int64_t)a->a[3], true, true);
}

long sys_lseek(struct task *t, const struct syscall_args *a)
{
	struct file *f = getf(t, (int)a->a[0]);
	long r;

	if (!f)
		return -EBADF;
	if (f->flags & O_PATH)
		r = -EBADF;
	else if (a->a[2] > SEEK_HOLE)
		r = -EINVAL;
	else
		r = f->ops->llseek ? f->ops->llseek(f, (int64_t)a->a[1], (int)a->a[2]) : -ESPIPE;
	file_put(f);
	return r;
}

/* Closing any fd of a file drops the process's POSIX locks on it. */
static int close_fd(struct task *t, int fd)
{
	struct file *f = getf(t, fd);

	if (!f)
		return -EBADF;
	lock_close_posix(t, f);
	file_put(f);
	return fd_close(t->files, fd);
}

long sys_close(struct task *t, const struct syscall_args *a)
{
	return close_fd(t, (int)a->a[0]);
}

long sys_close_range(struct task *t, const struct syscall_args *a)
{
	unsigned int first = (unsigned int)a->a[0], last = (unsigned int)a->a[1];
	unsigned int flags = (unsigned int)a->a[2];

	if (flags & ~(4U /* CLOSE_RANGE_CLOEXEC */ | 2U /* CLOSE_RANGE_UNSHARE */))
		return -EINVAL;
	if (first > last)
		return -EINVAL;
	if ((flags & 2U) && t->files->refs > 1) {
		struct files *n = files_dup(t->files);

		if (!n)
			return -ENOMEM;
		files_put(t->files);
		t->files = n;
	}
	for (unsigned int fd = first; fd <= last && (int)fd < t->files->size; fd++) {
		if (flags & 4U)
			fd_set_cloexec(t->files, (int)fd, true);
		else
			close_fd(t, (int)fd);
		if (fd == UINT_MAX)
			break;
	}
	return 0;
}

long sys_dup(struct task *t, const struct syscall_args *a)
{
	struct file *f = getf(t, (int)a->a[0]);
	int r;

	if (!f)
		return -EBADF;
	r = fd_alloc(t->files, f, 0, false, rlimit_nofile(t));
	file_put(f);
	return r;
}

static long do_dup3(struct task *t, int oldfd, int newfd, int flags)
{
	struct file *f;
	int r;

	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	f = getf(t, oldfd);
	if (!f)
		return -EBADF;
	{
		struct file *old = getf(t, newfd);

		if (old) {
			lock_close_posix(t, old);
			file_put(old);
		}
	}
	r = fd_install_at(t->files, newfd, f, flags & O_CLOEXEC, rlimit_nofile(t));
	file_put(f);
	return r;
}

long sys_dup2(struct task *t, const struct syscall_args *a)
{
	int oldfd = (int)a->a[0], newfd = (int)a->a[1];

	if (oldfd == newfd) {
		struct file *f = getf(t, oldfd);

		if (!f)
			return -EBADF;
		file_put(f);
		return newfd;
	}
	return do_dup3(t, oldfd, newfd, 0);
}

long sys_dup3(struct task *t, const struct syscall_args *a)
{
	return do_dup3(t, (int)a->a[0], (int)a->a[1], (int)a->a[2]);
}

#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)

long sys_fcntl(struct task *t, const struct syscall_args *a)
{
	int fd = (int)a->a[0], cmd = (int)a->a[1];
	struct file *f = getf(t, fd);
	long r;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if ((int)a->a[2] < 0 || (int)a->a[2] >= rlimit_nofile(t))
			r = -EINVAL;
		else
			r = fd_alloc(t->files, f, (int)a->a[2], cmd == F_DUPFD_CLOEXEC,
				     rlimit_nofile(t));
		break;
	case F_GETFD:
		r = fd_get_cloexec(t->files, fd) ? FD_CLOEXEC : 0;
		break;
	case F_SETFD:
		r = fd_set_cloexec(t->files, fd, a->a[2] & FD_CLOEXEC);
		break;
	case F_GETFL:
		r = f->flags & ~O_CLOEXEC;
		break;
	case F_SETFL: {
		int nfl = (f->flags & ~SETFL_MASK) | ((int)a->a[2] & SETFL_MASK);

		if (f->flags & O_PATH) {
			r = -EBADF;
			break;
		}
		r = f->ops->setfl ? f->ops->setfl(f, nfl) : 0;
		if (r == 0)
			f->flags = nfl;
		break;
	}
	case F_GETOWN:
		r = f->owner;
		break;
	case F_SETOWN:
		f->owner = (int)a->a[2];
		r = 0;
		break;
	case F_GETPIPE_SZ:
	case F_SETPIPE_SZ:
		r = f->ops->ioctl ? f->ops->ioctl(t, f, 0x40000000U | (unsigned)cmd, a->a[2]) : -EBADF;
		if (r == -ENOTTY)
			r = -EBADF;
		break;
	case F_ADD_SEALS:
	case F_GET_SEALS:
		/* Only memfds (fs/memfd.c) have seals. */
		r = f->ops->ioctl ? f->ops->ioctl(t, f, 0x40000000U | (unsigned)cmd, a->a[2]) : -EINVAL;
		if (r == -ENOTTY)
			r = -EINVAL;
		break;
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		r = lock_fcntl(t, f, cmd, a->a[2]);
		break;
	default:
		r = -EINVAL;
	}
	file_put(f);
	return r;
}

long sys_ioctl(struct task *t, const struct syscall_args *a)
{
	int fd = (int)a->a[0];
	unsigned int cmd = (unsigned int)a->a[1];
	struct file *f = getf(t, fd);
	long r;
	int v;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case FIOCLEX:
	case FIONCLEX:
		r = fd_set_cloexec(t->files, fd, cmd == FIOCLEX);
		break;
	case FIONBIO:
		if (copy_from_guest(t, &v, a->a[2], sizeof(v)) < 0) {
			r = -EFAULT;
			break;
		}
		f->flags = v ? (f->flags | O_NONBLOCK) : (f->flags & ~O_NONBLOCK);
		r = f->ops->setfl ? f->ops->setfl(f, f->flags) : 0;
		break;
	case FIOASYNC:
		r = 0;
		if (copy_from_guest(t, &v, a->a[2], sizeof(v)) < 0)
			r = -EFAULT;
		else
			f->flags = v ? (f->flags | O_ASYNC) : (f->flags & ~O_ASYNC);
		break;
	default:
		r = f->ops->ioctl ? f->ops->ioctl(t, f, cmd, a->a[2]) : -ENOTTY;
	}
	file_put(f);
	return r;
}

/* ---- stat family ---- */

static long stat_out(struct task *t, uint64_t addr, const struct stat *st)
{
	return copy_to_guest(t, addr, st, sizeof(*st));
}

static int file_stat(struct file *f, struct stat *st)
{
	if (file_inode(f)) {
		vfs_fill_stat(file_inode(f), st);
		return 0;
	}
	return f->ops->fstat ? f->ops->fstat(f, st) : -EINVAL;
}

long sys_fstat(struct task *t, const struct syscall_args *a)
{
	struct file *f = getf(t, (int)a->a[0]);
	struct stat st;
	long r;

	if (!f)
		return -EBADF;
	r = file_stat(f, &st);
	file_put(f);
	return r < 0 ? r : stat_out(t, a->a[1], &st);
}

/* A guest path into a sentry buffer of PATH_MAX (ENAMETOOLONG beyond). */
static long path_from_guest(struct task *t, char *buf, uint64_t addr)
{
	long r = copy_string_from_guest(t, buf, addr, PATH_MAX);

	return r < 0 ? r : 0;
}

static long do_fstatat(struct task *t, int dirfd, uint64_t path, struct stat *st, int flags)
{
	char p[PATH_MAX];
	long r;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	flags &= ~AT_STATX_SYNC_TYPE;
	r = path_from_guest(t, p, path);
	if (r < 0)
		return r;
	if (!p[0] && (flags & AT_EMPTY_PATH) && dirfd != AT_FDCWD) {
		struct file *f = getf(t, dirfd);

		if (!f)
			return -EBADF;
		r = file_stat(f, st);
		file_put(f);
		return r;
	}
	return vfs_stat_at(t, dirfd, p, flags, st);
}

long sys_stat(struct task *t, const struct syscall_args *a)
{
	struct stat st;
	long r = do_fstatat(t, AT_FDCWD, a->a[0], &st, 0);

	return r < 0 ? r : stat_out(t, a->a[1], &st);
}

long sys_lstat(struct task *t, const struct syscall_args *a)
{
	struct stat st;
	long r = do_fstatat(t, AT_FDCWD, a->a[0], &st, AT_SYMLINK_NOFOLLOW);

	return r < 0 ? r : stat_out(t, a->a[1], &st);
}

long sys_newfstatat(struct task *t, const struct syscall_args *a)
{
	struct stat st;
	long r = do_fstatat(t, (int)a->a[0], a->a[1], &st, (int)a->a[3]);

	return r < 0 ? r : stat_out(t, a->a[2], &st);
}

long sys_statx(struct task *t, const struct syscall_args *a)
{
	int flags = (int)a->a[2];
	struct statx sx;
	struct stat st;
	long r;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
		return -EINVAL;
	if (a->a[3] & STATX__RESERVED)
		return -EINVAL;
	r = do_fstatat(t, (int)a->a[0], a->a[1], &st, flags & ~AT_STATX_SYNC_TYPE);
	if (r < 0)
		return r;
	memset(&sx, 0, sizeof(sx));
	sx.stx_mask = STATX_BASIC_STATS;
	sx.stx_blksize = (uint32_t)st.st_blksize;
	sx.stx_nlink = (uint32_t)st.st_nlink;
	sx.stx_uid = st.st_uid;
	sx.stx_gid = st.st_gid;
	sx.stx_mode = (uint16_t)st.st_mode;
	sx.stx_ino = st.st_ino;
	sx.stx_size = (uint64_t)st.st_size;
	sx.stx_blocks = (uint64_t)st.st_blocks;
	sx.stx_atime.tv_sec = st.st_atim.tv_sec;
	sx.stx_atime.tv_nsec = (uint32_t)st.st_atim.tv_nsec;
	sx.stx_mtime.tv_sec = st.st_mtim.tv_sec;
	sx.stx_mtime.tv_nsec = (uint32_t)st.st_mtim.tv_nsec;
	sx.stx_ctime.tv_sec = st.st_ctim.tv_sec;
	sx.stx_ctime.tv_nsec = (uint32_t)st.st_ctim.tv_nsec;
	sx.stx_rdev_major = major(st.st_rdev);
	sx.stx_rdev_minor = minor(st.st_rdev);
	sx.stx_dev_major = major(st.st_dev);
	sx.stx_dev_minor = minor(st.st_dev);
	return copy_to_guest(t, a->a[4], &sx, sizeof(sx));
}

static long do_faccessat(struct task *t, int dirfd, uint64_t path, int mode, int flags)
{
	char p[PATH_MAX];
	long r;

	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	r = path_from_guest(t, p, path);
	if (r < 0)
		return r;
	return vfs_access_at(t, dirfd, p, mode, flags);
}

long sys_access(struct task *t, const struct syscall_args *a)
{
	return do_faccessat(t, AT_FDCWD, a->a[0], (int)a->a[1], 0);
}

long sys_faccessat(struct task *t, const struct syscall_args *a)
{
	return do_faccessat(t, (int)a->a[0], a->a[1], (int)a->a[2], 0);
}

long sys_faccessat2(struct task *t, const struct syscall_args *a)
{
	return do_faccessat(t, (int)a->a[0], a->a[1], (int)a->a[2], (int)a->a[3]);
}

/* ---- open ---- */

/* The kernel's O_LARGEFILE (glibc defines it as 0 on x86-64): open(2)
 * sets it on every file of a 64-bit process. */
#define O_LARGEFILE_K 0100000

#define OPEN_KNOWN                                                                            \
	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK | O_DSYNC |   \
	 O_ASYNC | O_DIRECT | O_LARGEFILE_K | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | \
	 O_SYNC | O_PATH | __O_TMPFILE)

/* build_open_flags(): what open(2) and openat2(2) reject up front. */
static long check_open_flags(int *flags, uint32_t *mode, bool strict)
{
	int fl = *flags;

	if (strict && (fl & ~OPEN_KNOWN))
		return -EINVAL;
	fl &= OPEN_KNOWN;
	if (!(fl & (O_CREAT | __O_TMPFILE)))
		*mode = 0;
	else if (strict && (*mode & ~07777u))
		return -EINVAL;
	if ((fl & __O_TMPFILE) == __O_TMPFILE) {
		if ((fl & O_ACCMODE) != O_WRONLY && (fl & O_ACCMODE) != O_RDWR)
			return -EINVAL;
		if (fl & O_CREAT)
			return -EINVAL;
	} else if (fl & __O_TMPFILE & ~O_DIRECTORY) {
		return -EINVAL;
	}
	if (fl & O_PATH) {
		if (strict && (fl & ~(O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)))
			return -EINVAL;
		fl &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	} else {
		fl |= O_LARGEFILE_K;
	}
	if (fl & O_SYNC)
		fl |= O_DSYNC;
	*flags = fl;
	return 0;
}

static long open_common(struct task *t, int dirfd, uint64_t path, int flags, uint32_t mode,
			uint64_t resolve)
{
	char p[PATH_MAX];
	struct file *f;
	long r;
	int err = 0;

	r = path_from_guest(t, p, path);
	if (r < 0)
		return r;
	f = vfs_open_at(t, dirfd, p, flags, mode, resolve, &err);
	if (!f)
		return err;
	r = fd_alloc(t->files, f, 0, flags & O_CLOEXEC, rlimit_nofile(t));
	file_put(f);
	return r;
}

static long do_openat(struct task *t, int dirfd, uint64_t path, int flags, uint32_t mode)
{
	long r = check_open_flags(&flags, &mode, false);

	return r < 0 ? r : open_common(t, dirfd, path, flags, mode, 0);
}

long sys_open(struct task *t, const struct syscall_args *a)
{
	return do_openat(t, AT_FDCWD, a->a[0], (int)a->a[1], (uint32_t)a->a[2]);
}

long sys_openat(struct task *t, const struct syscall_args *a)
{
	return do_openat(t, (int)a->a[0], a->a[1], (int)a->a[2], (uint32_t)a->a[3]);
}

long sys_creat(struct task *t, const struct syscall_args *a)
{
	return do_openat(t, AT_FDCWD, a->a[0], O_CREAT | O_WRONLY | O_TRUNC, (uint32_t)a->a[1]);
}

long sys_openat2(struct task *t, const struct syscall_args *a)
{
	struct open_how how;
	uint64_t size = a->a[3];
	uint32_t mode;
	int flags;
	long r;

	if (size < 24)
		return -EINVAL;
	if (size > 4096)
		return -E2BIG;
	memset(&how, 0, sizeof(how));
	if (copy_from_guest(t, &how, a->a[2], sizeof(how) < size ? sizeof(how) : size) < 0)
		return -EFAULT;
	/* A larger struct's extra bytes must be zero (copy_struct_from_user). */
	for (uint64_t off = sizeof(how); off < size; off++) {
		uint8_t b;

		if (copy_from_guest(t, &b, a->a[2] + off, 1) < 0)
			return -EFAULT;
		if (b)
			return -E2BIG;
	}
	if (how.flags & ~(uint64_t)OPEN_KNOWN)
		return -EINVAL;
	if (how.resolve & ~(uint64_t)(RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS |
				      RESOLVE_BENEATH | RESOLVE_IN_ROOT | RESOLVE_CACHED))
		return -EINVAL;
	if ((how.resolve & RESOLVE_BENEATH) && (how.resolve & RESOLVE_IN_ROOT))
		return -EINVAL;
	if (how.mode > 07777)
		return -EINVAL;
	flags = (int)how.flags;
	mode = (uint32_t)how.mode;
	if (!(flags & (O_CREAT | __O_TMPFILE)) && mode)
		return -EINVAL;
	r = check_open_flags(&flags, &mode, true);
	if (r < 0)
		return r;
	if ((how.resolve & RESOLVE_CACHED) && (flags & (O_TRUNC | O_CREAT | __O_TMPFILE)))
		return -EAGAIN;
	return open_common(t, (int)a->a[0], a->a[1], flags, mode, how.resolve);
}

static long do_readlinkat(struct task *t, int dirfd, uint64_t path, uint64_t buf, int64_t size)
{
	char p[PATH_MAX], target[PATH_MAX];
	long n, r;

	r = path_from_guest(t, p, path);
	if (r < 0)
		return r;
	if (size <= 0)
		return -EINVAL;
	n = vfs_readlink_at(t, dirfd, p, target, sizeof(target));
	if (n < 0)
		return n;
	if (n > size)
		n = size;
	if (copy_to_guest(t, buf, target, (size_t)n) < 0)
		return -EFAULT;
	return n;
}

long sys_readlink(struct task *t, const struct syscall_args *a)
{
	return do_readlinkat(t, AT_FDCWD, a->a[0], a->a[1], (int64_t)(int)a->a[2]);
}

long sys_readlinkat(struct task *t, const struct syscall_args *a)
{
	return do_readlinkat(t, (int)a->a[0], a->a[1], a->a[2], (int64_t)(int)a->a[3]);
}

static long getdents_common(struct task *t, const struct syscall_args *a, bool old)
{
	struct file *f = getf(t, (int)a->a[0]);
	uint64_t n = a->a[2];
	void *buf;
	long r;

	if (!f)
		return -EBADF;
	if (f->flags & O_PATH) {
		file_put(f);
		return -EBADF;
	}
	if (!f->ops->getdents) {
		file_put(f);
		return -ENOTDIR;
	}
	if (n > 1 << 20)
		n = 1 << 20;
	buf = malloc(n ? n : 1);
	if (!buf) {
		file_put(f);
		return -ENOMEM;
	}
	if (old)
		r = f->ops->getdents == vfs_dir_getdents ? vfs_dir_getdents_old(t, f, buf, n) : -ENOTDIR;
	else
		r = f->ops->getdents(t, f, buf, n);
	if (r > 0 && copy_to_guest(t, a->a[1], buf, (size_t)r) < 0)
		r = -EFAULT;
	free(buf);
	file_put(f);
	return r;
}

long sys_getdents64(struct task *t, const struct syscall_args *a)
{
	return getdents_common(t, a, false);
}

long sys_getdents(struct task *t, const struct syscall_args *a)
{
	return getdents_common(t, a, true);
}

long sys_getcwd(struct task *t, const struct syscall_args *a)
{
	char buf[PATH_MAX + 16];
	size_t off = 0, len;
	long r;

	if (t->fs->cwd.dentry->flags & D_DELETED)
		return -ENOENT;
	if (!vfs_path_reachable(t, &t->fs->cwd)) {
		strcpy(buf, "(unreachable)");
		off = strlen(buf);
	}
	r = vfs_d_path(t, &t->fs->cwd, buf + off, sizeof(buf) - off, false);
	if (r < 0)
		return r;
	len = off + (size_t)r + 1;
	if (len > PATH_MAX)
		return -ENAMETOOLONG;
	if (a->a[1] < len)
		return -ERANGE;
	if (copy_to_guest(t, a->a[0], buf, len) < 0)
		return -EFAULT;
	return (long)len;
}

static long set_cwd(struct task *t, const struct path *p)
{
	struct inode *inode = p->dentry->inode;
	long r;

	if (!S_ISDIR(inode->mode))
		return -ENOTDIR;
	r = vfs_permission(t->cred, inode, MAY_EXEC);
	return r < 0 ? r : vfs_chdir(t, p);
}

long sys_chdir(struct task *t, const struct syscall_args *a)
{
	char p[PATH_MAX];
	struct path path;
	long r = path_from_guest(t, p, a->a[0]);

	if (r < 0)
		return r;
	r = vfs_lookup_at(t, AT_FDCWD, p, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &path);
	if (r < 0)
		return r;
	r = set_cwd(t, &path);
	path_put(&path);
	return r;
}

long sys_fchdir(struct task *t, const struct syscall_args *a)
{
	struct file *f = getf(t, (int)a->a[0]);
	long r;

	if (!f)
		return -EBADF;
	r = f->dentry ? set_cwd(t, file_path(f)) : -ENOTDIR;
	file_put(f);
	return r;
}

/* ---- pipes ---- */

static long do_pipe2(struct task *t, uint64_t addr, int flags)
{
	struct file *rd, *wr;
	int fds[2];
	long r;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT | O_EXCL))
		return -EINVAL;
	/* O_NOTIFICATION_PIPE (O_EXCL): as a kernel without watch queues. */
	if (flags & O_EXCL)
		return -ENOPKG;
	r = pipe_create(t, flags, &rd, &wr);
	if (r < 0)
		return r;
	fds[0] = fd_alloc(t->files, rd, 0, flags & O_CLOEXEC, rlimit_nofile(t));
	fds[1] = fds[0] < 0 ? fds[0] : fd_alloc(t->files, wr, 0, flags & O_CLOEXEC, rlimit_nofile(t));
	if (fds[1] < 0) {
		r = fds[1];
		if (fds[0] >= 0)
			fd_close(t->files, fds[0]);
	} else if (copy_to_guest(t, addr, fds, sizeof(fds)) < 0) {
		r = -EFAULT;
		fd_close(t->files, fds[0]);
		fd_close(t->files, fds[1]);
	}
	file_put(rd);
	file_put(wr);
	return r;
}

long sys_pipe(struct task *t, const struct syscall_args *a)
{
	return do_pipe2(t, a->a[0], 0);
}

long sys_pipe2(struct task *t, const struct syscall_args *a)
{
	return do_pipe2(t, a->a[0], (int)a->a[1]);
}

/* ---- extended attributes (xattr(7)) ---- */

#define XATTR_NAME_MAX_K 255
#define XATTR_SIZE_MAX_K 65536
#define XATTR_LIST_MAX_K 65536

enum xop { XGET, XSET, XLIST, XREMOVE };

/* xattr_permission(): the namespace rules, then the inode's mode. */
static long xattr_perm(struct task *t, struct inode *inode, const char *name, bool write)
{
	if (!strncmp(name, "trusted.", 8)) {
		if (!capable(t, CAP_SYS_ADMIN))
			return write ? -EPERM : -ENODATA;
		return 0;
	}
	if (!strncmp(name, "user.", 5)) {
		if (!S_ISREG(inode->mode) && !S_ISDIR(inode->mode))
			return write ? -EPERM : -ENODATA;
		if (write && S_ISDIR(inode->mode) && (inode->mode & S_ISVTX) &&
		    t->cred->fsuid != inode->uid && !capable(t, CAP_FOWNER))
			return -EPERM;
	} else if (strncmp(name, "security.", 9) && strncmp(name, "system.", 7)) {
		return -EOPNOTSUPP;
	}
	if (write && t->cred->fsuid != inode->uid && !capable(t, CAP_FOWNER) &&
	    (!strncmp(name, "security.", 9) || !strncmp(name, "system.", 7)))
		return -EPERM;
	return vfs_permission(t->cred, inode, write ? MAY_WRITE : MAY_READ);
}

static long xattr_on(struct task *t, const struct path *p, enum xop op, uint64_t uname,
		     uint64_t ubuf, uint64_t size, int flags)
{
	struct inode *inode = p->dentry->inode;
	char name[XATTR_NAME_MAX_K + 1], *buf = NULL;
	long r;

	if (op != XLIST) {
		r = copy_string_from_guest(t, name, uname, sizeof(name));
		if (r == -ENAMETOOLONG || (r >= 0 && !name[0]))
			return -ERANGE;
		if (r < 0)
			return r;
	}
	if (op == XSET) {
		if (flags & ~(XATTR_CREATE | XATTR_REPLACE))
			return -EINVAL;
		if (size > XATTR_SIZE_MAX_K)
			return -E2BIG;
	} else if (size > XATTR_LIST_MAX_K) {
		size = XATTR_LIST_MAX_K;
	}
	if ((op == XSET || op == XREMOVE) && vfs_path_rdonly(p))
		return -EROFS;
	if (op != XLIST && (r = xattr_perm(t, inode, name, op == XSET || op == XREMOVE)) < 0)
		return r;
	if (size) {
		buf = malloc(size);
		if (!buf)
			return -ENOMEM;
	}
	switch (op) {
	case XGET:
		r = inode->iops && inode->iops->getxattr ? inode->iops->getxattr(inode, name, buf, size)
							 : -EOPNOTSUPP;
		break;
	case XLIST:
		r = inode->iops && inode->iops->listxattr ? inode->iops->listxattr(inode, buf, size)
							  : 0;
		break;
	case XSET:
		if (copy_from_guest(t, buf, ubuf, size) < 0) {
			r = -EFAULT;
			break;
		}
		r = inode->iops && inode->iops->setxattr
			    ? inode->iops->setxattr(inode, name, buf, size, flags)
			    : -EOPNOTSUPP;
		if (r == 0)
			fsnotify(inode, 0x4u /* IN_ATTRIB */, NULL, 0);
		break;
	case XREMOVE:
		r = inode->iops && inode->iops->removexattr ? inode->iops->removexattr(inode, name)
							    : -EOPNOTSUPP;
		if (r == 0)
			fsnotify(inode, 0x4u, NULL, 0);
		break;
	}
	if ((op == XGET || op == XLIST) && r > 0 && size &&
	    copy_to_guest(t, ubuf, buf, (size_t)r) < 0)
		r = -EFAULT;
	free(buf);
	return r;
}

static long xattr_path(struct task *t, uint64_t upath, bool follow, enum xop op, uint64_t uname,
		       uint64_t ubuf, uint64_t size, int flags)
{
	char p[PATH_MAX];
	struct path path;
	long r = path_from_guest(t, p, upath);

	if (r < 0)
		return r;
	r = vfs_lookup_at(t, AT_FDCWD, p, follow ? LOOKUP_FOLLOW : 0, &path);
	if (r < 0)
		return r;
	r = xattr_on(t, &path, op, uname, ubuf, size, flags);
	path_put(&path);
	return r;
}

static long xattr_fd(struct task *t, int fd, enum xop op, uint64_t uname, uint64_t ubuf,
		     uint64_t size, int flags)
{
	struct file *f = getf(t, fd);
	long r;

	if (!f)
		return -EBADF;
	if (f->flags & O_PATH)
		r = -EBADF;
	else if (!f->dentry)
		r = op == XLIST ? 0 : -EOPNOTSUPP;
	else
		r = xattr_on(t, file_path(f), op, uname, ubuf, size, flags);
	file_put(f);
	return r;
}

long sys_getxattr(struct task *t, const struct syscall_args *a)
{
	return xattr_path(t, a->a[0], true, XGET, a->a[1], a->a[2], a->a[3], 0);
}

long sys_lgetxattr(struct task *t, const struct syscall_args *a)
{
	return xattr_path(t, a->a[0], false, XGET, a->a[1], a->a[2], a->a[3], 0);
}

long sys_fgetxattr(struct task *t, const struct syscall_args *a)
{
	return xattr_fd(t, (int)a->a[0], XGET, a->a[1], a->a[2], a->a[3], 0);
}

long sys_listxattr(struct task *t, const struct syscall_args *a)
{
	return xattr_path(t, a->a[0], true, XLIST, 0, a->a[1], a->a[2], 0);
}

long sys_llistxattr(struct task *t, const struct syscall_args *a)
{
	return xattr_path(t, a->a[0], false, XLIST, 0, a->a[1], a->a[2], 0);
}

long sys_flistxattr(struct task *t, const struct syscall_args *a)
{
	return xattr_fd(t, (int)a->a[0], XLIST, 0, a->a[1], a->a[2], 0);
}

long sys_setxattr(struct task *t, const struct syscall_args *a)
{
	return xattr_path(t, a->a[0], true, XSET, a->a[1], a->a[2], a->a[3], (int)a->a[4]);
}

long sys_lsetxattr(struct task *t, const struct syscall_args *a)
{
	return xattr_path(t, a->a[0], false, XSET, a->a[1], a->a[2], a->a[3], (int)a->a[4]);
}

long sys_fsetxattr(struct task *t, const struct syscall_args *a)
{
	return xattr_fd(t, (int)a->a[0], XSET, a->a[1], a->a[2], a->a[3], (int)a->a[4]);
}

long sys_removexattr(struct task *t, const struct syscall_args *a)
{
	return xattr_path(t, a->a[0], true, XREMOVE, a->a[1], 0, 0, 0);
}

long sys_lremovexattr(struct task *t, const struct syscall_args *a)
{
	return xattr_path(t, a->a[0], false, XREMOVE, a->a[1], 0, 0, 0);
}

long sys_fremovexattr(struct task *t, const struct syscall_args *a)
{
	return xattr_fd(t, (int)a->a[0], XREMOVE, a->a[1], 0, 0, 0);
}

/* sendfile(2) is in syscalls/sys_splice.c with the splice family. */

/* fadvise64: advice only; the interim root has no page cache policy to
 * change, so valid advice is accepted and ignored. */
long sys_fadvise64(struct task *t, const struct syscall_args *a)
{
	struct file *f = getf(t, (int)a->a[0]);
	int64_t len = (int64_t)a->a[2];
	int advice = (int)a->a[3];
	long r = 0;

	if (!f)
		return -EBADF;
	if (!f->ops->llseek || f->ops->llseek(f, 0, SEEK_CUR) == -ESPIPE)
		r = -ESPIPE;
	else if (len < 0 || advice < POSIX_FADV_NORMAL || advice > POSIX_FADV_NOREUSE)
		r = -EINVAL;
	file_put(f);
	return r;
}
