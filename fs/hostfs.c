/* Read-only host root filesystem for `runsc do` (see hostfs.h). File
 * pages are cached per host inode in the memory file, so every process
 * mapping the same library shares them. */
#define _GNU_SOURCE
#include "fs/hostfs.h"
#include "sentry/log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

struct hfile {
	int fd;
	struct stat st;
	bool dir;
};

/* ---- per-inode page cache objects ---- */

struct cache_ent {
	dev_t dev;
	ino_t ino;
	struct memobj *obj;
	struct cache_ent *next;
};
static struct cache_ent *cache;

struct cobj {
	int fd;
};

static int cache_fill(struct memobj *obj, uint64_t pgoff, void *page)
{
	struct cobj *c = obj->priv;
	ssize_t n = pread(c->fd, page, PAGE_SIZE, (off_t)(pgoff << PAGE_SHIFT));

	return n < 0 ? -EIO : 0;
}

static void cache_release(struct memobj *obj)
{
	struct cobj *c = obj->priv;

	for (struct cache_ent **pp = &cache; *pp; pp = &(*pp)->next) {
		if ((*pp)->obj == obj) {
			struct cache_ent *e = *pp;

			*pp = e->next;
			free(e);
			break;
		}
	}
	close(c->fd);
	free(c);
}

static const struct memobj_ops cache_ops = { .fill = cache_fill, .release = cache_release };

static struct memobj *cache_get(int fd, const struct stat *st, const char *name)
{
	struct cache_ent *e;
	struct cobj *c;

	for (e = cache; e; e = e->next) {
		if (e->dev == st->st_dev && e->ino == st->st_ino) {
			e->obj->size = (uint64_t)st->st_size;
			memobj_get(e->obj);
			return e->obj;
		}
	}
	c = calloc(1, sizeof(*c));
	e = calloc(1, sizeof(*e));
	if (!c || !e)
		goto fail;
	c->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (c->fd < 0)
		goto fail;
	e->obj = memobj_new(&cache_ops, c, (uint64_t)st->st_size, name);
	if (!e->obj) {
		close(c->fd);
		goto fail;
	}
	e->obj->dev = st->st_dev;
	e->obj->ino = st->st_ino;
	e->dev = st->st_dev;
	e->ino = st->st_ino;
	e->next = cache;
	cache = e;
	return e->obj;
fail:
	free(c);
	free(e);
	return NULL;
}

/* ---- paths ---- */

static int normalize(const char *in, char *out, size_t outsz)
{
	size_t len = 0;
	const char *p = in;

	if (outsz < 2)
		return -ENAMETOOLONG;
	out[len++] = '/';
	while (*p) {
		const char *s;
		size_t n;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		s = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - s);
		if (n > 255)
			return -ENAMETOOLONG;
		if (n == 1 && s[0] == '.')
			continue;
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			while (len > 1 && out[len - 1] != '/')
				len--;
			if (len > 1)
				len--;
			continue;
		}
		if (len > 1)
			out[len++] = '/';
		if (len + n + 1 >= outsz)
			return -ENAMETOOLONG;
		memcpy(out + len, s, n);
		len += n;
	}
	out[len] = 0;
	return 0;
}

int hostfs_resolve_at(struct task *t, int dirfd, const char *path, char *out, size_t outsz,
		      bool empty_ok)
{
	char tmp[8192];
	const char *base;
	struct file *f = NULL;
	int err;

	if (strlen(path) >= 4096)
		return -ENAMETOOLONG;
	if (path[0] == '/')
		return normalize(path, out, outsz);
	if (dirfd == AT_FDCWD) {
		base = t->fs->cwd;
	} else {
		f = fd_get(t->files, dirfd);
		if (!f)
			return -EBADF;
		if (!f->path || f->path[0] != '/') {
			file_put(f);
			return -ENOTDIR;
		}
		base = f->path;
		if (!path[0] && empty_ok) {
			err = normalize(base, out, outsz);
			file_put(f);
			return err;
		}
		if (!(f->ops->getdents)) {
			file_put(f);
			return -ENOTDIR;
		}
	}
	if (!path[0]) {
		if (f)
			file_put(f);
		return -ENOENT;
	}
	snprintf(tmp, sizeof(tmp), "%s/%s", base, path);
	if (f)
		file_put(f);
	return normalize(tmp, out, outsz);
}

