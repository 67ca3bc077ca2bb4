/* `runsc gofer`: the file server of one sandbox. It confines itself (a
 * mount namespace holding only the root filesystem and the bind sources,
 * a few capabilities, a seccomp allowlist), then answers the sentry's
 * requests (fs/gofer_proto.h) one at a time. Every walk is one component,
 * openat(dirfd, name, O_PATH | O_NOFOLLOW), so nothing a guest names can
 * reach a host file outside what it was given. A malformed request ends
 * the connection and the gofer. */
#define _GNU_SOURCE
#include "runsc/gofer.h"
#include "runsc/runsc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/mount.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <sched.h>
#include <unistd.h>

#define MAX_HANDLES (1u << 18)
/* Where the gofer's own root (an empty tmpfs holding the mounts) is built
 * before pivot_root; it is unbindable, so recursive binds of a source that
 * contains it do not copy it. */
#define STAGE "/tmp"

struct handle {
	int fd;             /* O_PATH, -1: free slot */
	unsigned int mount;
	unsigned int next_free;   /* free slots: the next free fid, 0 at the end */
};

struct gofer_mnt {
	int fd;             /* O_PATH of the mount's root */
	bool rdonly;
};

static struct handle *handles;
static unsigned int nhandles;       /* slots allocated */
static unsigned int free_head;      /* fid of the first free slot, 0: none */
static struct gofer_mnt mnts[GOFER_MAX_MOUNTS];
static unsigned int nmnts;
static int procfd = -1;             /* /proc/self/fd, to reopen O_PATH fds */
static bool debug;

static void glog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void glog(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(2, buf, n) < 0)
		return;
}

/* ---------------------------------------------------------- handles */

/* A new handle for fd (taken) on mount m: the fid, or -ENFILE. */
static long handle_new(int fd, unsigned int m)
{
	unsigned int i;

	if (free_head) {
		i = free_head - 1;
		free_head = handles[i].next_free;
		goto found;
	}
	if (nhandles >= MAX_HANDLES) {
		close(fd);
		return -ENFILE;
	}
	{
		unsigned int n = nhandles ? nhandles * 2 : 256;
		struct handle *h;

		if (n > MAX_HANDLES)
			n = MAX_HANDLES;
		h = realloc(handles, n * sizeof(*h));
		if (!h) {
			close(fd);
			return -ENOMEM;
		}
		/* The new slots join the free list, lowest first. */
		for (unsigned int j = nhandles; j < n; j++)
			h[j] = (struct handle){ -1, 0, j + 1 < n ? j + 2 : 0 };
		i = nhandles;
		free_head = nhandles + 2 <= n ? nhandles + 2 : 0;
		handles = h;
		nhandles = n;
	}
found:
	handles[i] = (struct handle){ fd, m, 0 };
	return i + 1;
}

static struct handle *handle_get(uint32_t fid)
{
	if (fid == 0 || fid > nhandles || handles[fid - 1].fd < 0)
		return NULL;
	return &handles[fid - 1];
}

static void handle_free(uint32_t fid)
{
	struct handle *h = &handles[fid - 1];

	close(h->fd);
	*h = (struct handle){ -1, 0, free_head };
	free_head = fid;
}

/* Open the file behind an O_PATH fd for real, through /proc/self/fd (the
 * fd's own file, never a path lookup in the tree). */
static int reopen(const struct handle *h, int flags)
{
	char name[16];
	int fd;

	snprintf(name, sizeof(name), "%d", h->fd);
	fd = openat(procfd, name, flags | O_CLOEXEC | O_NOCTTY);
	return fd < 0 ? -errno : fd;
}

static int hstat(int fd, struct stat *st)
{
	return fstat(fd, st) < 0 ? -errno : 0;
}

