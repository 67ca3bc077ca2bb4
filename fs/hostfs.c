/* Read-only host root filesystem for `runsc do` (see hostfs.h). File
 * pages are cached per host inode in the memory file, so every process
 * mapping the same library shares them. */
#define _GNU_SOURCE
#include "fs/hostfs.h"
#include "sentry/log.h"

#include <dirent.h>
#include <stdarg.h>
#include <time.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
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

/* Host pseudo filesystems the guest must not see: they describe host
 * processes and devices. /proc is served by the synthetic files below
 * until the real procfs lands; /sys is empty. */
static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '/' || !path[n]);
}

bool hostfs_is_synthetic(const char *path)
{
	return under(path, "/proc") || under(path, "/sys");
}

static int proc_follow(struct task *t, char *path, size_t sz, bool follow_last, char *target,
		       size_t tsz);

#define MAX_SYMLINKS 40

/* Resolve path (absolute) one component at a time like a path walk:
 * symlinks are expanded here, not by the host, so no walk can reach the
 * host's /proc or /sys through a link such as /dev/fd. The last component
 * is followed only if follow_last. Walks that enter /proc or /sys stop
 * there and are finished lexically by the synthetic files. */
static int walk(struct task *t, const char *path, bool follow_last, char *out, size_t outsz)
{
	char pend[8192], link[4096], tmp[8192];
	size_t len = 1;
	int links = 0;

	if (strlen(path) >= sizeof(pend) || outsz < 2)
		return -ENAMETOOLONG;
	strcpy(pend, path);
	out[0] = '/';
	out[1] = 0;
	while (pend[0]) {
		char *p = pend, *rest;
		size_t n;
		struct stat st;
		bool last;
		ssize_t ln;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		rest = p;
		while (*rest && *rest != '/')
			rest++;
		n = (size_t)(rest - p);
		while (*rest == '/')
			rest++;
		last = !*rest;
		if (n > 255)
			return -ENAMETOOLONG;
		if (n == 1 && p[0] == '.') {
			memmove(pend, rest, strlen(rest) + 1);
			continue;
		}
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (len > 1 && out[len - 1] != '/')
				len--;
			if (len > 1)
				len--;
			out[len] = 0;
			memmove(pend, rest, strlen(rest) + 1);
			continue;
		}
		if (len + n + 2 >= outsz)
			return -ENAMETOOLONG;
		if (len > 1)
			out[len++] = '/';
		memcpy(out + len, p, n);
		len += n;
		out[len] = 0;
		memmove(pend, rest, strlen(rest) + 1);
		if (hostfs_is_synthetic(out) && (strcmp(out, "/proc") && strcmp(out, "/sys"))) {
			int r;

			/* The rest is lexical inside the synthetic tree. */
			if (pend[0]) {
				if (snprintf(tmp, sizeof(tmp), "%s/%s", out, pend) >= (int)sizeof(tmp))
					return -ENAMETOOLONG;
				r = normalize(tmp, out, outsz);
				if (r < 0)
					return r;
			}
			r = proc_follow(t, out, outsz, follow_last, link, sizeof(link));
			if (r <= 0)
				return r;
			/* A link out of /proc (exe): walk its target. */
			if (++links > MAX_SYMLINKS)
				return -ELOOP;
			strcpy(pend, link);
			len = 1;
			out[1] = 0;
			continue;
		}
		if (last && !follow_last)
			break;
		if (lstat(out, &st) < 0) {
			if (last)
				break; /* the final operation reports it */
			return -errno;
		}
		if (S_ISLNK(st.st_mode)) {
			if (++links > MAX_SYMLINKS)
				return -ELOOP;
			ln = readlink(out, link, sizeof(link) - 1);
			if (ln < 0)
				return -errno;
			link[ln] = 0;
			if (snprintf(tmp, sizeof(tmp), "%s/%s", link, pend) >= (int)sizeof(tmp))
				return -ENAMETOOLONG;
			strcpy(pend, tmp);
			if (link[0] == '/') {
				len = 1;
			} else {
				while (len > 1 && out[len - 1] != '/')
					len--;
				if (len > 1)
					len--;
			}
			out[len] = 0;
			continue;
		}
		if (!last && !S_ISDIR(st.st_mode))
			return -ENOTDIR;
	}
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
		return walk(t, path, false, out, outsz);
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
	return walk(t, tmp, false, out, outsz);
}