const char *hostfs_host_path(const char *guest_path)
{
	/* `runsc do` runs over the host root: the same path. */
	return guest_path;
}

/* ---- file operations ---- */

static ssize_t hf_read(struct task *t, struct file *f, void *buf, size_t n, int64_t *pos)
{
	struct hfile *h = f->priv;
	ssize_t r;

	(void)t;
	if (h->dir)
		return -EISDIR;
	if (!S_ISREG(h->st.st_mode) || !pos) {
		r = read(h->fd, buf, n);
		return r < 0 ? -errno : r;
	}
	r = pread(h->fd, buf, n, *pos);
	if (r < 0)
		return -errno;
	*pos += r;
	return r;
}

static ssize_t hf_write(struct task *t, struct file *f, const void *buf, size_t n, int64_t *pos)
{
	struct hfile *h = f->priv;
	ssize_t r;

	(void)t;
	(void)pos;
	if (!S_ISCHR(h->st.st_mode))
		return -EBADF;
	r = write(h->fd, buf, n);
	return r < 0 ? -errno : r;
}

static int64_t hf_llseek(struct file *f, int64_t off, int whence)
{
	struct hfile *h = f->priv;
	off_t r;

	if (h->dir) {
		if (whence != SEEK_SET && whence != SEEK_CUR)
			return -EINVAL;
		r = lseek(h->fd, off, whence);
		if (r < 0)
			return -errno;
		f->pos = r;
		return r;
	}
	if (S_ISCHR(h->st.st_mode))
		return 0;
	switch (whence) {
	case SEEK_SET:
		break;
	case SEEK_CUR:
		off += f->pos;
		break;
	case SEEK_END:
		off += h->st.st_size;
		break;
	case SEEK_DATA:
	case SEEK_HOLE:
		r = lseek(h->fd, off, whence);
		if (r < 0)
			return -errno;
		f->pos = r;
		return r;
	default:
		return -EINVAL;
	}
	if (off < 0)
		return -EINVAL;
	f->pos = off;
	return off;
}

static int hf_fstat(struct file *f, struct stat *st)
{
	struct hfile *h = f->priv;

	return fstat(h->fd, st) < 0 ? -errno : 0;
}

static long hf_getdents(struct task *t, struct file *f, void *buf, size_t n)
{
	struct hfile *h = f->priv;
	long r;

	(void)t;
	if (!h->dir)
		return -ENOTDIR;
	r = syscall(SYS_getdents64, h->fd, buf, n);
	if (r < 0)
		return -errno;
	f->pos = lseek(h->fd, 0, SEEK_CUR);
	return r;
}

static int hf_mmap(struct file *f, struct memobj **obj)
{
	struct hfile *h = f->priv;

	if (!S_ISREG(h->st.st_mode))
		return -ENODEV;
	*obj = cache_get(h->fd, &h->st, f->path);
	return *obj ? 0 : -ENOMEM;
}

static unsigned int hf_poll(struct file *f, struct waitq **wq)
{
	(void)f;
	if (wq)
		*wq = NULL;
	return 0x1 | 0x4; /* POLLIN | POLLOUT */
}

static void hf_release(struct file *f)
{
	struct hfile *h = f->priv;

	close(h->fd);
	free(h);
}

static const struct file_ops hostfs_ops = {
	.read = hf_read,
	.write = hf_write,
	.llseek = hf_llseek,
	.fstat = hf_fstat,
	.getdents = hf_getdents,
	.mmap = hf_mmap,
	.poll = hf_poll,
	.release = hf_release,
};

static const struct file_ops hostfs_file_ops = {
	.read = hf_read,
	.write = hf_write,
	.llseek = hf_llseek,
	.fstat = hf_fstat,
	.mmap = hf_mmap,
	.poll = hf_poll,
	.release = hf_release,
};

