/* The gofer client filesystem: every inode is a handle (fid) in the gofer
 * process, every directory operation an RPC over the gofer socket
 * (fs/gofer_proto.h). File data does not go through the gofer: open gets a
 * host fd (SCM_RIGHTS) and read/write are pread/pwrite on it. Mapped files
 * have a page cache (inode->cache, filled by pread) that read and write
 * keep coherent; pages of writable shared mappings are written back at
 * fsync, at each last close and when the cache goes. Cached dentries are
 * revalidated against the host on each walk, so host-side changes show. */
#define _GNU_SOURCE
#include "fs/gofer.h"
#include "fs/gofer_proto.h"
#include "fs/vfs.h"
#include "sentry/log.h"
#include "sentry/memfile.h"
#include "sentry/memobj.h"
#include "sentry/task.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <linux/falloc.h>
#include <unistd.h>

/* One gofer connection, shared by the superblocks of its mounts. RPCs are
 * one at a time: lock (gconn_lock) is taken after the BKL has been dropped
 * and released before it is taken again, so it nests inside nothing. */
struct gconn {
	int sock;
	pthread_mutex_t lock;
	uint32_t tag;
	bool dead;              /* a malformed reply or a closed socket: -EIO */
	uint32_t *pending;      /* fids to release (under the BKL) */
	unsigned int npending, cap_pending;
	struct gconn *next;
	char sbuf[GOFER_MSG_MAX], rbuf[GOFER_MSG_MAX];
};

static struct gconn *conns;   /* under the BKL (or at boot, single-threaded) */

/* How long attributes fetched from the host are used without asking
 * again (stat, open and revalidation of a cached name within this window
 * cost no RPC): changes made on the host show within it, as with NFS's
 * attribute cache but much shorter. Our own changes refresh at once. */
#define ATTR_TTL_NS 10000000ull   /* 10 ms */

/* inode->priv. The fids and fds are this inode's own. */
struct gnode {
	struct gconn *c;
	uint32_t fid;
	int rfd, wfd;           /* host fds of a regular file: O_RDONLY, O_RDWR */
	unsigned int opens;     /* open descriptions using them */
	struct list_head idle;  /* in idle_fds while it has fds and no opens */
	uint64_t attr_time;     /* CLOCK_MONOTONIC ns of the last host attributes */
	char *link;             /* a symlink's target once read (they never change) */
	uint32_t linklen;
};

/* Host fds of files nobody has open stay for a quick reopen, for up to
 * IDLE_FDS_MAX inodes; past that the oldest idle ones are closed (the
 * sentry's fd limit serves everything else it does). Under the BKL. */
#define IDLE_FDS_MAX 512
static struct list_head idle_fds = LIST_HEAD_INIT(idle_fds);
static unsigned int nidle;

static void idle_del(struct gnode *g)
{
	if (!list_empty(&g->idle)) {
		list_del(&g->idle);
		nidle--;
	}
}

static void close_fds(struct gnode *g)
{
	if (g->rfd >= 0)
		close(g->rfd);
	if (g->wfd >= 0)
		close(g->wfd);
	g->rfd = g->wfd = -1;
}