int hostfs_follow(struct task *t, char *path, size_t sz)
{
	char tmp[8192];
	int r;

	if (strlen(path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	strcpy(tmp, path);
	r = walk(t, tmp, true, path, sz);
	return r;
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

static struct file *proc_open(const char *path, int flags, int *err);

struct file *hostfs_open(struct task *t, const char *gpath, int flags, unsigned int mode,
			 int *err)
{
	int acc = flags & O_ACCMODE, hflags;
	char path[8192];
	struct hfile *h;
	struct file *f;
	struct stat st;
	int fd, r;

	(void)mode;
	if (strlen(gpath) >= sizeof(path)) {
		*err = -ENAMETOOLONG;
		return NULL;
	}
	strcpy(path, gpath);
	if (!(flags & O_NOFOLLOW)) {
		r = hostfs_follow(t, path, sizeof(path));
		if (r < 0) {
			*err = r;
			return NULL;
		}
	}
	if (hostfs_is_synthetic(path))
		return proc_open(path, flags, err);
	if (flags & O_PATH)
		hflags = O_PATH | O_CLOEXEC;
	else
		hflags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	/* Symlinks were expanded by the walk; the host follows none. */
	hflags |= O_NOFOLLOW | (flags & O_DIRECTORY);
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
		fd = open(hostfs_host_path(path), O_RDWR | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
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

/* ---- the interim synthetic /proc (and an empty /sys) ----
 * Only guest objects: /proc/self, /proc/<guest pid>/{exe,maps,status}, and
 * cpuinfo/meminfo, which describe the hardware, passed through from the
 * host. Contents are generated at open. */

enum pkind {
	PN_ROOT = 1, PN_SYSROOT, PN_SELF, PN_PID, PN_EXE, PN_MAPS, PN_STATUS, PN_HOST,
	PN_FDDIR, PN_FD
};

struct pnode {
	enum pkind kind;
	struct thread_group *tg;
	const char *host;    /* PN_HOST: the host file */
	int fd;              /* PN_FD */
};

/* The open file behind /proc/pid/fd/N, with a new reference. */
static struct file *pn_file(const struct pnode *pn)
{
	struct files *fs = pn->tg->leader ? pn->tg->leader->files : NULL;

	return fs ? fd_get(fs, pn->fd) : NULL;
}

static struct thread_group *live_tg(const char *s)
{
	char *end;
	long n;
	struct thread_group *tg;

	if (*s < '1' || *s > '9')
		return NULL;
	n = strtol(s, &end, 10);
	if (*end || n <= 0 || n > (1 << 22))
		return NULL;
	tg = tg_lookup((int)n);
	return tg && !tg->zombie && !tg->reaped ? tg : NULL;
}

/* Split "/proc/a/b/c" into up to 3 components; returns their count or -1
 * if there are more. */
static int proc_split(const char *path, char c[3][256])
{
	const char *p = path + strlen("/proc");
	int n = 0;

	while (*p == '/') {
		const char *s = ++p;

		while (*p && *p != '/')
			p++;
		if (p == s)
			continue;
		if (n == 3 || (size_t)(p - s) >= 256)
			return -1;
		memcpy(c[n], s, (size_t)(p - s));
		c[n][p - s] = 0;
		n++;
	}
	return n;
}

static int proc_follow(struct task *t, char *path, size_t sz, bool follow_last, char *target,
		       size_t tsz)
{
	char c[3][256];
	int n;
	struct thread_group *tg;

	if (!under(path, "/proc"))
		return 0;
	n = proc_split(path, c);
	if (n < 1)
		return 0;
	if (!strcmp(c[0], "self") && (n > 1 || follow_last)) {
		char tmp[1024];

		snprintf(tmp, sizeof(tmp), "/proc/%d%s%s%s%s", t->tg->tgid, n > 1 ? "/" : "",
			 n > 1 ? c[1] : "", n > 2 ? "/" : "", n > 2 ? c[2] : "");
		if (strlen(tmp) >= sz)
			return -ENAMETOOLONG;
		strcpy(path, tmp);
		snprintf(c[0], sizeof(c[0]), "%d", t->tg->tgid);
	}
	if (n == 2 && follow_last && !strcmp(c[1], "exe") && (tg = live_tg(c[0])) &&
	    tg->leader && tg->leader->mm && tg->leader->mm->exe_path &&
	    strlen(tg->leader->mm->exe_path) < tsz) {
		strcpy(target, tg->leader->mm->exe_path);
		return 1;
	}
	return 0;
}

static int proc_lookup(const char *path, struct pnode *pn)
{
	char c[3][256];
	int n;

	memset(pn, 0, sizeof(*pn));
	if (!strcmp(path, "/sys")) {
		pn->kind = PN_SYSROOT;
		return 0;
	}
	if (!under(path, "/proc"))
		return -ENOENT;
	n = proc_split(path, c);
	if (n < 0)
		return -ENOENT;
	if (n == 0) {
		pn->kind = PN_ROOT;
		return 0;
	}
	if (n == 1 && !strcmp(c[0], "self")) {
		pn->kind = PN_SELF;
		return 0;
	}
	if (n == 1 && (!strcmp(c[0], "cpuinfo") || !strcmp(c[0], "meminfo"))) {
		pn->kind = PN_HOST;
		pn->host = !strcmp(c[0], "cpuinfo") ? "/proc/cpuinfo" : "/proc/meminfo";
		return 0;
	}
	pn->tg = live_tg(c[0]);
	if (!pn->tg)
		return -ENOENT;
	if (n == 1)
		pn->kind = PN_PID;
	else if (n == 2 && !strcmp(c[1], "exe"))
		pn->kind = PN_EXE;
	else if (n == 2 && !strcmp(c[1], "maps"))
		pn->kind = PN_MAPS;
	else if (n == 2 && !strcmp(c[1], "status"))
		pn->kind = PN_STATUS;
	else if (n == 2 && !strcmp(c[1], "fd"))
		pn->kind = PN_FDDIR;
	else if (n == 3 && !strcmp(c[1], "fd")) {
		struct file *f;
		char *end;
		long fd = strtol(c[2], &end, 10);

		if (*end || c[2][0] < '0' || c[2][0] > '9' || fd > INT32_MAX)
			return -ENOENT;
		pn->kind = PN_FD;
		pn->fd = (int)fd;
		f = pn_file(pn);
		if (!f)
			return -ENOENT;
		file_put(f);
	} else
		return -ENOENT;
	return 0;
}

static void count_tg(struct thread_group *tg, void *arg)
{
	if (!tg->zombie && !tg->reaped)
		(*(nlink_t *)arg)++;
}

static int proc_stat(const char *path, const struct pnode *pn, struct stat *st)
{
	struct stat root;
	struct cred *cr = pn->tg && pn->tg->leader ? pn->tg->leader->cred : NULL;

	if (pn->kind == PN_ROOT || pn->kind == PN_SYSROOT) {
		/* The mount point itself, as `ls -la /` shows it natively,
		 * except that /proc's link count would count host processes:
		 * count the guest's instead. */
		if (lstat(pn->kind == PN_ROOT ? "/proc" : "/sys", st) < 0)
			return -errno;
		if (pn->kind == PN_ROOT) {
			st->st_nlink = 2;
			for_each_tg(count_tg, &st->st_nlink);
		}
		return 0;
	}
	if (lstat("/proc", &root) < 0)
		return -errno;
	memset(st, 0, sizeof(*st));
	st->st_dev = root.st_dev;
	st->st_ino = 0x10000;
	for (const char *p = path; *p; p++)
		st->st_ino = st->st_ino * 31 + (unsigned char)*p;
	st->st_ino &= 0xffffffff;
	st->st_nlink = 1;
	st->st_uid = cr ? cr->euid : 0;
	st->st_gid = cr ? cr->egid : 0;
	st->st_blksize = 1024;
	clock_gettime(CLOCK_REALTIME, &st->st_mtim);
	st->st_atim = st->st_ctim = st->st_mtim;
	switch (pn->kind) {
	case PN_SELF:
		st->st_mode = S_IFLNK | 0777;
		break;
	case PN_EXE:
		st->st_mode = S_IFLNK | 0777;
		break;
	case PN_FD:
		st->st_mode = S_IFLNK | 0700;
		break;
	case PN_FDDIR:
		st->st_mode = S_IFDIR | 0500;
		st->st_nlink = 2;
		break;
	case PN_PID:
		st->st_mode = S_IFDIR | 0555;
		st->st_nlink = 9;
		break;
	default:
		st->st_mode = S_IFREG | 0444;
	}
	return 0;
}

/* A growing text buffer. */
struct sbuf {
	char *d;
	size_t len, cap;
	bool oom;
};

static void sb_add(struct sbuf *b, const void *p, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		char *d;

		while (cap < b->len + n + 1)
			cap *= 2;
		d = realloc(b->d, cap);
		if (!d) {
			b->oom = true;
			return;
		}
		b->d = d;
		b->cap = cap;
	}
	memcpy(b->d + b->len, p, n);
	b->len += n;
	b->d[b->len] = 0;
}

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		sb_add(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* One linux_dirent64 record. */
static void sb_dirent(struct sbuf *b, const char *name, unsigned char type, uint64_t ino)
{
	size_t nl = strlen(name), reclen = (19 + nl + 1 + 7) & ~(size_t)7;
	uint8_t rec[300];
	uint64_t off = b->len + reclen;
	uint16_t rl = (uint16_t)reclen;

	memset(rec, 0, reclen);
	memcpy(rec, &ino, 8);
	memcpy(rec + 8, &off, 8);
	memcpy(rec + 16, &rl, 2);
	rec[18] = type;
	memcpy(rec + 19, name, nl);
	sb_add(b, rec, reclen);
}

static void add_tg_dirent(struct thread_group *tg, void *arg)
{
	char name[16];

	if (tg->zombie || tg->reaped)
		return;
	snprintf(name, sizeof(name), "%d", tg->tgid);
	sb_dirent(arg, name, DT_DIR, 0x20000 + (uint64_t)tg->tgid);
}

static ksigset_t sig_with(struct sighand *sh, bool ignored)
{
	ksigset_t m = 0;

	/* A leader that has exited holds no handlers any more. */
	if (!sh)
		return 0;
	for (int i = 0; i < NSIG_K; i++) {
		uint64_t h = sh->action[i].handler;

		if (ignored ? h == (uint64_t)SIG_IGN : (h != (uint64_t)SIG_IGN && h != (uint64_t)SIG_DFL))
			m |= 1UL << i;
	}
	return m;
}

static void proc_status(struct sbuf *b, struct thread_group *tg)
{
	struct task *l = tg->leader;
	struct cred *c = l->cred;

	sb_printf(b, "Name:\t%s\nUmask:\t%04o\nState:\tR (running)\nTgid:\t%d\nNgid:\t0\n"
		  "Pid:\t%d\nPPid:\t%d\nTracerPid:\t0\n",
		  l->comm, l->fs ? l->fs->umask : 022, tg->tgid, tg->tgid,
		  tg->parent ? tg->parent->tgid : 0);
	sb_printf(b, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nFDSize:\t%d\nGroups:\t",
		  c->uid, c->euid, c->suid, c->fsuid, c->gid, c->egid, c->sgid, c->fsgid,
		  l->files ? l->files->size : 0);
	for (uint32_t i = 0; i < c->ngroups && i < 64; i++)
		sb_printf(b, "%u ", c->groups[i]);
	sb_printf(b, "\nVmRSS:\t%8llu kB\nThreads:\t%d\n",
		  l->mm ? (unsigned long long)l->mm->rss_pages * 4 : 0ULL, tg->live_threads);
	sb_printf(b, "SigPnd:\t%016llx\nShdPnd:\t%016llx\nSigBlk:\t%016llx\nSigIgn:\t%016llx\n"
		  "SigCgt:\t%016llx\n",
		  (unsigned long long)l->pending.set, (unsigned long long)tg->shared_pending.set,
		  (unsigned long long)l->blocked, (unsigned long long)sig_with(tg_sighand(tg), true),
		  (unsigned long long)sig_with(tg_sighand(tg), false));
	sb_printf(b, "CapInh:\t%016llx\nCapPrm:\t%016llx\nCapEff:\t%016llx\nCapBnd:\t%016llx\n"
		  "CapAmb:\t%016llx\nNoNewPrivs:\t%d\nSeccomp:\t0\n",
		  (unsigned long long)c->cap_inheritable, (unsigned long long)c->cap_permitted,
		  (unsigned long long)c->cap_effective, (unsigned long long)c->cap_bounding,
		  (unsigned long long)c->cap_ambient, l->no_new_privs);
}

static int proc_fill(const struct pnode *pn, struct sbuf *b)
{
	int fd;

	switch (pn->kind) {
	case PN_ROOT:
		sb_dirent(b, ".", DT_DIR, 1);
		sb_dirent(b, "..", DT_DIR, 2);
		sb_dirent(b, "self", DT_LNK, 3);
		sb_dirent(b, "cpuinfo", DT_REG, 4);
		sb_dirent(b, "meminfo", DT_REG, 5);
		for_each_tg(add_tg_dirent, b);
		break;
	case PN_SYSROOT:
		sb_dirent(b, ".", DT_DIR, 1);
		sb_dirent(b, "..", DT_DIR, 2);
		break;
	case PN_PID:
		sb_dirent(b, ".", DT_DIR, 1);
		sb_dirent(b, "..", DT_DIR, 2);
		sb_dirent(b, "exe", DT_LNK, 6);
		sb_dirent(b, "fd", DT_DIR, 9);
		sb_dirent(b, "maps", DT_REG, 7);
		sb_dirent(b, "status", DT_REG, 8);
		break;
	case PN_FDDIR: {
		struct files *fs = pn->tg->leader->files;

		sb_dirent(b, ".", DT_DIR, 1);
		sb_dirent(b, "..", DT_DIR, 2);
		for (int i = 0; fs && i < fs->size; i++) {
			char name[16];

			if (!fs->fds[i].file)
				continue;
			snprintf(name, sizeof(name), "%d", i);
			sb_dirent(b, name, DT_LNK, 0x40000 + (uint64_t)i);
		}
		break;
	}
	case PN_MAPS:
		if (pn->tg->leader->mm) {
			size_t cap = 16384, n;

			for (;;) {
				char *m = malloc(cap);

				if (!m)
					return -ENOMEM;
				n = mm_format_maps(pn->tg->leader->mm, m, cap);
				if (n < cap - 256) {
					sb_add(b, m, n);
					free(m);
					break;
				}
				free(m);
				cap *= 4;
			}
		}
		break;
	case PN_STATUS:
		proc_status(b, pn->tg);
		break;
	case PN_HOST:
		fd = open(pn->host, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		for (;;) {
			char tmp[4096];
			ssize_t r = read(fd, tmp, sizeof(tmp));

			if (r <= 0)
				break;
			sb_add(b, tmp, (size_t)r);
		}
		close(fd);
		break;
	default:
		return -EINVAL;
	}
	return b->oom ? -ENOMEM : 0;
}

struct synth {
	struct sbuf b;
	struct stat st;
	bool dir;
};

static ssize_t sy_read(struct task *t, struct file *f, void *buf, size_t n, int64_t *pos)
{
	struct synth *s = f->priv;
	int64_t p = pos ? *pos : f->pos;

	if (s->dir)
		return -EISDIR;
	if (p < 0 || (uint64_t)p >= s->b.len)
		return 0;
	if (n > s->b.len - (size_t)p)
		n = s->b.len - (size_t)p;
	memcpy(buf, s->b.d + p, n);
	if (pos)
		*pos += (int64_t)n;
	return (ssize_t)n;
}

static int64_t sy_llseek(struct file *f, int64_t off, int whence)
{
	struct synth *s = f->priv;

	switch (whence) {
	case SEEK_SET:
		break;
	case SEEK_CUR:
		off += f->pos;
		break;
	case SEEK_END:
		off += (int64_t)s->b.len;
		break;
	default:
		return -EINVAL;
	}
	if (off < 0)
		return -EINVAL;
	f->pos = off;
	return off;
}

static int sy_fstat(struct file *f, struct stat *st)
{
	*st = ((struct synth *)f->priv)->st;
	return 0;
}

static long sy_getdents(struct task *t, struct file *f, void *buf, size_t n)
{
	struct synth *s = f->priv;
	size_t start = (size_t)f->pos, end = start;

	if (!s->dir)
		return -ENOTDIR;
	while (end < s->b.len) {
		uint16_t rl;

		memcpy(&rl, s->b.d + end + 16, 2);
		if (end + rl - start > n)
			break;
		end += rl;
	}
	if (end == start && end < s->b.len)
		return -EINVAL;
	memcpy(buf, s->b.d + start, end - start);
	f->pos = (int64_t)end;
	return (long)(end - start);
}

static void sy_release(struct file *f)
{
	struct synth *s = f->priv;

	free(s->b.d);
	free(s);
}

static const struct file_ops synth_dir_ops = {
	.read = sy_read,
	.llseek = sy_llseek,
	.fstat = sy_fstat,
	.getdents = sy_getdents,
	.poll = hf_poll,
	.release = sy_release,
};

static const struct file_ops synth_file_ops = {
	.read = sy_read,
	.llseek = sy_llseek,
	.fstat = sy_fstat,
	.poll = hf_poll,
	.release = sy_release,
};

static struct file *proc_open(const char *path, int flags, int *err)
{
	struct pnode pn;
	struct synth *s;
	struct file *f;
	int r = proc_lookup(path, &pn);

	if (r < 0)
		goto fail;
	if (pn.kind == PN_FD && !(flags & (O_NOFOLLOW | O_PATH))) {
		/* Opening a guest's fd link gives its open file (Linux
		 * reopens it; sharing the description is close enough for
		 * /dev/stdin and pipes). */
		f = pn_file(&pn);
		if (!f) {
			r = -ENOENT;
			goto fail;
		}
		return f;
	}
	if (pn.kind == PN_SELF || pn.kind == PN_EXE || pn.kind == PN_FD) {
		/* Only reached with O_NOFOLLOW (or O_PATH). */
		r = (flags & O_PATH) ? -EOPNOTSUPP : -ELOOP;
		goto fail;
	}
	if ((flags & O_ACCMODE) != O_RDONLY) {
		r = (pn.kind == PN_ROOT || pn.kind == PN_SYSROOT || pn.kind == PN_PID ||
		     pn.kind == PN_FDDIR) ? -EISDIR : -EACCES;
		goto fail;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		r = -ENOMEM;
		goto fail;
	}
	s->dir = pn.kind == PN_ROOT || pn.kind == PN_SYSROOT || pn.kind == PN_PID ||
		 pn.kind == PN_FDDIR;
	if ((flags & O_DIRECTORY) && !s->dir) {
		free(s);
		r = -ENOTDIR;
		goto fail;
	}
	r = proc_stat(path, &pn, &s->st);
	if (r == 0)
		r = proc_fill(&pn, &s->b);
	if (r < 0) {
		free(s->b.d);
		free(s);
		goto fail;
	}
	f = file_new(s->dir ? &synth_dir_ops : &synth_file_ops,
		     flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY | O_CLOEXEC), s, path);
	if (!f) {
		sy_release(&(struct file){ .priv = s });
		r = -ENOMEM;
		goto fail;
	}
	return f;
fail:
	*err = r;
	return NULL;
}

int hostfs_stat(struct task *t, const char *path, struct stat *st, bool follow)
{
	char full[8192];
	struct pnode pn;
	int r;

	if (strlen(path) >= sizeof(full))
		return -ENAMETOOLONG;
	strcpy(full, path);
	if (follow) {
		r = hostfs_follow(t, full, sizeof(full));
		if (r < 0)
			return r;
	}
	if (hostfs_is_synthetic(full)) {
		r = proc_lookup(full, &pn);
		if (r == 0 && pn.kind == PN_FD && follow) {
			struct file *f = pn_file(&pn);

			if (!f)
				return -ENOENT;
			r = f->ops->fstat ? f->ops->fstat(f, st) : -EINVAL;
			file_put(f);
			return r;
		}
		return r < 0 ? r : proc_stat(full, &pn, st);
	}
	return lstat(hostfs_host_path(full), st) < 0 ? -errno : 0;
}

long hostfs_readlink(struct task *t, const char *path, char *buf, size_t sz)
{
	struct pnode pn;
	const char *target;
	char pid[16];
	ssize_t n;
	int r;

	if (!hostfs_is_synthetic(path)) {
		n = readlink(hostfs_host_path(path), buf, sz);
		return n < 0 ? -errno : n;
	}
	r = proc_lookup(path, &pn);
	if (r < 0)
		return r;
	if (pn.kind == PN_SELF) {
		snprintf(pid, sizeof(pid), "%d", t->tg->tgid);
		target = pid;
	} else if (pn.kind == PN_FD) {
		struct file *f = pn_file(&pn);

		if (!f)
			return -ENOENT;
		n = (ssize_t)strlen(f->path ? f->path : "");
		if ((size_t)n > sz)
			n = (ssize_t)sz;
		memcpy(buf, f->path ? f->path : "", (size_t)n);
		file_put(f);
		return n;
	} else if (pn.kind == PN_EXE) {
		if (!pn.tg->leader->mm || !pn.tg->leader->mm->exe_path)
			return -ENOENT;
		target = pn.tg->leader->mm->exe_path;
	} else {
		return -EINVAL;
	}
	n = (ssize_t)strlen(target);
	if ((size_t)n > sz)
		n = (ssize_t)sz;
	memcpy(buf, target, (size_t)n);
	return n;
}

/* Extended attributes of host files, read-only (SELinux labels and ACLs
 * that ls -l looks for). Synthetic files have none. */
long hostfs_xattr(struct task *t, const char *gpath, bool follow, const char *name, void *buf,
		  size_t size)
{
	char path[8192];
	ssize_t r;
	int err;

	if (strlen(gpath) >= sizeof(path))
		return -ENAMETOOLONG;
	strcpy(path, gpath);
	if (follow) {
		err = hostfs_follow(t, path, sizeof(path));
		if (err < 0)
			return err;
	}
	if (hostfs_is_synthetic(path)) {
		struct pnode pn;

		err = proc_lookup(path, &pn);
		if (err < 0)
			return err;
		return name ? -ENODATA : 0;
	}
	/* The walk expanded every link: the host must not follow one. */
	r = name ? lgetxattr(hostfs_host_path(path), name, buf, size)
		 : llistxattr(hostfs_host_path(path), buf, size);
	return r < 0 ? -errno : r;
}

/* ---- exec ---- */

/* An executable being loaded; path is its resolved path, what
 * /proc/pid/exe shows. */
struct xfile {
	struct hfile h;
	char *path;
};

static int ex_open(struct task *t, const char *path, void **hp)
{
	struct xfile *x;
	struct hfile *h;
	char full[8192];
	int fd, err;

	err = hostfs_resolve_at(t, AT_FDCWD, path, full, sizeof(full), false);
	if (err < 0)
		return err;
	err = hostfs_follow(t, full, sizeof(full));
	if (err < 0)
		return err;
	if (hostfs_is_synthetic(full))
		return under(full, "/proc") ? -EACCES : -ENOENT;
	fd = open(hostfs_host_path(full), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	x = calloc(1, sizeof(*x));
	if (!x || !(x->path = strdup(full))) {
		free(x);
		close(fd);
		return -ENOMEM;
	}
	h = &x->h;
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
	free(x->path);
	free(x);
	return err;
}

static const char *ex_path(void *hp)
{
	return ((struct xfile *)hp)->path;
}

static ssize_t ex_pread(void *hp, void *buf, size_t n, uint64_t off)
{
	struct hfile *h = hp;
	ssize_t r = pread(h->fd, buf, n, (off_t)off);

	return r < 0 ? -errno : r;
}

static struct memobj *ex_memobj(void *hp)
{
	struct xfile *x = hp;

	return cache_get(x->h.fd, &x->h.st, x->path);
}

static void ex_close(void *hp)
{
	struct xfile *x = hp;

	close(x->h.fd);
	free(x->path);
	free(x);
}

const struct exec_file_ops hostfs_exec_ops = {
	.open = ex_open,
	.path = ex_path,
	.pread = ex_pread,
	.memobj = ex_memobj,
	.close = ex_close,
};