static bool harmless_device(const struct stat *st)
{
	/* /dev/null, /dev/zero, /dev/full, /dev/random, /dev/urandom */
	return S_ISCHR(st->st_mode) && major(st->st_rdev) == 1 &&
	       (minor(st->st_rdev) == 3 || minor(st->st_rdev) == 5 || minor(st->st_rdev) == 7 ||
		minor(st->st_rdev) == 8 || minor(st->st_rdev) == 9);
}

struct file *hostfs_open(struct task *t, const char *path, int flags, unsigned int mode,
			 int *err)
{
	int acc = flags & O_ACCMODE, hflags;
	struct hfile *h;
	struct file *f;
	struct stat st;
	int fd;

	(void)t;
	(void)mode;
	if (flags & O_PATH)
		hflags = O_PATH | O_CLOEXEC;
	else
		hflags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	hflags |= flags & (O_NOFOLLOW | O_DIRECTORY);
	fd = open(hostfs_host_path(path), hflags);
	if (fd < 0) {
		if (errno == ENOENT && (flags & O_CREAT))
			*err = -EROFS;
		else
			*err = -errno;
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		*err = -errno;
		close(fd);
		return NULL;
	}
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) {
		close(fd);
		*err = -EEXIST;
		return NULL;
	}
	if ((acc != O_RDONLY || (flags & O_TRUNC)) && !(flags & O_PATH)) {
		if (!harmless_device(&st)) {
			close(fd);
			*err = S_ISDIR(st.st_mode) ? -EISDIR : -EROFS;
			return NULL;
		}
		close(fd);
		fd = open(hostfs_host_path(path), O_RDWR | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			*err = -errno;
			return NULL;
		}
	}
	if (S_ISCHR(st.st_mode) && !harmless_device(&st) && !(flags & O_PATH)) {
		/* Host devices other than the harmless ones stay closed. */
		close(fd);
		*err = -EACCES;
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		close(fd);
		*err = -ENOMEM;
		return NULL;
	}
	h->fd = fd;
	h->st = st;
	h->dir = S_ISDIR(st.st_mode);
	f = file_new(h->dir ? &hostfs_ops : &hostfs_file_ops, flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY | O_CLOEXEC),
		     h, path);
	if (!f) {
		close(fd);
		free(h);
		*err = -ENOMEM;
	}
	return f;
}

/* ---- exec ---- */

static int ex_open(struct task *t, const char *path, void **hp)
{
	struct hfile *h;
	char full[8192];
	int fd, err;

	err = hostfs_resolve_at(t, AT_FDCWD, path, full, sizeof(full), false);
	if (err < 0)
		return err;
	fd = open(hostfs_host_path(full), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	h = calloc(1, sizeof(*h));
	if (!h) {
		close(fd);
		return -ENOMEM;
	}
	h->fd = fd;
	if (fstat(fd, &h->st) < 0 || !S_ISREG(h->st.st_mode)) {
		err = S_ISDIR(h->st.st_mode) ? -EACCES : -EACCES;
		goto fail;
	}
	if (!(h->st.st_mode & 0111)) {
		err = -EACCES;
		goto fail;
	}
	*hp = h;
	return 0;
fail:
	close(fd);
	free(h);
	return err;
}

static ssize_t ex_pread(void *hp, void *buf, size_t n, uint64_t off)
{
	struct hfile *h = hp;
	ssize_t r = pread(h->fd, buf, n, (off_t)off);

	return r < 0 ? -errno : r;
}

static struct memobj *ex_memobj(void *hp)
{
	struct hfile *h = hp;

	return cache_get(h->fd, &h->st, NULL);
}

static void ex_close(void *hp)
{
	struct hfile *h = hp;

	close(h->fd);
	free(h);
}

const struct exec_file_ops hostfs_exec_ops = {
	.open = ex_open,
	.pread = ex_pread,
	.memobj = ex_memobj,
	.close = ex_close,
};