static void idle_add(struct gnode *g)
{
	if (g->rfd < 0 && g->wfd < 0)
		return;
	list_add_tail(&g->idle, &idle_fds);
	nidle++;
	while (nidle > IDLE_FDS_MAX) {
		struct gnode *old = list_first_entry(&idle_fds, struct gnode, idle);

		idle_del(old);
		close_fds(old);
	}
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* memobj->priv of a page cache. While only read-only mappings ever used
 * it, the inode holds a reference too, so the pages of a library stay
 * for the next exec. Once a file opened read-write maps it, the inode
 * lets go of its reference (inode->cache only points at it): the last
 * munmap then releases the cache, and the release writes back, even when
 * the process is killed. Its fds are its own, as it may outlive the
 * inode. */
struct gcache {
	int fd;                 /* for fills */
	int wfd;                /* for write-back, -1 without a writable open */
	bool shared_w;          /* mapped by a file opened read-write */
	bool inode_ref;         /* the inode holds a reference */
	struct inode *inode;    /* whose inode->cache this is; NULL once evicted */
};

struct gsb {
	struct gconn *c;
	uint32_t root_fid;
	unsigned int index;     /* the mount index: 0 is the root filesystem */
};

struct call {
	bool keep_bkl;          /* wait with the BKL held (see g_revalidate) */
	struct gofer_msg q, r;
	uint32_t blob[GOFER_CLUNK_BATCH];   /* a request's blob, when it has one */
};

static const struct inode_ops gofer_iops;
static void cache_update(struct memobj *obj, const void *buf, size_t n, uint64_t off);
static const struct file_ops gofer_file_ops, gofer_dir_ops;
static int g_dir_open(struct file *f);

/* ---------------------------------------------------------------- RPCs */

static struct call *call_new(uint16_t type)
{
	struct call *c = malloc(sizeof(*c));

	if (!c)
		return NULL;
	c->keep_bkl = false;
	memset(&c->q, 0, offsetof(struct gofer_msg, str));
	c->q.str[0][0] = c->q.str[1][0] = '\0';
	c->q.blob = NULL;
	c->q.bloblen = 0;
	c->q.type = type;
	return c;
}

/* One request and its reply on the connection (c->lock held, BKL not).
 * The reply's blob is copied into blob (cap bytes), its length into
 * *bloblen; a donated fd into *fdp (-1 if none). Returns 0, the reply's
 * -errno, or -EIO when the connection is broken (anything malformed
 * breaks it for good). */
static int exchange(struct gconn *c, struct call *k, int *fdp, void *blob, size_t cap,
		    uint32_t *bloblen)
{
	struct gofer_msg *q = &k->q, *r = &k->r;
	int fd = -1;
	long n;

	if (c->dead)
		return -EIO;
	q->tag = ++c->tag;
	n = gofer_encode(q, c->sbuf, sizeof(c->sbuf));
	if (n < 0) {
		/* Our own request breaks the rules (a caller let a bad name
		 * through): refuse it, the connection is fine. */
		return -EINVAL;
	}
	if (gofer_send(c->sock, c->sbuf, n, -1) < 0)
		goto broken;
	n = gofer_recv(c->sock, c->rbuf, sizeof(c->rbuf), &fd);
	if (n == -EMFILE)
		return -EMFILE;   /* its fd is lost; a handle in the reply may leak */
	if (n <= 0 || gofer_decode(c->rbuf, n, r) < 0 || r->tag != q->tag)
		goto broken;
	if (r->type == GOFER_RERROR) {
		if (fd >= 0)
			goto broken;
		return -r->f.error.err;
	}
	if (r->type != (q->type | GOFER_REPLY) || gofer_type_has_fd(r->type) != (fd >= 0))
		goto broken;
	if (r->bloblen) {
		if (!blob || r->bloblen > cap)
			goto broken;
		memcpy(blob, r->blob, r->bloblen);
	}
	if (bloblen)
		*bloblen = r->bloblen;
	r->blob = NULL;
	if (fdp)
		*fdp = fd;
	else if (fd >= 0)
		close(fd);
	return 0;
broken:
	if (fd >= 0)
		close(fd);
	if (!c->dead)
		swarn("gofer: connection broken (malformed or missing reply to type %u)", q->type);
	c->dead = true;
	shutdown(c->sock, SHUT_RDWR);
	return -EIO;
}

/* Send k->q, wait for k->r (see exchange). Drops the BKL while waiting
 * when the calling thread holds it (a task). Released handles waiting in
 * c->pending go first, in batches. */
static int rpc(struct gconn *c, struct call *k, int *fdp, void *blob, size_t cap,
	       uint32_t *bloblen)
{
	bool bkl_held = task_current != NULL && !k->keep_bkl;
	struct call *flush = NULL;
	int e;

	if (fdp)
		*fdp = -1;
	if (c->npending >= GOFER_CLUNK_BATCH && (flush = call_new(GOFER_TCLUNKMANY))) {
		/* The last batch's worth, taken off the list under the BKL. */
		c->npending -= GOFER_CLUNK_BATCH;
		flush->q.f.clunkmany.count = GOFER_CLUNK_BATCH;
		memcpy(flush->blob, c->pending + c->npending, GOFER_CLUNK_BATCH * 4u);
		flush->q.blob = flush->blob;
		flush->q.bloblen = GOFER_CLUNK_BATCH * 4u;
	}
	if (bkl_held)
		bkl_unlock();
	pthread_mutex_lock(&c->lock);
	if (flush)
		exchange(c, flush, NULL, NULL, 0, NULL);
	e = exchange(c, k, fdp, blob, cap, bloblen);
	pthread_mutex_unlock(&c->lock);
	if (bkl_held)
		bkl_lock();
	free(flush);
	return e;
}

/* An RPC with no payload out: 0 or -errno. */
static int rpc_simple(struct gconn *c, struct call *k)
{
	return rpc(c, k, NULL, NULL, 0, NULL);
}

/* Handles are released in batches: an evicted inode's fid waits in
 * c->pending (under the BKL) and the next RPC sends a full batch first.
 * No RPC here: eviction happens deep inside the VFS, which must not lose
 * the BKL under it. The gofer keeps those O_PATH fds a little longer;
 * nothing can name them meanwhile. */
static void clunk(struct gconn *c, uint32_t fid)
{
	if (c->npending == c->cap_pending) {
		unsigned int n = c->cap_pending ? 2 * c->cap_pending : 2 * GOFER_CLUNK_BATCH;
		uint32_t *p = realloc(c->pending, n * sizeof(*p));

		if (!p)
			return;   /* no memory: this handle stays in the gofer */
		c->pending = p;
		c->cap_pending = n;
	}
	c->pending[c->npending++] = fid;
}

/* -------------------------------------------------------------- inodes */

static void fill_attrs(struct inode *i, const struct gofer_wstat *w)
{
	/* The file type of an inode never changes; a host file replaced by
	 * another type is a new inode at the next revalidation. */
	i->mode = (i->mode & S_IFMT) | (w->mode & 07777);
	i->uid = w->uid;
	i->gid = w->gid;
	i->nlink = w->nlink;
	i->size = w->size;
	i->blocks = w->blocks;
	i->rdev = (dev_t)w->rdev;
	i->atime = (struct timespec){ w->atime_sec, w->atime_nsec };
	i->mtime = (struct timespec){ w->mtime_sec, w->mtime_nsec };
	i->ctime = (struct timespec){ w->ctime_sec, w->ctime_nsec };
	if (i->cache && S_ISREG(i->mode))
		i->cache->size = i->size;
	if (i->priv)
		((struct gnode *)i->priv)->attr_time = mono_ns();
}

/* A new inode for fid (taken: clunked on failure). */
static int gnode_inode(struct super_block *sb, struct gconn *c, uint32_t fid,
		       const struct gofer_wstat *w, struct inode **out)
{
	struct gnode *g = calloc(1, sizeof(*g));
	const struct file_ops *fops = NULL;
	struct inode *i;

	if (S_ISDIR(w->mode))
		fops = &gofer_dir_ops;
	else if (S_ISREG(w->mode))
		fops = &gofer_file_ops;
	i = g ? inode_new(sb, &gofer_iops, fops, w->mode, w->ino) : NULL;
	if (!i) {
		free(g);
		clunk(c, fid);
		return -ENOMEM;
	}
	g->c = c;
	g->fid = fid;
	g->rfd = g->wfd = -1;
	list_init(&g->idle);
	i->priv = g;
	fill_attrs(i, w);
	*out = i;
	return 0;
}

static struct gnode *G(struct inode *i)
{
	return i->priv;
}

static int g_lookup(struct inode *dir, const char *name, struct inode **out)
{
	struct call *k;
	int e;

	if (strlen(name) > GOFER_NAME_MAX)
		return -ENAMETOOLONG;
	if (!gofer_name_ok(name, strlen(name)))
		return -ENOENT;
	k = call_new(GOFER_TWALK);
	if (!k)
		return -ENOMEM;
	k->q.f.fid.fid = G(dir)->fid;
	strcpy(k->q.str[0], name);
	e = rpc_simple(G(dir)->c, k);
	if (e == 0)
		e = gnode_inode(dir->sb, G(dir)->c, k->r.f.rfid.fid, &k->r.f.rfid.st, out);
	free(k);
	return e;
}

/* Attributes from the host: always (force, after our own changes), or
 * when the cached ones are older than ATTR_TTL_NS. */
static int refresh_attrs(struct inode *inode, bool force)
{
	struct call *k;
	int e;

	if (!force && mono_ns() - G(inode)->attr_time < ATTR_TTL_NS)
		return 0;
	k = call_new(GOFER_TSTAT);
	if (!k)
		return -ENOMEM;
	k->q.f.fid.fid = G(inode)->fid;
	e = rpc_simple(G(inode)->c, k);
	if (e == 0)
		fill_attrs(inode, &k->r.f.rstat.st);
	free(k);
	return e;
}

static int g_getattr(struct inode *inode)
{
	return refresh_attrs(inode, false);
}

/* After an operation of ours changed it on the host. */
static void g_refresh(struct inode *inode)
{
	refresh_attrs(inode, true);
}

/* create, mkdir, mknod, symlink: one RPC that answers with the new fid. */
static int make_node(struct inode *dir, uint16_t type, const char *name, uint32_t mode,
		     const char *target, const struct vfs_owner *o, struct inode **out)
{
	struct call *k;
	int e;

	if (strlen(name) > GOFER_NAME_MAX)
		return -ENAMETOOLONG;
	if (!gofer_name_ok(name, strlen(name)))
		return -EINVAL;
	k = call_new(type);
	if (!k)
		return -ENOMEM;
	if (type == GOFER_TSYMLINK) {
		k->q.f.symlink = (struct gofer_tsymlink){ G(dir)->fid, o->uid, o->gid, 0 };
		strcpy(k->q.str[1], target);
	} else {
		k->q.f.mkdir = (struct gofer_tmkdir){ G(dir)->fid, mode, o->uid, o->gid };
	}
	strcpy(k->q.str[0], name);
	e = rpc_simple(G(dir)->c, k);
	if (e == 0)
		e = gnode_inode(dir->sb, G(dir)->c, k->r.f.rfid.fid, &k->r.f.rfid.st, out);
	free(k);
	if (e == 0)
		g_refresh(dir);   /* its mtime, nlink */
	return e;
}

static int g_create(struct inode *dir, const char *name, uint32_t mode, dev_t rdev,
		    const struct vfs_owner *o, struct inode **out)
{
	(void)rdev;
	switch (mode & S_IFMT) {
	case S_IFREG:
		return make_node(dir, GOFER_TCREATE, name, mode & 07777, NULL, o, out);
	case S_IFIFO:
	case S_IFSOCK:
		return make_node(dir, GOFER_TMKNOD, name, mode & (S_IFMT | 07777), NULL, o, out);
	default:
		/* Device nodes are never made on the host. */
		return -EPERM;
	}
}

static int g_mkdir(struct inode *dir, const char *name, uint32_t mode, const struct vfs_owner *o,
		   struct inode **out)
{
	return make_node(dir, GOFER_TMKDIR, name, mode & 07777, NULL, o, out);
}

static int g_symlink(struct inode *dir, const char *name, const char *target,
		     const struct vfs_owner *o, struct inode **out)
{
	size_t n = strlen(target);

	if (n == 0)
		return -ENOENT;
	if (n > GOFER_TARGET_MAX)
		return -ENAMETOOLONG;
	return make_node(dir, GOFER_TSYMLINK, name, 0, target, o, out);
}

static int g_tmpfile(struct inode *dir, uint32_t mode, const struct vfs_owner *o,
		     struct inode **out)
{
	struct call *k = call_new(GOFER_TTMPFILE);
	int e, fd;

	if (!k)
		return -ENOMEM;
	k->q.f.mkdir = (struct gofer_tmkdir){ G(dir)->fid, mode & 07777, o->uid, o->gid };
	e = rpc(G(dir)->c, k, &fd, NULL, 0, NULL);
	if (e == 0) {
		e = gnode_inode(dir->sb, G(dir)->c, k->r.f.rfid.fid, &k->r.f.rfid.st, out);
		if (e == 0)
			G(*out)->wfd = fd;   /* O_RDWR, for the open that follows */
		else
			close(fd);
	}
	free(k);
	return e;
}

static int g_link(struct inode *dir, const char *name, struct inode *target)
{
	struct call *k;
	int e;

	if (target->sb != dir->sb)
		return -EXDEV;
	if (strlen(name) > GOFER_NAME_MAX)
		return -ENAMETOOLONG;
	if (!gofer_name_ok(name, strlen(name)))
		return -EINVAL;
	k = call_new(GOFER_TLINK);
	if (!k)
		return -ENOMEM;
	k->q.f.link = (struct gofer_tlink){ G(dir)->fid, G(target)->fid };
	strcpy(k->q.str[0], name);
	e = rpc_simple(G(dir)->c, k);
	free(k);
	if (e == 0) {
		g_refresh(target);
		g_refresh(dir);
	}
	return e;
}

static int do_unlink(struct inode *dir, const char *name, struct inode *victim, uint32_t flags)
{
	struct call *k;
	int e;

	if (!gofer_name_ok(name, strlen(name)))
		return -EINVAL;
	k = call_new(GOFER_TUNLINK);
	if (!k)
		return -ENOMEM;
	k->q.f.unlink = (struct gofer_tunlink){ G(dir)->fid, flags };
	strcpy(k->q.str[0], name);
	e = rpc_simple(G(dir)->c, k);
	free(k);
	if (e == 0) {
		/* Its link count (0 for an open file now unnamed). */
		if (victim)
			g_refresh(victim);
		g_refresh(dir);
	}
	return e;
}

static int g_unlink(struct inode *dir, const char *name, struct inode *victim)
{
	return do_unlink(dir, name, victim, 0);
}

static int g_rmdir(struct inode *dir, const char *name, struct inode *victim)
{
	return do_unlink(dir, name, victim, AT_REMOVEDIR);
}

static int g_rename(struct inode *odir, const char *oname, struct inode *ndir, const char *nname,
		    unsigned int flags)
{
	struct call *k;
	int e;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;   /* RENAME_WHITEOUT: not on host files */
	if (odir->sb != ndir->sb)
		return -EXDEV;
	if (!gofer_name_ok(oname, strlen(oname)) || !gofer_name_ok(nname, strlen(nname)))
		return -EINVAL;
	k = call_new(GOFER_TRENAME);
	if (!k)
		return -ENOMEM;
	k->q.f.rename = (struct gofer_trename){ G(odir)->fid, G(ndir)->fid, flags, 0 };
	strcpy(k->q.str[0], oname);
	strcpy(k->q.str[1], nname);
	e = rpc_simple(G(odir)->c, k);
	free(k);
	if (e == 0) {
		g_refresh(odir);
		if (ndir != odir)
			g_refresh(ndir);
	}
	return e;
}

/* A symlink's text cannot change on the host (a new one is a new inode,
 * which revalidation finds): read once, then kept. */
static long g_readlink(struct inode *inode, char *buf, size_t n)
{
	struct gnode *g = G(inode);
	struct call *k;
	long e;

	if (!g->link) {
		k = call_new(GOFER_TREADLINK);
		if (!k)
			return -ENOMEM;
		k->q.f.fid.fid = g->fid;
		e = rpc_simple(g->c, k);
		if (e == 0 && k->r.nstr != 1)
			e = -EIO;
		/* Another task may have read it while the BKL was dropped. */
		if (e == 0 && !g->link) {
			g->link = malloc(k->r.strlen[0]);
			if (g->link) {
				memcpy(g->link, k->r.str[0], k->r.strlen[0]);
				g->linklen = k->r.strlen[0];
			} else {
				e = -ENOMEM;
			}
		}
		free(k);
		if (e < 0)
			return e;
	}
	e = g->linklen < n ? (long)g->linklen : (long)n;
	memcpy(buf, g->link, e);
	return e;
}

/* The cache's pages past a new size go; the tail of the last one is zeroed. */
static void cache_resize(struct inode *inode, uint64_t size)
{
	struct memobj *obj = inode->cache;
	uint64_t *slot;

	if (!obj)
		return;
	if (size < obj->size) {
		memobj_truncate(obj, (size + PAGE_SIZE - 1) >> PAGE_SHIFT);
		slot = pt_slot(obj->pages, size >> PAGE_SHIFT, 0);
		if ((size & (PAGE_SIZE - 1)) && slot && *slot)
			memset((char *)pfn_ptr(*slot) + (size & (PAGE_SIZE - 1)), 0,
			       PAGE_SIZE - (size & (PAGE_SIZE - 1)));
	}
	obj->size = size;
}

static int g_setattr(struct inode *inode, const struct iattr *a)
{
	struct call *k;
	int e;

	if (!(a->valid & (ATTR_MODE | ATTR_UID | ATTR_GID | ATTR_SIZE | ATTR_ATIME | ATTR_MTIME)))
		return refresh_attrs(inode, true);   /* ctime alone: the host sets it */
	k = call_new(GOFER_TSETATTR);
	if (!k)
		return -ENOMEM;
	k->q.f.setattr = (struct gofer_tsetattr){
		.fid = G(inode)->fid,
		.valid = a->valid & GOFER_ATTR_ALL,
		.mode = a->valid & ATTR_MODE ? a->mode & 07777 : 0,
		.uid = a->uid, .gid = a->gid,
		.size = a->valid & ATTR_SIZE ? a->size : 0,
	};
	if (a->valid & ATTR_ATIME) {
		k->q.f.setattr.atime_sec = a->atime.tv_sec;
		k->q.f.setattr.atime_nsec = a->atime.tv_nsec;
	}
	if (a->valid & ATTR_MTIME) {
		k->q.f.setattr.mtime_sec = a->mtime.tv_sec;
		k->q.f.setattr.mtime_nsec = a->mtime.tv_nsec;
	}
	if (a->valid & ATTR_SIZE && a->size > INT64_MAX) {
		free(k);
		return -EFBIG;
	}
	e = rpc_simple(G(inode)->c, k);
	if (e == 0) {
		if (a->valid & ATTR_SIZE)
			cache_resize(inode, a->size);
		fill_attrs(inode, &k->r.f.rstat.st);
	}
	free(k);
	return e;
}

/* A host fd for the file's access mode, opened once per inode. */
static int host_fd(struct inode *inode, bool write)
{
	struct gnode *g = G(inode);
	struct call *k;
	int *slot = write ? &g->wfd : &g->rfd, fd, e;

	if (*slot >= 0)
		return *slot;
	if (!write && g->wfd >= 0)
		return g->wfd;
	k = call_new(GOFER_TOPEN);
	if (!k)
		return -ENOMEM;
	k->q.f.open = (struct gofer_topen){ g->fid, write ? O_RDWR : O_RDONLY };
	e = rpc(g->c, k, &fd, NULL, 0, NULL);
	free(k);
	if (e < 0)
		return e;
	/* Another task may have opened it while the BKL was dropped. */
	if (*slot >= 0) {
		close(fd);
		return *slot;
	}
	*slot = fd;
	return fd;
}

static int g_open(struct inode *inode, struct file *f)
{
	int fd;

	if (S_ISDIR(inode->mode))
		return g_dir_open(f);
	if (!S_ISREG(inode->mode))
		return -ENXIO;   /* host device nodes are never opened */
	fd = host_fd(inode, (f->flags & O_ACCMODE) != O_RDONLY);
	if (fd < 0)
		return fd;
	/* Counted (f->priv marks it) until release; no BKL drop since the
	 * fd came, so the idle list cannot have closed it. */
	f->priv = G(inode);
	if (G(inode)->opens++ == 0)
		idle_del(G(inode));
	if ((f->flags & O_ACCMODE) != O_RDONLY && inode->cache) {
		struct gcache *gc = inode->cache->priv;

		if (gc->wfd < 0)
			gc->wfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	}
	return 0;
}

/* xattrs: only the namespaces the gofer serves (user.*, trusted.*). */
static long g_getxattr(struct inode *inode, const char *name, void *buf, size_t size)
{
	struct call *k;
	uint32_t got = 0;
	long e;

	if (!gofer_xattr_name_ok(name, strlen(name)))
		return -EOPNOTSUPP;
	k = call_new(GOFER_TGETXATTR);
	if (!k)
		return -ENOMEM;
	k->q.f.xattr = (struct gofer_txattr){ G(inode)->fid,
					      size > GOFER_BLOB_MAX ? GOFER_BLOB_MAX : size };
	strcpy(k->q.str[0], name);
	e = rpc(G(inode)->c, k, NULL, buf, size, &got);
	if (e == 0)
		e = k->r.f.rxattr.size;
	if (e > 0 && size && (uint32_t)e != got)
		e = -EIO;   /* the value must be the bytes that came */
	free(k);
	return e;
}

static long g_listxattr(struct inode *inode, char *buf, size_t size)
{
	struct call *k = call_new(GOFER_TLISTXATTR);
	uint32_t got = 0;
	long e;

	if (!k)
		return -ENOMEM;
	k->q.f.xattr = (struct gofer_txattr){ G(inode)->fid,
					      size > GOFER_BLOB_MAX ? GOFER_BLOB_MAX : size };
	e = rpc(G(inode)->c, k, NULL, buf, size, &got);
	if (e == 0)
		e = k->r.f.rxattr.size;
	if (e > 0 && size && ((uint32_t)e != got || buf[e - 1] != '\0'))
		e = -EIO;   /* the list must be the bytes that came, NUL-terminated */
	free(k);
	return e;
}

static int g_setxattr(struct inode *inode, const char *name, const void *val, size_t size,
		      int flags)
{
	struct call *k;
	int e;

	if (!gofer_xattr_name_ok(name, strlen(name)))
		return -EOPNOTSUPP;
	if (size > GOFER_BLOB_MAX)
		return -E2BIG;
	if (flags & ~(XATTR_CREATE | XATTR_REPLACE))
		return -EINVAL;
	k = call_new(GOFER_TSETXATTR);
	if (!k)
		return -ENOMEM;
	k->q.f.setxattr = (struct gofer_tsetxattr){ G(inode)->fid, (uint32_t)flags };
	strcpy(k->q.str[0], name);
	k->q.blob = val;
	k->q.bloblen = size;
	e = rpc_simple(G(inode)->c, k);
	free(k);
	if (e == 0)
		g_refresh(inode);
	return e;
}

static int g_removexattr(struct inode *inode, const char *name)
{
	struct call *k;
	int e;

	if (!gofer_xattr_name_ok(name, strlen(name)))
		return -EOPNOTSUPP;
	k = call_new(GOFER_TREMOVEXATTR);
	if (!k)
		return -ENOMEM;
	k->q.f.fid.fid = G(inode)->fid;
	strcpy(k->q.str[0], name);
	e = rpc_simple(G(inode)->c, k);
	free(k);
	return e;
}

static int g_fallocate(struct inode *inode, int mode, uint64_t off, uint64_t len)
{
	int fd = G(inode)->wfd;

	if (fd < 0)
		return -EBADF;
	if (fallocate(fd, mode, (off_t)off, (off_t)len) < 0)
		return -errno;
	/* Punched or zeroed ranges read as zeros from the cache too. */
	if (inode->cache && (mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) &&
	    off < inode->cache->size) {
		static const char zeros[4096];
		uint64_t end = off + len > inode->cache->size ? inode->cache->size : off + len;

		for (uint64_t at = off; at < end; at += sizeof(zeros))
			cache_update(inode->cache, zeros,
				     end - at < sizeof(zeros) ? end - at : sizeof(zeros), at);
	}
	return refresh_attrs(inode, true);
}

static const struct inode_ops gofer_iops = {
	.lookup = g_lookup,
	.create = g_create,
	.mkdir = g_mkdir,
	.symlink = g_symlink,
	.link = g_link,
	.unlink = g_unlink,
	.rmdir = g_rmdir,
	.rename = g_rename,
	.readlink = g_readlink,
	.getattr = g_getattr,
	.setattr = g_setattr,
	.open = g_open,
	.getxattr = g_getxattr,
	.setxattr = g_setxattr,
	.listxattr = g_listxattr,
	.removexattr = g_removexattr,
	.tmpfile = g_tmpfile,
	.fallocate = g_fallocate,
};

/* ----------------------------------------------------------- page cache */

static int gc_fill_run(struct memobj *obj, uint64_t pgoff, uint32_t n, void *pages)
{
	struct gcache *gc = obj->priv;
	ssize_t r = pread(gc->fd, pages, (size_t)n << PAGE_SHIFT, (off_t)(pgoff << PAGE_SHIFT));

	return r < 0 ? -EIO : 0;
}

static int gc_writeback(struct memobj *obj, uint64_t pgoff, const void *page)
{
	struct gcache *gc = obj->priv;
	uint64_t off = pgoff << PAGE_SHIFT;
	size_t n;

	if (gc->wfd < 0)
		return -EBADF;
	if (off >= obj->size)
		return 0;
	n = obj->size - off < PAGE_SIZE ? obj->size - off : PAGE_SIZE;
	return pwrite(gc->wfd, page, n, (off_t)off) == (ssize_t)n ? 0 : -EIO;
}

struct wb_arg {
	struct memobj *obj;
	char *tmp;
	int err;
};

/* Write back one cached page if it differs from the host's bytes: the mm
 * keeps no dirty bits, and an unchanged page must not overwrite what the
 * host may have changed meanwhile. */
static void wb_page(uint64_t idx, uint64_t *slot, void *arg)
{
	struct wb_arg *w = arg;
	struct gcache *gc = w->obj->priv;
	uint64_t off = idx << PAGE_SHIFT;
	size_t n;
	ssize_t got;

	if (!*slot || off >= w->obj->size)
		return;
	n = w->obj->size - off < PAGE_SIZE ? w->obj->size - off : PAGE_SIZE;
	got = pread(gc->wfd, w->tmp, n, (off_t)off);
	if (got == (ssize_t)n && !memcmp(w->tmp, pfn_ptr(*slot), n))
		return;
	if (gc_writeback(w->obj, idx, pfn_ptr(*slot)) < 0)
		w->err = -EIO;
}

/* Write back the changed pages of [first, first + n). */
static int cache_writeback(struct memobj *obj, uint64_t first, uint64_t n)
{
	struct gcache *gc = obj->priv;
	struct wb_arg w = { obj, NULL, 0 };
	uint64_t end = (obj->size + PAGE_SIZE - 1) >> PAGE_SHIFT;

	if (!gc->shared_w || gc->wfd < 0 || first >= end)
		return 0;
	if (n < end - first)
		end = first + n;
	w.tmp = malloc(PAGE_SIZE);
	if (!w.tmp)
		return -ENOMEM;
	pt_walk(obj->pages, first, end, wb_page, &w);
	free(w.tmp);
	return w.err;
}

static int cache_writeback_all(struct memobj *obj)
{
	return cache_writeback(obj, 0, UINT64_MAX);
}

static int gc_sync(struct memobj *obj, uint64_t pgoff, uint64_t n)
{
	return cache_writeback(obj, pgoff, n);
}

static void gc_release(struct memobj *obj)
{
	struct gcache *gc = obj->priv;

	cache_writeback_all(obj);
	if (gc->inode)
		gc->inode->cache = NULL;
	close(gc->fd);
	if (gc->wfd >= 0)
		close(gc->wfd);
	free(gc);
}

static const struct memobj_ops gcache_ops = {
	.fill_run = gc_fill_run,
	.writeback = gc_writeback,
	.sync = gc_sync,
	.release = gc_release,
};

static int cache_init(struct inode *inode, int fd)
{
	struct gnode *g = G(inode);
	struct gcache *gc;

	if (inode->cache)
		return 0;
	gc = calloc(1, sizeof(*gc));
	if (!gc)
		return -ENOMEM;
	gc->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	gc->wfd = g->wfd >= 0 ? fcntl(g->wfd, F_DUPFD_CLOEXEC, 0) : -1;
	if (gc->fd < 0) {
		if (gc->wfd >= 0)
			close(gc->wfd);
		free(gc);
		return -EMFILE;
	}
	inode->cache = memobj_new(&gcache_ops, gc, inode->size, "gofer");
	if (!inode->cache) {
		close(gc->fd);
		if (gc->wfd >= 0)
			close(gc->wfd);
		free(gc);
		return -ENOMEM;
	}
	inode->cache->ino = inode->ino;
	inode->cache->dev = inode->sb->dev;
	gc->inode = inode;
	gc->inode_ref = true;   /* memobj_new's reference */
	return 0;
}

/* ---------------------------------------------------------- open files */

static int file_fd(struct file *f)
{
	struct gnode *g = G(file_inode(f));

	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return g->rfd >= 0 ? g->rfd : g->wfd;
	return g->wfd;
}

static ssize_t g_read(struct task *t, struct file *f, void *buf, size_t n, int64_t *pos)
{
	struct inode *inode = file_inode(f);
	int fd = file_fd(f);
	int64_t p = pos ? *pos : f->pos;
	ssize_t r;

	(void)t;
	if (fd < 0)
		return -EBADF;
	if (p < 0)
		return -EINVAL;
	if (inode->cache) {
		/* Mapped: the cache is the truth (shared writes live there). */
		struct memobj *obj = inode->cache;
		size_t done = 0;

		while (done < n && (uint64_t)p + done < obj->size) {
			uint64_t at = (uint64_t)p + done, pg = at >> PAGE_SHIFT;
			size_t in = at & (PAGE_SIZE - 1), len = PAGE_SIZE - in;
			int64_t pfn;

			if (len > n - done)
				len = n - done;
			if (len > obj->size - at)
				len = obj->size - at;
			pfn = memobj_page(obj, pg);
			if (pfn < 0)
				return done ? (ssize_t)done : pfn;
			memcpy((char *)buf + done, (char *)pfn_ptr(pfn) + in, len);
			done += len;
		}
		r = done;
	} else {
		r = pread(fd, buf, n, p);
		if (r < 0)
			return -errno;
	}
	if (pos)
		*pos = p + r;
	return r;
}

/* Copy written bytes into the pages the cache already holds. */
static void cache_update(struct memobj *obj, const void *buf, size_t n, uint64_t off)
{
	size_t done = 0;

	while (done < n) {
		uint64_t at = off + done;
		size_t in = at & (PAGE_SIZE - 1), len = PAGE_SIZE - in;
		uint64_t *slot = pt_slot(obj->pages, at >> PAGE_SHIFT, 0);

		if (len > n - done)
			len = n - done;
		if (slot && *slot)
			memcpy((char *)pfn_ptr(*slot) + in, (const char *)buf + done, len);
		done += len;
	}
}

static ssize_t g_write(struct task *t, struct file *f, const void *buf, size_t n, int64_t *pos)
{
	struct inode *inode = file_inode(f);
	struct gnode *g = G(inode);
	int64_t p = pos ? *pos : f->pos;
	ssize_t r;

	(void)t;
	if (g->wfd < 0 || (f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	if (f->flags & O_APPEND) {
		struct stat st;

		if (fstat(g->wfd, &st) < 0)
			return -errno;
		p = st.st_size;
	}
	if (p < 0)
		return -EINVAL;
	/* The write lands in the host file and in the pages the cache holds;
	 * stores made through a mapping stay in the cache until write-back,
	 * which compares whole pages, so neither side loses the other. */
	r = pwrite(g->wfd, buf, n, p);
	if (r < 0)
		return -errno;
	if (inode->cache)
		cache_update(inode->cache, buf, r, p);
	if ((uint64_t)(p + r) > inode->size) {
		inode->size = p + r;
		if (inode->cache)
			inode->cache->size = inode->size;
	}
	inode_touch(inode, ATTR_MTIME | ATTR_CTIME);
	if (pos)
		*pos = p + r;
	return r;
}

static int64_t g_llseek(struct file *f, int64_t off, int whence)
{
	struct inode *inode = file_inode(f);
	off_t r;

	switch (whence) {
	case SEEK_SET:
		break;
	case SEEK_CUR:
		off += f->pos;
		break;
	case SEEK_END:
		g_getattr(inode);
		off += (int64_t)inode->size;
		break;
	case SEEK_DATA:
	case SEEK_HOLE:
		r = lseek(file_fd(f), off, whence);
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

static int g_fstat(struct file *f, struct stat *st)
{
	struct inode *inode = file_inode(f);

	g_getattr(inode);
	vfs_fill_stat(inode, st);
	return 0;
}

static int g_mmap(struct file *f, struct memobj **obj)
{
	struct inode *inode = file_inode(f);
	int fd = file_fd(f), e;

	if (fd < 0)
		return -EBADF;
	/* The refresh is an RPC, which drops the BKL: another task may make
	 * the cache meanwhile, and then it is shared like any other. */
	if (!inode->cache)
		g_refresh(inode);
	if (!inode->cache && (e = cache_init(inode, fd)) < 0)
		return e;
	memobj_get(inode->cache);   /* the caller's (the mapping's) */
	if ((f->flags & O_ACCMODE) == O_RDWR) {
		struct gcache *gc = inode->cache->priv;

		if (gc->wfd < 0)
			gc->wfd = fcntl(G(inode)->wfd, F_DUPFD_CLOEXEC, 0);
		gc->shared_w = true;
		if (gc->inode_ref) {
			gc->inode_ref = false;
			memobj_put(inode->cache);   /* never the last: the caller's is there */
		}
	}
	*obj = inode->cache;
	return 0;
}

static unsigned int g_poll(struct file *f, struct waitq **wq)
{
	(void)f;
	if (wq)
		*wq = NULL;
	return 0x1 | 0x4;   /* POLLIN | POLLOUT: regular files are always ready */
}

static int g_fsync(struct file *f, bool datasync)
{
	struct inode *inode = file_inode(f);
	int fd, e = 0;

	if (S_ISDIR(inode->mode)) {
		struct call *k = call_new(GOFER_TFSYNC);

		if (!k)
			return -ENOMEM;
		k->q.f.fsync = (struct gofer_tfsync){ G(inode)->fid, datasync };
		e = rpc_simple(G(inode)->c, k);
		free(k);
		return e;
	}
	if (inode->cache)
		e = cache_writeback_all(inode->cache);
	fd = file_fd(f);
	if (fd >= 0 && (datasync ? fdatasync(fd) : fsync(fd)) < 0)
		e = -errno;
	return e;
}

static int g_truncate(struct file *f, uint64_t len)
{
	struct iattr a = { .valid = ATTR_SIZE, .size = len };

	return g_setattr(file_inode(f), &a);
}

static void g_release(struct file *f)
{
	struct inode *inode = file_inode(f);

	/* The last close of a description that may have written through a
	 * shared mapping: the host gets the pages now. */
	if (inode && inode->cache && (f->flags & O_ACCMODE) == O_RDWR)
		cache_writeback_all(inode->cache);
	if (f->priv) {
		struct gnode *g = f->priv;

		f->priv = NULL;
		if (--g->opens == 0)
			idle_add(g);
	}
}

static const struct file_ops gofer_file_ops = {
	.read = g_read,
	.write = g_write,
	.llseek = g_llseek,
	.fstat = g_fstat,
	.mmap = g_mmap,
	.poll = g_poll,
	.fsync = g_fsync,
	.truncate = g_truncate,
	.release = g_release,
};

/* An open directory keeps the last batch of entries the gofer sent (the
 * guest's getdents calls usually take them in a few bites) and whether
 * the directory ended there. */
struct gdir {
	char *buf;
	uint32_t len;
	int64_t start;          /* position the batch starts at */
	bool eof;               /* nothing after the batch */
	bool valid;
};

enum { DIR_CHUNK = 32768 };

/* A batch starting at pos into d. It lands in a buffer of its own: the
 * RPC drops the BKL, and another task reading the same open directory
 * may be using d->buf meanwhile; the swap happens with the BKL back. */
static int dir_fetch(struct inode *inode, struct gdir *d, int64_t pos)
{
	struct call *k = call_new(GOFER_TGETDENTS);
	char *nb = malloc(DIR_CHUNK);
	uint32_t len = 0;
	int e;

	if (!k || !nb) {
		free(k);
		free(nb);
		return -ENOMEM;
	}
	k->q.f.getdents = (struct gofer_tgetdents){ G(inode)->fid, DIR_CHUNK, (uint64_t)pos };
	e = rpc(G(inode)->c, k, NULL, nb, DIR_CHUNK, &len);
	if (e == 0) {
		free(d->buf);
		d->buf = nb;
		d->len = len;
		d->start = pos;
		d->eof = k->r.f.rgetdents.eof || len == 0;
		d->valid = true;
	} else {
		free(nb);
	}
	free(k);
	return e;
}

/* Directory entries as the host has them ("." and ".." included), the
 * host's d_off as positions. */
static int g_iterate(struct file *f, struct dir_ctx *ctx)
{
	struct inode *inode = file_inode(f);
	struct gdir *d = f->priv;
	int e;

	if (!d) {
		/* Opened without our open (an internal open): make it now. */
		if ((e = g_dir_open(f)) < 0)
			return e;
		d = f->priv;
	}
	for (;;) {
		struct gofer_dirent de;
		int64_t cur;
		size_t pos = 0;
		bool found;
		int r;

		/* Find ctx->pos in the batch we hold: the start, or the cookie
		 * of an entry in it. */
		found = d->valid && d->start == ctx->pos;
		cur = d->valid ? d->start : 0;
		while (d->valid && !found &&
		       (r = gofer_dirent_next(d->buf, d->len, &pos, &de)) == 1) {
			cur = (int64_t)de.off;
			found = cur == ctx->pos;
		}
		if (found && pos == d->len) {
			if (d->eof)
				return 0;
			found = false;   /* the batch is used up: the next one */
		}
		if (!found) {
			if ((e = dir_fetch(inode, d, ctx->pos)) < 0)
				return e;
			pos = 0;
			if (d->len == 0)
				return 0;
		}
		{
			int64_t start = ctx->pos;

			while ((r = gofer_dirent_next(d->buf, d->len, &pos, &de)) == 1) {
				char name[GOFER_NAME_MAX + 1];

				memcpy(name, de.name, de.namelen);
				name[de.namelen] = '\0';
				if (!ctx->emit(ctx, name, de.namelen, de.ino, de.type))
					return 0;
				ctx->pos = (int64_t)de.off;
			}
			if (r < 0 || ctx->pos == start) {
				d->valid = false;
				return -EIO;   /* a malformed batch, or one that does not advance */
			}
		}
		if (d->eof)
			return 0;
	}
}

static int g_dir_open(struct file *f)
{
	struct gdir *d = calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	f->priv = d;
	return 0;
}

static void g_dir_release(struct file *f)
{
	struct gdir *d = f->priv;

	if (d) {
		free(d->buf);
		free(d);
		f->priv = NULL;
	}
}

static int64_t g_dir_llseek(struct file *f, int64_t off, int whence)
{
	struct gdir *d = f->priv;

	/* A rewind reads the directory again (rewinddir sees changes). */
	if (d && whence == SEEK_SET && off == 0)
		d->valid = false;
	return vfs_dir_llseek(f, off, whence);
}

static int g_dir_fsync(struct file *f, bool datasync)
{
	return g_fsync(f, datasync);
}

static const struct file_ops gofer_dir_ops = {
	.getdents = vfs_dir_getdents,
	.llseek = g_dir_llseek,
	.fstat = g_fstat,
	.iterate = g_iterate,
	.fsync = g_dir_fsync,
	.release = g_dir_release,
};

/* ---------------------------------------------------------- superblock */

static int g_statfs(struct super_block *sb, struct statfs *st)
{
	struct gsb *s = sb->priv;
	struct call *k = call_new(GOFER_TSTATFS);
	int e;

	if (!k)
		return -ENOMEM;
	k->q.f.fid.fid = s->root_fid;
	e = rpc_simple(s->c, k);
	if (e == 0) {
		const struct gofer_wstatfs *w = &k->r.f.rstatfs.st;

		memset(st, 0, sizeof(*st));
		st->f_type = w->type;
		st->f_bsize = w->bsize;
		st->f_blocks = w->blocks;
		st->f_bfree = w->bfree;
		st->f_bavail = w->bavail;
		st->f_files = w->files;
		st->f_ffree = w->ffree;
		st->f_namelen = w->namelen;
		st->f_frsize = w->frsize;
		st->f_flags = w->flags;
		if (sb->flags & SB_RDONLY)
			st->f_flags |= ST_RDONLY;
	}
	free(k);
	return e;
}

/* Is d still the host's entry? The same inode number and type under its
 * name in its parent: keep it and take the fresh attributes. */
static int g_revalidate(struct dentry *d)
{
	struct dentry *parent = d->parent;
	struct call *k;
	int keep = 1, e;

	if (parent == d || d == d->sb->root || parent->sb != d->sb || (d->flags & D_DELETED))
		return 1;
	if (!gofer_name_ok(d->name, strlen(d->name)))
		return 1;
	if (mono_ns() - G(d->inode)->attr_time < ATTR_TTL_NS)
		return 1;
	k = call_new(GOFER_TLSTAT);
	if (!k)
		return 1;
	/* The VFS calls this while it walks a directory's cached children
	 * with plain pointers: the BKL stays held (one short round trip). */
	k->keep_bkl = true;
	k->q.f.fid.fid = G(parent->inode)->fid;
	strcpy(k->q.str[0], d->name);
	e = rpc_simple(G(d->inode)->c, k);
	if (e < 0) {
		keep = 0;
	} else if (k->r.f.rstat.st.ino != d->inode->ino ||
		   (k->r.f.rstat.st.mode & S_IFMT) != (d->inode->mode & S_IFMT)) {
		keep = 0;
	} else {
		fill_attrs(d->inode, &k->r.f.rstat.st);
	}
	free(k);
	return keep;
}

static void g_evict(struct inode *inode)
{
	struct gnode *g = inode->priv;

	if (inode->cache) {
		struct gcache *gc = inode->cache->priv;
		struct memobj *obj = inode->cache;

		/* Mappings may keep the cache on, without us. */
		gc->inode = NULL;
		inode->cache = NULL;
		if (gc->inode_ref) {
			gc->inode_ref = false;
			memobj_put(obj);
		}
	}
	if (!g)
		return;
	clunk(g->c, g->fid);
	idle_del(g);
	close_fds(g);
	free(g->link);
	free(g);
	inode->priv = NULL;
}

static int g_show_options(struct super_block *sb, char *buf, size_t n)
{
	snprintf(buf, n, "%s", sb->flags & SB_RDONLY ? "ro" : "rw");
	return 0;
}

static void g_release_sb(struct super_block *sb)
{
	free(sb->priv);
	sb->priv = NULL;
}

static const struct super_ops gofer_sops = {
	.statfs = g_statfs,
	.revalidate = g_revalidate,
	.evict_inode = g_evict,
	.show_options = g_show_options,
	.release = g_release_sb,
};

/* Superblocks come only from gofer_client_sb: not guest-mountable. */
static int gofer_mount(const struct fs_type *type, const char *source, unsigned long flags,
		       const char *data, struct super_block **out)
{
	(void)type;
	(void)source;
	(void)flags;
	(void)data;
	(void)out;
	return -EPERM;
}

const struct fs_type gofer_fs_type = {
	.name = "gofer",
	.flags = FS_NODEV,
	.mount = gofer_mount,
};

static struct gconn *conn_get(int sock)
{
	struct gconn *c;

	for (c = conns; c; c = c->next)
		if (c->sock == sock)
			return c;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->sock = sock;
	pthread_mutex_init(&c->lock, NULL);
	c->next = conns;
	conns = c;
	return c;
}

int gofer_client_sb(int sock, unsigned int mount_index, unsigned int sb_flags,
		    struct super_block **out)
{
	struct gconn *c = conn_get(sock);
	struct super_block *sb;
	struct inode *root;
	struct gsb *s;
	struct call *k;
	int e;

	if (!c)
		return -ENOMEM;
	if (mount_index >= GOFER_MAX_MOUNTS)
		return -EINVAL;
	k = call_new(GOFER_TATTACH);
	if (!k)
		return -ENOMEM;
	k->q.f.attach.index = mount_index;
	e = rpc_simple(c, k);
	if (e < 0) {
		free(k);
		return e;
	}
	s = calloc(1, sizeof(*s));
	sb = s ? sb_new(&gofer_fs_type, &gofer_sops) : NULL;
	if (!sb) {
		free(s);
		clunk(c, k->r.f.rfid.fid);
		free(k);
		return -ENOMEM;
	}
	s->c = c;
	s->root_fid = k->r.f.rfid.fid;
	s->index = mount_index;
	sb->priv = s;
	sb->flags |= sb_flags & SB_RDONLY;
	e = gnode_inode(sb, c, k->r.f.rfid.fid, &k->r.f.rfid.st, &root);
	free(k);
	if (e < 0) {
		sb_put(sb);
		return e;
	}
	if (!dentry_new_root(sb, root)) {
		inode_put(root);
		sb_put(sb);
		return -ENOMEM;
	}
	*out = sb;
	return 0;
}

int gofer_connect_host(struct inode *inode, int socktype, int *fd)
{
	struct call *k;
	int e;

	if (inode->iops != &gofer_iops)
		return -ENOTSOCK;
	/* Host sockets are reachable on bind mounts only, which the user
	 * named: the root filesystem (the host's own root under `runsc do`)
	 * holds sockets such as a container engine's that are not the
	 * guest's business. */
	if (((struct gsb *)inode->sb->priv)->index == 0)
		return -ENOTSOCK;
	if (!S_ISSOCK(inode->mode))
		return -ECONNREFUSED;
	if (socktype != SOCK_STREAM && socktype != SOCK_DGRAM && socktype != SOCK_SEQPACKET)
		return -EPROTOTYPE;
	k = call_new(GOFER_TCONNECT);
	if (!k)
		return -ENOMEM;
	k->q.f.connect = (struct gofer_tconnect){ G(inode)->fid, (uint32_t)socktype };
	e = rpc(G(inode)->c, k, fd, NULL, 0, NULL);
	free(k);
	return e;
}

int gofer_bind_host(struct inode *dir, const char *name, int socktype, uint32_t mode,
		    const struct vfs_owner *o, struct inode **out, int *fd)
{
	struct call *k;
	int e, sfd;

	if (dir->iops != &gofer_iops)
		return -EOPNOTSUPP;
	if (!gofer_name_ok(name, strlen(name)))
		return -EINVAL;
	if (socktype != SOCK_STREAM && socktype != SOCK_DGRAM && socktype != SOCK_SEQPACKET)
		return -EPROTOTYPE;
	k = call_new(GOFER_TBIND);
	if (!k)
		return -ENOMEM;
	k->q.f.bind = (struct gofer_tbind){ G(dir)->fid, (uint32_t)socktype, mode & 07777,
					    o->uid, o->gid, 0 };
	strcpy(k->q.str[0], name);
	e = rpc(G(dir)->c, k, &sfd, NULL, 0, NULL);
	if (e == 0) {
		e = gnode_inode(dir->sb, G(dir)->c, k->r.f.rfid.fid, &k->r.f.rfid.st, out);
		if (e == 0)
			*fd = sfd;
		else
			close(sfd);
		g_refresh(dir);
	}
	free(k);
	return e;
}