/* The child name of dir as a new handle, its stat in *w. */
static long walk_one(const struct handle *dir, const char *name, struct gofer_wstat *w)
{
	struct stat st;
	int fd = openat(dir->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	long fid;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	gofer_wstat_from(w, &st);
	fid = handle_new(fd, dir->mount);
	return fid;
}

static bool rdonly(const struct handle *h)
{
	return mnts[h->mount].rdonly;
}

/* Give a new entry (fd: its O_PATH fd) its owner, then, when asked, its
 * mode again: chown clears set-id bits, and bind(2) ignores the mode. */
static int set_owner(int fd, uint32_t uid, uint32_t gid, uint32_t mode, bool chmod_after)
{
	if (fchownat(fd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (chmod_after) {
		char name[16];

		snprintf(name, sizeof(name), "%d", fd);
		if (fchmodat(procfd, name, mode & 07777, 0) < 0)
			return -errno;
	}
	return 0;
}

/* ------------------------------------------------------ operations */

struct reply {
	struct gofer_msg *m;
	int fd;             /* to send beside, closed after */
};

static long op_attach(const struct gofer_msg *q, struct reply *r)
{
	struct stat st;
	int fd;
	long fid;

	if (q->f.attach.index >= nmnts)
		return -ENOENT;
	fd = fcntl(mnts[q->f.attach.index].fd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -errno;
	}
	fid = handle_new(fd, q->f.attach.index);
	if (fid < 0)
		return fid;
	r->m->f.rfid.fid = fid;
	gofer_wstat_from(&r->m->f.rfid.st, &st);
	return 0;
}

static long op_walk(const struct handle *h, const struct gofer_msg *q, struct reply *r)
{
	long fid = walk_one(h, q->str[0], &r->m->f.rfid.st);

	if (fid < 0)
		return fid;
	r->m->f.rfid.fid = fid;
	return 0;
}

static long op_stat(const struct handle *h, struct reply *r)
{
	struct stat st;
	int e = hstat(h->fd, &st);

	if (e < 0)
		return e;
	gofer_wstat_from(&r->m->f.rstat.st, &st);
	return 0;
}

static long op_lstat(const struct handle *dir, const struct gofer_msg *q, struct reply *r)
{
	struct stat st;

	if (fstatat(dir->fd, q->str[0], &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	gofer_wstat_from(&r->m->f.rstat.st, &st);
	return 0;
}

static long op_open(const struct handle *h, const struct gofer_msg *q, struct reply *r)
{
	uint32_t fl = q->f.open.flags;
	struct stat st;
	int e = hstat(h->fd, &st), fd;

	if (e < 0)
		return e;
	/* Only regular files and directories: FIFOs and sockets live in the
	 * sentry, device nodes are never opened on the host. */
	if (S_ISDIR(st.st_mode)) {
		if ((fl & O_ACCMODE) != O_RDONLY || (fl & O_TRUNC))
			return -EISDIR;
		fl |= O_DIRECTORY;
	} else if (!S_ISREG(st.st_mode)) {
		return S_ISLNK(st.st_mode) ? -ELOOP : -ENXIO;
	}
	if (rdonly(h) && ((fl & O_ACCMODE) != O_RDONLY || (fl & O_TRUNC)))
		return -EROFS;
	fd = reopen(h, fl);
	if (fd < 0)
		return fd;
	r->fd = fd;
	return 0;
}

/* create, mkdir, mknod and bind end the same way: walk to the new entry,
 * give it its owner, reply with its handle. */
static long finish_new(const struct handle *dir, const char *name, uint32_t uid, uint32_t gid,
		       uint32_t mode, bool chmod_after, struct reply *r)
{
	struct stat st;
	int fd = openat(dir->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC), e;
	long fid;

	if (fd < 0)
		return -errno;
	e = set_owner(fd, uid, gid, mode, chmod_after);
	if (e == 0 && fstat(fd, &st) < 0)
		e = -errno;
	if (e < 0) {
		close(fd);
		unlinkat(dir->fd, name, S_ISDIR(mode) ? AT_REMOVEDIR : 0);
		return e;
	}
	fid = handle_new(fd, dir->mount);
	if (fid < 0) {
		unlinkat(dir->fd, name, S_ISDIR(mode) ? AT_REMOVEDIR : 0);
		return fid;
	}
	r->m->f.rfid.fid = fid;
	gofer_wstat_from(&r->m->f.rfid.st, &st);
	return 0;
}

static long op_mknod(const struct handle *h, const struct gofer_msg *q, struct reply *r)
{
	const struct gofer_tmkdir *a = &q->f.mkdir;
	uint32_t mode = a->mode;

	if (rdonly(h))
		return -EROFS;
	if (q->type == GOFER_TCREATE)
		mode = S_IFREG | (mode & 07777);
	if (q->type == GOFER_TMKDIR) {
		if (mkdirat(h->fd, q->str[0], mode & 07777) < 0)
			return -errno;
		return finish_new(h, q->str[0], a->uid, a->gid, S_IFDIR | mode, false, r);
	}
	if (mknodat(h->fd, q->str[0], mode, 0) < 0)
		return -errno;
	return finish_new(h, q->str[0], a->uid, a->gid, mode, S_ISREG(mode) && (mode & 06000), r);
}

static long op_tmpfile(const struct handle *dir, const struct gofer_msg *q, struct reply *r)
{
	const struct gofer_tmkdir *a = &q->f.mkdir;
	struct stat st;
	int fd, e;
	long fid;

	if (rdonly(dir))
		return -EROFS;
	fd = openat(dir->fd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, a->mode & 07777);
	if (fd < 0)
		return -errno;
	e = set_owner(fd, a->uid, a->gid, a->mode, (a->mode & 06000) != 0);
	if (e == 0 && fstat(fd, &st) < 0)
		e = -errno;
	if (e == 0 && (r->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) < 0)
		e = -errno;
	if (e < 0) {
		close(fd);
		return e;
	}
	/* The handle is the open file itself: linkat(AT_EMPTY_PATH) names it. */
	fid = handle_new(fd, dir->mount);
	if (fid < 0)
		return fid;
	r->m->f.rfid.fid = fid;
	gofer_wstat_from(&r->m->f.rfid.st, &st);
	return 0;
}

static long op_symlink(const struct handle *h, const struct gofer_msg *q, struct reply *r)
{
	if (rdonly(h))
		return -EROFS;
	if (symlinkat(q->str[1], h->fd, q->str[0]) < 0)
		return -errno;
	return finish_new(h, q->str[0], q->f.symlink.uid, q->f.symlink.gid, S_IFLNK, false, r);
}

static long op_link(const struct handle *dir, const struct handle *h, const struct gofer_msg *q)
{
	if (rdonly(dir))
		return -EROFS;
	if (dir->mount != h->mount)
		return -EXDEV;
	if (linkat(h->fd, "", dir->fd, q->str[0], AT_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

static long op_readlink(const struct handle *h, struct reply *r, char *buf)
{
	ssize_t n = readlinkat(h->fd, "", buf, GOFER_TARGET_MAX + 1);

	if (n < 0)
		return -errno;
	if (n == 0 || n > (ssize_t)GOFER_TARGET_MAX)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	memcpy(r->m->str[0], buf, n + 1);
	return 0;
}

static long op_unlink(const struct handle *dir, const struct gofer_msg *q)
{
	if (rdonly(dir))
		return -EROFS;
	if (unlinkat(dir->fd, q->str[0], q->f.unlink.flags) < 0)
		return -errno;
	return 0;
}

static long op_rename(const struct handle *od, const struct handle *nd, const struct gofer_msg *q)
{
	if (rdonly(od) || rdonly(nd))
		return -EROFS;
	if (od->mount != nd->mount)
		return -EXDEV;
	if (renameat2(od->fd, q->str[0], nd->fd, q->str[1], q->f.rename.flags) < 0)
		return -errno;
	return 0;
}

static long op_setattr(const struct handle *h, const struct gofer_msg *q, struct reply *r)
{
	const struct gofer_tsetattr *a = &q->f.setattr;
	struct stat st;
	int e = hstat(h->fd, &st);

	if (e < 0)
		return e;
	if (rdonly(h))
		return -EROFS;
	if (a->valid & GOFER_ATTR_SIZE) {
		int fd;

		if (!S_ISREG(st.st_mode))
			return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		fd = reopen(h, O_WRONLY);
		if (fd < 0)
			return fd;
		e = ftruncate(fd, a->size) < 0 ? -errno : 0;
		close(fd);
		if (e < 0)
			return e;
	}
	if (a->valid & (GOFER_ATTR_UID | GOFER_ATTR_GID)) {
		uid_t u = a->valid & GOFER_ATTR_UID ? a->uid : (uid_t)-1;
		gid_t g = a->valid & GOFER_ATTR_GID ? a->gid : (gid_t)-1;

		if (fchownat(h->fd, "", u, g, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
	}
	/* After chown, which clears set-id bits the new mode may set again. */
	if (a->valid & GOFER_ATTR_MODE) {
		char name[16];

		if (S_ISLNK(st.st_mode))
			return -EOPNOTSUPP;
		snprintf(name, sizeof(name), "%d", h->fd);
		if (fchmodat(procfd, name, a->mode, 0) < 0)
			return -errno;
	}
	if (a->valid & (GOFER_ATTR_ATIME | GOFER_ATTR_MTIME)) {
		struct timespec ts[2] = {
			{ a->atime_sec, a->atime_nsec }, { a->mtime_sec, a->mtime_nsec } };

		if (!(a->valid & GOFER_ATTR_ATIME))
			ts[0].tv_nsec = UTIME_OMIT;
		if (!(a->valid & GOFER_ATTR_MTIME))
			ts[1].tv_nsec = UTIME_OMIT;
		if (utimensat(h->fd, "", ts, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
	}
	return op_stat(h, r);
}

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static long op_getdents(struct handle *h, const struct gofer_msg *q, struct reply *r, char *out)
{
	static char raw[GOFER_BLOB_MAX];
	size_t pos = 0, cap = q->f.getdents.count;
	struct stat st;
	long n, off = 0;
	int e = hstat(h->fd, &st), dfd;

	if (e < 0)
		return e;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	/* A directory fd per request: no fd stays open per handle, and the
	 * position is the request's alone. */
	dfd = reopen(h, O_RDONLY | O_DIRECTORY);
	if (dfd < 0)
		return dfd;
	if (lseek(dfd, (off_t)q->f.getdents.offset, SEEK_SET) < 0) {
		e = -errno;
		close(dfd);
		return e;
	}
	/* Our records are at most 8 bytes longer than the host's; read what
	 * fits and stop at the first that does not (its offset is where the
	 * next request starts). */
	n = syscall(SYS_getdents64, dfd, raw, cap);
	e = n < 0 ? -errno : 0;
	if (e < 0) {
		close(dfd);
		return e;
	}
	for (off = 0; off < n;) {
		struct linux_dirent64 *d = (struct linux_dirent64 *)(raw + off);
		struct gofer_dirent g = { .ino = d->d_ino, .off = (uint64_t)d->d_off,
					  .type = d->d_type, .name = d->d_name,
					  .namelen = strlen(d->d_name) };

		if (!gofer_dirent_put(out, cap, &pos, &g)) {
			if (pos == 0) {
				close(dfd);
				return -EINVAL;
			}
			break;
		}
		off += d->d_reclen;
	}
	/* Everything read went out: say whether the directory ends here, so
	 * the client need not ask again to find out. */
	if (off >= n)
		r->m->f.rgetdents.eof = syscall(SYS_getdents64, dfd, raw, sizeof(raw)) == 0;
	close(dfd);
	r->m->blob = out;
	r->m->bloblen = pos;
	return 0;
}

static long op_statfs(const struct handle *h, struct reply *r)
{
	struct statfs st;

	if (fstatfs(h->fd, &st) < 0)
		return -errno;
	gofer_wstatfs_from(&r->m->f.rstatfs.st, &st);
	return 0;
}

/* xattrs live on regular files and directories only (user.* is not
 * allowed on others by Linux either): reopen read-only to reach them. */
static int xattr_fd(const struct handle *h, int *fd)
{
	struct stat st;
	int e = hstat(h->fd, &st);

	if (e < 0)
		return e;
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		return 1;   /* none here */
	*fd = reopen(h, O_RDONLY | O_NONBLOCK);
	return *fd < 0 ? *fd : 0;
}

static long op_getxattr(const struct handle *h, const struct gofer_msg *q, struct reply *r,
			char *out)
{
	int fd, e = xattr_fd(h, &fd);
	ssize_t n;

	if (e)
		return e > 0 ? -ENODATA : e;
	n = fgetxattr(fd, q->str[0], q->f.xattr.size ? out : NULL, q->f.xattr.size);
	e = n < 0 ? -errno : 0;
	close(fd);
	if (e < 0)
		return e;
	if ((size_t)n > GOFER_BLOB_MAX)
		return -E2BIG;
	r->m->f.rxattr.size = n;
	if (q->f.xattr.size) {
		r->m->blob = out;
		r->m->bloblen = n;
	}
	return 0;
}

static long op_listxattr(const struct handle *h, const struct gofer_msg *q, struct reply *r,
			 char *out)
{
	static char all[GOFER_BLOB_MAX];
	size_t len = 0;
	int fd, e = xattr_fd(h, &fd);
	ssize_t n;

	if (e < 0)
		return e;
	if (e == 0) {
		n = flistxattr(fd, all, sizeof(all));
		e = n < 0 ? -errno : 0;
		close(fd);
		if (e < 0)
			return e;
		/* Only the namespaces the gofer serves. */
		for (ssize_t i = 0; i < n;) {
			size_t l = strnlen(all + i, n - i);

			if ((ssize_t)(i + l) >= n)
				break;   /* no NUL: not a name */
			if (gofer_xattr_name_ok(all + i, l)) {
				memmove(all + len, all + i, l + 1);
				len += l + 1;
			}
			i += l + 1;
		}
	}
	r->m->f.rxattr.size = len;
	if (q->f.xattr.size) {
		if (len > q->f.xattr.size)
			return -ERANGE;
		memcpy(out, all, len);
		r->m->blob = out;
		r->m->bloblen = len;
		if (len == 0)
			r->m->f.rxattr.size = 0;
	}
	return 0;
}

static long op_setxattr(const struct handle *h, const struct gofer_msg *q, bool remove)
{
	int fd, e;

	if (rdonly(h))
		return -EROFS;
	e = xattr_fd(h, &fd);
	if (e)
		return e > 0 ? -EPERM : e;
	if (remove)
		e = fremovexattr(fd, q->str[0]) < 0 ? -errno : 0;
	else
		e = fsetxattr(fd, q->str[0], q->blob, q->bloblen, q->f.setxattr.flags) < 0 ?
		    -errno : 0;
	close(fd);
	return e;
}

static long op_fsync(const struct handle *h, const struct gofer_msg *q)
{
	struct stat st;
	int e = hstat(h->fd, &st), fd;

	if (e < 0)
		return e;
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		return -EINVAL;
	fd = reopen(h, O_RDONLY | (S_ISDIR(st.st_mode) ? O_DIRECTORY : 0));
	if (fd < 0)
		return fd;
	e = (q->f.fsync.datasync ? fdatasync(fd) : fsync(fd)) < 0 ? -errno : 0;
	close(fd);
	return e;
}

static long op_bind(const struct handle *dir, const struct gofer_msg *q, struct reply *r)
{
	const struct gofer_tbind *a = &q->f.bind;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s, e;

	if (rdonly(dir))
		return -EROFS;
	if (q->strlen[0] >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, q->str[0], q->strlen[0] + 1);
	s = socket(AF_UNIX, a->socktype | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	/* bind(2) takes a path: make it relative to the directory's fd. */
	if (fchdir(dir->fd) < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		e = -errno;
		close(s);
		return e;
	}
	e = finish_new(dir, q->str[0], a->uid, a->gid, S_IFSOCK | a->mode, true, r);
	if (e < 0) {
		close(s);
		return e;
	}
	r->fd = s;
	return 0;
}

static long op_connect(const struct handle *h, const struct gofer_msg *q, struct reply *r)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int e = hstat(h->fd, &st), s;

	if (e < 0)
		return e;
	/* Bind mounts only: the root filesystem's sockets stay out of
	 * reach (the sentry asks for nothing else). */
	if ((h->mount & ~(1u << 31)) == 0)
		return -ECONNREFUSED;
	if (!S_ISSOCK(st.st_mode))
		return -ECONNREFUSED;
	/* The socket file itself, through its fd's /proc magic link. Non-
	 * blocking: a listener with a full backlog gives EAGAIN at once
	 * rather than stalling every other request (the sentry retries). */
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%d", h->fd);
	s = socket(AF_UNIX, q->f.connect.socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s < 0)
		return -errno;
	if (fchdir(procfd) < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		e = -errno;
		close(s);
		return e;
	}
	r->fd = s;
	return 0;
}

/* One request: 0 with the reply filled, -errno for an error reply, or
 * 1 when the request is not acceptable (unknown handle): the connection
 * ends. */
static long serve_one(const struct gofer_msg *q, struct reply *r)
{
	static char out[GOFER_BLOB_MAX + GOFER_TARGET_MAX + 1];
	struct handle *h = NULL, *h2 = NULL;
	uint32_t fid2 = 0;

	switch (q->type) {
	case GOFER_TATTACH:
		return op_attach(q, r);
	case GOFER_TLINK:
		h = handle_get(q->f.link.dirfid);
		fid2 = q->f.link.fid;
		break;
	case GOFER_TUNLINK:
		h = handle_get(q->f.unlink.dirfid);
		break;
	case GOFER_TRENAME:
		h = handle_get(q->f.rename.odirfid);
		fid2 = q->f.rename.ndirfid;
		break;
	case GOFER_TBIND:
		h = handle_get(q->f.bind.dirfid);
		break;
	case GOFER_TCLUNKMANY:
		/* Every fid must be a live handle, all checked before any goes. */
		for (uint32_t i = 0; i < q->f.clunkmany.count; i++) {
			uint32_t fid;

			memcpy(&fid, (const char *)q->blob + 4 * i, 4);
			/* The mark says "listed already": a repeat is malformed
			 * (and the connection ends, so no mark outlives it). */
			if (!handle_get(fid) || (handles[fid - 1].mount & (1u << 31)))
				return 1;
			handles[fid - 1].mount |= 1u << 31;
		}
		for (uint32_t i = 0; i < q->f.clunkmany.count; i++) {
			uint32_t fid;

			memcpy(&fid, (const char *)q->blob + 4 * i, 4);
			handle_free(fid);
		}
		return 0;
	default:
		/* Every other request starts with its fid. */
		h = handle_get(q->f.fid.fid);
		break;
	}
	if (!h)
		return 1;
	if (fid2 && !(h2 = handle_get(fid2)))
		return 1;
	switch (q->type) {
	case GOFER_TWALK: return op_walk(h, q, r);
	case GOFER_TSTAT: return op_stat(h, r);
	case GOFER_TOPEN: return op_open(h, q, r);
	case GOFER_TCREATE: case GOFER_TMKDIR: case GOFER_TMKNOD: return op_mknod(h, q, r);
	case GOFER_TSYMLINK: return op_symlink(h, q, r);
	case GOFER_TLINK: return op_link(h, h2, q);
	case GOFER_TREADLINK: return op_readlink(h, r, out);
	case GOFER_TUNLINK: return op_unlink(h, q);
	case GOFER_TRENAME: return op_rename(h, h2, q);
	case GOFER_TSETATTR: return op_setattr(h, q, r);
	case GOFER_TGETDENTS: return op_getdents(h, q, r, out);
	case GOFER_TSTATFS: return op_statfs(h, r);
	case GOFER_TGETXATTR: return op_getxattr(h, q, r, out);
	case GOFER_TSETXATTR: return op_setxattr(h, q, false);
	case GOFER_TLISTXATTR: return op_listxattr(h, q, r, out);
	case GOFER_TREMOVEXATTR: return op_setxattr(h, q, true);
	case GOFER_TFSYNC: return op_fsync(h, q);
	case GOFER_TCLUNK:
		handle_free(q->f.fid.fid);
		return 0;
	case GOFER_TBIND: return op_bind(h, q, r);
	case GOFER_TCONNECT: return op_connect(h, q, r);
	case GOFER_TLSTAT: return op_lstat(h, q, r);
	case GOFER_TTMPFILE: return op_tmpfile(h, q, r);
	default:
		return 1;
	}
}

static int serve(int sock)
{
	static char in[GOFER_MSG_MAX], outbuf[GOFER_MSG_MAX];
	static struct gofer_msg q, rm;

	for (;;) {
		struct reply r = { &rm, -1 };
		long n, e;
		int fd;

		n = gofer_recv(sock, in, sizeof(in), &fd);
		if (n == 0)
			return 0;   /* the sentry is gone */
		if (n < 0) {
			glog("gofer: receive: %s", strerror((int)-n));
			return 1;
		}
		if (fd >= 0 || gofer_decode(in, n, &q) < 0 || (q.type & GOFER_REPLY)) {
			glog("gofer: malformed request, closing");
			return 1;
		}
		memset(&rm.f, 0, sizeof(rm.f));
		rm.blob = NULL;
		rm.bloblen = 0;
		rm.str[0][0] = rm.str[1][0] = '\0';
		e = serve_one(&q, &r);
		if (e == 1) {
			glog("gofer: request %u on an unknown handle, closing", q.type);
			return 1;
		}
		if (debug)
			glog("gofer: type %u tag %u -> %ld", q.type, q.tag, e);
		rm.tag = q.tag;
		if (e < 0) {
			if (r.fd >= 0)
				close(r.fd);
			r.fd = -1;
			memset(&rm.f, 0, sizeof(rm.f));
			rm.blob = NULL;
			rm.bloblen = 0;
			rm.type = GOFER_RERROR;
			rm.f.error.err = e < -4095 ? EIO : (int32_t)-e;
		} else {
			rm.type = q.type | GOFER_REPLY;
		}
		n = gofer_encode(&rm, outbuf, sizeof(outbuf));
		if (n < 0) {
			/* Our own reply does not fit the rules (a host name longer
			 * than we carry): report it as an error instead. */
			if (r.fd >= 0)
				close(r.fd);
			r.fd = -1;
			memset(&rm.f, 0, sizeof(rm.f));
			rm.blob = NULL;
			rm.bloblen = 0;
			rm.type = GOFER_RERROR;
			rm.f.error.err = EIO;
			n = gofer_encode(&rm, outbuf, sizeof(outbuf));
		}
		e = gofer_send(sock, outbuf, n, r.fd);
		if (r.fd >= 0)
			close(r.fd);
		if (e < 0)
			return e == -EPIPE ? 0 : 1;
	}
}

/* ------------------------------------------------------ confinement */

/* Bind every mount source under an empty unbindable tmpfs, pivot_root
 * there and drop the old root: only the sources stay reachable. The
 * mount roots are then held as O_PATH fds (mnts[i].fd). */
static int confine_mounts(const struct gofer_config *cfg)
{
	int srcfd[GOFER_MAX_MOUNTS];
	char p[64], src[64];

	procfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return -errno;
	if (unshare(CLONE_NEWNS) < 0)
		return -errno;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -errno;
	/* The sources, before the stage hides anything. */
	for (unsigned int i = 0; i < cfg->nmounts; i++) {
		srcfd[i] = open(cfg->mounts[i].source, O_PATH | O_CLOEXEC);
		if (srcfd[i] < 0) {
			glog("gofer: %s: %s", cfg->mounts[i].source, strerror(errno));
			return -errno;
		}
	}
	if (mount("gofer-root", STAGE, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755") < 0)
		return -errno;
	if (mount(NULL, STAGE, NULL, MS_UNBINDABLE, NULL) < 0)
		return -errno;
	for (unsigned int i = 0; i < cfg->nmounts; i++) {
		struct stat st;
		int fd;

		if (fstat(srcfd[i], &st) < 0)
			return -errno;
		snprintf(p, sizeof(p), STAGE "/%u", i);
		if (S_ISDIR(st.st_mode)) {
			if (mkdir(p, 0755) < 0)
				return -errno;
		} else {
			fd = open(p, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
			if (fd < 0)
				return -errno;
			close(fd);
		}
		snprintf(src, sizeof(src), "/proc/self/fd/%d", srcfd[i]);
		if (mount(src, p, NULL, MS_BIND | MS_REC, NULL) < 0)
			return -errno;
		close(srcfd[i]);
		if (cfg->mounts[i].rdonly) {
			struct mount_attr ma = { .attr_set = MOUNT_ATTR_RDONLY };

			if (syscall(SYS_mount_setattr, AT_FDCWD, p, AT_RECURSIVE, &ma,
				    sizeof(ma)) < 0 &&
			    mount(NULL, p, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
				return -errno;
		}
	}
	if (chdir(STAGE) < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
		return -errno;
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		return -errno;
	/* The stage itself is read-only from now on. */
	if (mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV |
		  MS_NOEXEC, NULL) < 0)
		return -errno;
	for (unsigned int i = 0; i < cfg->nmounts; i++) {
		snprintf(p, sizeof(p), "/%u", i);
		mnts[i].fd = open(p, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (mnts[i].fd < 0)
			return -errno;
		mnts[i].rdonly = cfg->mounts[i].rdonly;
	}
	nmnts = cfg->nmounts;
	return 0;
}

/* Capabilities the file operations need; the rest go, bounding set too. */
static int confine_caps(void)
{
	/* CAP_SYS_ADMIN only for trusted.* xattrs: every other use of it
	 * (mount, setns, open_by_handle_at...) is outside the seccomp list. */
	static const int keep[] = { CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH,
				    CAP_FOWNER, CAP_FSETID, CAP_SYS_ADMIN };
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = { { 0 } };

	for (int c = 0; c <= CAP_LAST_CAP; c++) {
		bool k = false;

		for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
			k |= keep[i] == c;
		if (k) {
			data[c / 32].effective |= 1u << (c % 32);
			data[c / 32].permitted |= 1u << (c % 32);
		} else if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL) {
			return -errno;
		}
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -errno;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

/* The host syscalls serving uses, nothing else (no execve, no open of a
 * path relative to the cwd, no socket but AF_UNIX). */
static int confine_seccomp(void)
{
	static const int allow[] = {
		SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(recvmsg), SCMP_SYS(sendmsg),
		SCMP_SYS(close), SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(statx),
		SCMP_SYS(getdents64), SCMP_SYS(lseek), SCMP_SYS(mkdirat), SCMP_SYS(mknodat),
		SCMP_SYS(symlinkat), SCMP_SYS(linkat), SCMP_SYS(readlinkat), SCMP_SYS(unlinkat),
		SCMP_SYS(renameat2), SCMP_SYS(renameat), SCMP_SYS(fchownat), SCMP_SYS(fchmodat), SCMP_SYS(ftruncate),
		SCMP_SYS(utimensat), SCMP_SYS(fstatfs), SCMP_SYS(fgetxattr), SCMP_SYS(fsetxattr),
		SCMP_SYS(flistxattr), SCMP_SYS(fremovexattr), SCMP_SYS(fsync), SCMP_SYS(fdatasync),
		SCMP_SYS(fchdir), SCMP_SYS(bind), SCMP_SYS(connect), SCMP_SYS(exit),
		SCMP_SYS(exit_group), SCMP_SYS(rt_sigreturn), SCMP_SYS(brk), SCMP_SYS(mmap),
		SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise), SCMP_SYS(restart_syscall),
		SCMP_SYS(getpid), SCMP_SYS(clock_gettime),
	};
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int e = 0;

	if (!ctx)
		return -ENOMEM;
	for (size_t i = 0; i < sizeof(allow) / sizeof(allow[0]) && !e; i++)
		e = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allow[i], 0);
	if (!e)
		e = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1,
				     SCMP_A0_32(SCMP_CMP_NE, (uint32_t)AT_FDCWD));
	if (!e)
		e = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
				     SCMP_A0_32(SCMP_CMP_EQ, AF_UNIX));
	/* fcntl: only F_DUPFD_CLOEXEC (attach) and flag reads. */
	if (!e)
		e = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 1,
				     SCMP_A1_32(SCMP_CMP_EQ, F_DUPFD_CLOEXEC));
	if (!e)
		e = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 1,
				     SCMP_A1_32(SCMP_CMP_EQ, F_GETFL));
	if (!e)
		e = seccomp_load(ctx);
	seccomp_release(ctx);
	return e;
}

static void gofer_usage(FILE *out)
{
	fprintf(out, "usage: runsc gofer --sock=FD --mount=[ro:]PATH... [--debug] (internal)\n");
}

int cmd_gofer(struct global_opts *g, int argc, char **argv)
{
	struct gofer_config cfg = { .nmounts = 0 };
	struct rlimit rl;
	int sock = -1, e;

	(void)g;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strncmp(a, "--sock=", 7)) {
			sock = atoi(a + 7);
		} else if (!strncmp(a, "--mount=", 8)) {
			bool ro = !strncmp(a + 8, "ro:", 3);

			if (cfg.nmounts >= GOFER_MAX_MOUNTS) {
				fprintf(stderr, "runsc gofer: too many mounts\n");
				return 2;
			}
			cfg.mounts[cfg.nmounts].rdonly = ro;
			cfg.mounts[cfg.nmounts++].source = a + 8 + (ro ? 3 : 0);
		} else if (!strcmp(a, "--debug")) {
			cfg.debug = true;
		} else {
			gofer_usage(stderr);
			return 2;
		}
	}
	if (sock < 0 || cfg.nmounts == 0) {
		gofer_usage(stderr);
		return 2;
	}
	debug = cfg.debug;
	umask(0);
	/* One O_PATH fd per handle: room for the whole handle table when we
	 * may raise the limit (before the capabilities go), else the hard
	 * limit. */
	rl.rlim_cur = rl.rlim_max = MAX_HANDLES + 64;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0 && getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if ((e = confine_mounts(&cfg)) < 0) {
		glog("gofer: mount namespace: %s", strerror(-e));
		return 1;
	}
	if ((e = confine_caps()) < 0) {
		glog("gofer: capabilities: %s", strerror(-e));
		return 1;
	}
	if ((e = confine_seccomp()) < 0) {
		glog("gofer: seccomp: %s", strerror(-e));
		return 1;
	}
	return serve(sock);
}
