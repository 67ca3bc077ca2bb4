/* Page-cache file operations for files whose data lives in memory (tmpfs,
 * the overlay's upper layer, memfds): read/write copy to and from the
 * inode's memobj pages, which are the very pages MAP_SHARED mappings use,
 * so the two always agree. Pages never written are holes: read as zeros
 * without being created, skipped by SEEK_DATA. New pages are charged to
 * the filesystem's budget (ENOSPC when it is spent) and counted in
 * st_blocks, as Linux's shmem does. */
#define _GNU_SOURCE
#include "fs/pagecache.h"
#include "fs/vfs.h"
#include "sentry/memfile.h"
#include "sentry/memobj.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <time.h>

/* Linux's MAX_LFS_FILESIZE; our page map covers 2^36 pages (256 TiB),
 * beyond which a write is EFBIG. */
#define PC_MAX_SIZE INT64_MAX
#define PC_MAX_BYTES (1ULL << 48)

/* memobj->priv of a cache. inode is NULL once the inode is evicted (the
 * cache may live on in mappings). */
struct pc_info {
	struct inode *inode;
	struct pagecache_acct *acct;
	/* Pages fallocate made that nobody wrote yet: counted in st_blocks
	 * but holes to SEEK_DATA, as shmem's not-uptodate folios. */
	struct pt *unwritten;
};

struct pagecache_acct *pagecache_acct_new(uint64_t max_pages)
{
	struct pagecache_acct *a = calloc(1, sizeof(*a));

	if (a) {
		a->refs = 1;
		a->max_pages = max_pages;
	}
	return a;
}

void pagecache_acct_put(struct pagecache_acct *a)
{
	if (a && --a->refs == 0)
		free(a);
}

static void pc_uncharge(struct pc_info *pi, uint64_t pages)
{
	if (pi->acct)
		pi->acct->used_pages -= pages < pi->acct->used_pages ? pages : pi->acct->used_pages;
	if (pi->inode)
		pi->inode->blocks -= pages * (PAGE_SIZE / 512) < pi->inode->blocks ?
			pages * (PAGE_SIZE / 512) : pi->inode->blocks;
}

/* A new page of the cache (write, fallocate or a fault): charge it. The
 * memory file hands out zeroed pages, so there is nothing to fill. */
static int pc_fill(struct memobj *obj, uint64_t pgoff, void *page)
{
	struct pc_info *pi = obj->priv;

	if (pi->acct) {
		if (pi->acct->max_pages && pi->acct->used_pages >= pi->acct->max_pages)
			return -ENOSPC;
		pi->acct->used_pages++;
	}
	if (pi->inode)
		pi->inode->blocks += PAGE_SIZE / 512;
	return 0;
}

struct drop_ctx {
	uint64_t n;
};

static void drop_slot(uint64_t idx, uint64_t *slot, void *arg)
{
	struct drop_ctx *c = arg;

	page_put(*slot);
	*slot = 0;
	c->n++;
}

static void count_slot(uint64_t idx, uint64_t *slot, void *arg)
{
	((struct drop_ctx *)arg)->n++;
}

static void clear_slot(uint64_t idx, uint64_t *slot, void *arg)
{
	*slot = 0;
}

static void pc_mark_written(struct pc_info *pi, uint64_t first, uint64_t last)
{
	if (pi->unwritten && first < last)
		pt_walk(pi->unwritten, first, last, clear_slot, NULL);
}

static bool pc_is_unwritten(struct pc_info *pi, uint64_t idx)
{
	uint64_t *slot = pi->unwritten ? pt_slot(pi->unwritten, idx, 0) : NULL;

	return slot && *slot;
}

/* Drop the cache pages with index in [first, last) and uncharge them. */
static void pc_drop(struct memobj *obj, uint64_t first, uint64_t last)
{
	struct drop_ctx c = { 0 };

	if (first >= last)
		return;
	pt_walk(obj->pages, first, last, drop_slot, &c);
	pc_uncharge(obj->priv, c.n);
	pc_mark_written(obj->priv, first, last);
}

static void pc_release(struct memobj *obj)
{
	struct pc_info *pi = obj->priv;
	struct drop_ctx c = { 0 };

	pt_walk(obj->pages, 0, ~0UL, count_slot, &c);
	pi->inode = NULL;
	pc_uncharge(pi, c.n);
	pagecache_acct_put(pi->acct);
	pt_free(pi->unwritten);
	free(pi);
}

static const struct memobj_ops pc_obj_ops = {
	.fill = pc_fill,
	.release = pc_release,
};

int pagecache_init(struct inode *inode, struct pagecache_acct *acct)
{
	struct pc_info *pi;

	if (inode->cache)
		return 0;
	pi = calloc(1, sizeof(*pi));
	if (!pi)
		return -ENOMEM;
	inode->cache = memobj_new(&pc_obj_ops, pi, inode->size, NULL);
	if (!inode->cache) {
		free(pi);
		return -ENOMEM;
	}
	pi->inode = inode;
	pi->acct = acct;
	if (acct)
		acct->refs++;
	inode->cache->dev = inode->sb ? inode->sb->dev : 0;
	inode->cache->ino = inode->ino;
	return 0;
}

void pagecache_evict(struct inode *inode)
{
	struct memobj *obj = inode->cache;

	if (!obj)
		return;
	((struct pc_info *)obj->priv)->inode = NULL;
	inode->cache = NULL;
	memobj_put(obj);
}

static struct memobj *pc_obj(struct inode *inode)
{
	if (!inode->cache && pagecache_init(inode, NULL) < 0)
		return NULL;
	return inode->cache;
}

static void pc_set_size(struct inode *inode, uint64_t size)
{
	inode->size = size;
	if (inode->cache)
		inode->cache->size = size;
}

static void pc_touch(struct inode *inode, bool mtime)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	inode->ctime = now;
	if (mtime)
		inode->mtime = now;
}

/* The page at index, or 0 if it is a hole. */
static uint64_t pc_peek(struct memobj *obj, uint64_t idx)
{
	uint64_t *slot = pt_slot(obj->pages, idx, 0);

	return slot ? *slot : 0;
}

ssize_t pagecache_read(struct inode *inode, void *buf, size_t n, int64_t *pos)
{
	struct memobj *obj = inode->cache;
	uint64_t size = inode->size, off = (uint64_t)*pos;
	size_t done = 0;

	if (*pos < 0)
		return -EINVAL;
	if (off >= size || !n)
		return 0;
	if (n > size - off)
		n = size - off;
	while (done < n) {
		uint64_t o = off + done, in = o & (PAGE_SIZE - 1);
		size_t c = PAGE_SIZE - in < n - done ? PAGE_SIZE - in : n - done;
		uint64_t pfn = obj ? pc_peek(obj, o >> PAGE_SHIFT) : 0;

		if (pfn)
			memcpy((uint8_t *)buf + done, (uint8_t *)pfn_ptr(pfn) + in, c);
		else
			memset((uint8_t *)buf + done, 0, c);
		done += c;
	}
	*pos += (int64_t)done;
	return (ssize_t)done;
}

/* RLIMIT_FSIZE: writing at or past it raises SIGXFSZ and fails EFBIG;
 * a write crossing it is cut short. Returns the allowed count. */
static ssize_t pc_fsize_limit(struct task *t, uint64_t off, size_t n)
{
	uint64_t lim;

	if (!t || !t->tg)
		return (ssize_t)n;
	lim = t->tg->rlim[RLIMIT_FSIZE].rlim_cur;
	if (lim == RLIM_INFINITY)
		return (ssize_t)n;
	if (off >= lim) {
		sig_send(t, SIGXFSZ, NULL, false);
		return -EFBIG;
	}
	if (n > lim - off)
		n = lim - off;
	return (ssize_t)n;
}

ssize_t pagecache_write(struct task *t, struct inode *inode, int fflags, const void *buf,
			size_t n, int64_t *pos)
{
	struct memobj *obj;
	uint64_t off;
	size_t done = 0;
	ssize_t lim;
	long err = 0;

	if (fflags & O_APPEND)
		*pos = (int64_t)inode->size;
	if (*pos < 0)
		return -EINVAL;
	off = (uint64_t)*pos;
	if (!n)
		return 0;
	lim = pc_fsize_limit(t, off, n);
	if (lim < 0)
		return lim;
	n = (size_t)lim;
	if (off >= PC_MAX_BYTES)
		return -EFBIG;
	if (n > PC_MAX_BYTES - off)
		n = PC_MAX_BYTES - off;
	obj = pc_obj(inode);
	if (!obj)
		return -ENOMEM;
	while (done < n) {
		uint64_t o = off + done, in = o & (PAGE_SIZE - 1);
		size_t c = PAGE_SIZE - in < n - done ? PAGE_SIZE - in : n - done;
		int64_t pfn = memobj_page(obj, o >> PAGE_SHIFT);

		if (pfn < 0) {
			err = pfn;
			break;
		}
		memcpy((uint8_t *)pfn_ptr((uint64_t)pfn) + in, (const uint8_t *)buf + done, c);
		done += c;
	}
	if (!done)
		return err;
	pc_mark_written(obj->priv, off >> PAGE_SHIFT, PAGE_ALIGN(off + done) >> PAGE_SHIFT);
	if (off + done > inode->size)
		pc_set_size(inode, off + done);
	*pos += (int64_t)done;
	pc_touch(inode, true);
	return (ssize_t)done;
}

/* First data (or hole) offset at or after off, as mapping_seek_hole_data. */
static int64_t pc_seek_data(struct inode *inode, uint64_t off, bool data)
{
	struct memobj *obj = inode->cache;
	uint64_t size = inode->size;
	uint64_t idx = off >> PAGE_SHIFT, last = PAGE_ALIGN(size) >> PAGE_SHIFT;

	for (; idx < last; idx++) {
		bool present = obj && pc_peek(obj, idx) && !pc_is_unwritten(obj->priv, idx);

		if (present == data) {
			uint64_t at = idx << PAGE_SHIFT;

			if (at < off)
				at = off;
			return at < size ? (int64_t)at : (data ? -ENXIO : (int64_t)size);
		}
	}
	return data ? -ENXIO : (int64_t)size;
}

int64_t pagecache_llseek(struct inode *inode, struct file *f, int64_t off, int whence)
{
	int64_t size = (int64_t)inode->size, r;

	switch (whence) {
	case SEEK_SET:
		r = off;
		break;
	case SEEK_CUR:
		if (off == 0)
			return f->pos;
		if (__builtin_add_overflow(f->pos, off, &r))
			return -EINVAL;
		break;
	case SEEK_END:
		if (__builtin_add_overflow(size, off, &r))
			return -EINVAL;
		break;
	case SEEK_DATA:
	case SEEK_HOLE:
		if (off < 0 || off >= size)
			return -ENXIO;
		r = pc_seek_data(inode, (uint64_t)off, whence == SEEK_DATA);
		if (r < 0)
			return r;
		break;
	default:
		return -EINVAL;
	}
	if (r < 0)
		return -EINVAL;
	f->pos = r;
	return r;
}

/* Zero [from, to) inside one page if it exists. */
static void pc_zero_part(struct memobj *obj, uint64_t idx, uint64_t from, uint64_t to)
{
	uint64_t pfn = pc_peek(obj, idx);

	if (pfn && to > from)
		memset((uint8_t *)pfn_ptr(pfn) + from, 0, to - from);
}

int pagecache_truncate(struct inode *inode, uint64_t len)
{
	struct memobj *obj = inode->cache;
	uint64_t old = inode->size;

	if (len > (uint64_t)PC_MAX_SIZE)
		return -EINVAL;
	if (len > old) {
		ssize_t lim = pc_fsize_limit(task_current, old < len ? len - 1 : len, 1);

		if (lim < 0)
			return (int)lim;
	}
	if (len < old && obj) {
		/* Zero the tail of the last partial page, so growing again
		 * reads zeros, then drop the whole pages beyond. */
		if (len & (PAGE_SIZE - 1))
			pc_zero_part(obj, len >> PAGE_SHIFT, len & (PAGE_SIZE - 1), PAGE_SIZE);
		pc_drop(obj, PAGE_ALIGN(len) >> PAGE_SHIFT, ~0UL >> PAGE_SHIFT);
	}
	pc_set_size(inode, len);
	pc_touch(inode, true);
	return 0;
}

int pagecache_fallocate(struct inode *inode, int mode, uint64_t off, uint64_t len)
{
	struct memobj *obj;
	uint64_t end, first, last;

	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE))
		return -EOPNOTSUPP;
	if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	if (!len || __builtin_add_overflow(off, len, &end) || end > (uint64_t)PC_MAX_SIZE)
		return len ? -EFBIG : -EINVAL;
	obj = pc_obj(inode);
	if (!obj)
		return -ENOMEM;
	if (mode & FALLOC_FL_PUNCH_HOLE) {
		uint64_t fo = off & (PAGE_SIZE - 1), eo = end & (PAGE_SIZE - 1);

		first = off >> PAGE_SHIFT;
		last = end >> PAGE_SHIFT;
		if (first == last) {
			pc_zero_part(obj, first, fo, eo);
		} else {
			if (fo)
				pc_zero_part(obj, first++, fo, PAGE_SIZE);
			if (eo)
				pc_zero_part(obj, last, 0, eo);
			pc_drop(obj, first, last);
		}
		pc_touch(inode, true);
		return 0;
	}
	if (end > PC_MAX_BYTES)
		return -EFBIG;
	if (!(mode & FALLOC_FL_KEEP_SIZE) && end > inode->size) {
		ssize_t lim = pc_fsize_limit(task_current, end - 1, 1);

		if (lim < 0)
			return (int)lim;
	}
	first = off >> PAGE_SHIFT;
	last = PAGE_ALIGN(end) >> PAGE_SHIFT;
	{
		struct pc_info *pi = obj->priv;

		/* Fail up front when the range cannot fit, as shmem does. */
		if (pi->acct && pi->acct->max_pages && last - first > pi->acct->max_pages)
			return -ENOSPC;
	}
	for (uint64_t i = first; i < last; i++) {
		struct pc_info *pi = obj->priv;
		bool fresh = !pc_peek(obj, i);
		int64_t pfn = memobj_page(obj, i);
		uint64_t *slot;

		if (pfn < 0)
			return (int)pfn;
		if (!fresh)
			continue;
		if (!pi->unwritten)
			pi->unwritten = pt_new();
		slot = pi->unwritten ? pt_slot(pi->unwritten, i, 1) : NULL;
		if (slot)
			*slot = 1;
	}
	if (!(mode & FALLOC_FL_KEEP_SIZE) && end > inode->size)
		pc_set_size(inode, end);
	pc_touch(inode, false);
	return 0;
}

int pagecache_mmap(struct inode *inode, struct memobj **objp)
{
	struct memobj *obj = pc_obj(inode);

	if (!obj)
		return -ENOMEM;
	obj->size = inode->size;
	memobj_get(obj);
	*objp = obj;
	return 0;
}

void pagecache_fill_stat(struct inode *inode, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = inode->sb ? inode->sb->dev : 0;
	st->st_ino = inode->ino;
	st->st_mode = inode->mode;
	st->st_nlink = inode->nlink;
	st->st_uid = inode->uid;
	st->st_gid = inode->gid;
	st->st_rdev = inode->rdev;
	st->st_size = (off_t)inode->size;
	st->st_blksize = PAGE_SIZE;
	st->st_blocks = (blkcnt_t)inode->blocks;
	st->st_atim = inode->atime;
	st->st_mtim = inode->mtime;
	st->st_ctim = inode->ctime;
}

/* touch_atime() with relatime, the default: the access time moves when it
 * is not after the last change or is a day old; never on noatime (or,
 * for directories, nodiratime) mounts, read-only ones, or O_NOATIME
 * files; always on strictatime mounts. */
void pagecache_accessed(struct file *f, struct inode *inode)
{
	unsigned long mf = f->mnt ? f->mnt->flags : 0;
	struct timespec now;

	if ((f->flags & O_NOATIME) || (mf & (MS_NOATIME | MS_RDONLY)) ||
	    (S_ISDIR(inode->mode) && (mf & MS_NODIRATIME)) ||
	    (inode->sb && (inode->sb->flags & SB_RDONLY)))
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	if (!(mf & MS_STRICTATIME)) {
		const struct timespec *a = &inode->atime;
		bool stale = now.tv_sec - a->tv_sec >= 24 * 3600;
		bool before_m = a->tv_sec < inode->mtime.tv_sec ||
				(a->tv_sec == inode->mtime.tv_sec && a->tv_nsec <= inode->mtime.tv_nsec);
		bool before_c = a->tv_sec < inode->ctime.tv_sec ||
				(a->tv_sec == inode->ctime.tv_sec && a->tv_nsec <= inode->ctime.tv_nsec);

		if (!stale && !before_m && !before_c)
			return;
	}
	inode->atime = now;
}

/* ---------------------------------------------------- vfs_pagecache_file_ops */

static struct inode *pc_inode(struct file *f)
{
	return f->dentry ? f->dentry->inode : NULL;
}

static ssize_t pcf_read(struct task *t, struct file *f, void *buf, size_t n, int64_t *pos)
{
	struct inode *inode = pc_inode(f);
	ssize_t r;

	if (!inode)
		return -EBADF;
	r = pagecache_read(inode, buf, n, pos);
	if (r >= 0 && n)
		pagecache_accessed(f, inode);
	return r;
}

static ssize_t pcf_write(struct task *t, struct file *f, const void *buf, size_t n, int64_t *pos)
{
	struct inode *inode = pc_inode(f);

	if (!inode)
		return -EBADF;
	return pagecache_write(t, inode, f->flags, buf, n, pos);
}

static int64_t pcf_llseek(struct file *f, int64_t off, int whence)
{
	struct inode *inode = pc_inode(f);

	if (!inode)
		return -EBADF;
	return pagecache_llseek(inode, f, off, whence);
}

static int pcf_fstat(struct file *f, struct stat *st)
{
	struct inode *inode = pc_inode(f);

	if (!inode)
		return -EBADF;
	pagecache_fill_stat(inode, st);
	return 0;
}

static unsigned int pcf_poll(struct file *f, struct waitq **wq)
{
	return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
}

static int pcf_mmap(struct file *f, struct memobj **obj)
{
	struct inode *inode = pc_inode(f);
	int err;

	if (!inode)
		return -ENODEV;
	err = pagecache_mmap(inode, obj);
	/* /proc/pid/maps names the mapping by the file's path as of now. */
	if (!err && f->mnt && task_current) {
		struct path p = { f->mnt, f->dentry };
		char buf[4096];

		if (vfs_d_path(task_current, &p, buf, sizeof(buf), true) > 0) {
			char *name = strdup(buf);

			if (name) {
				free((*obj)->name);
				(*obj)->name = name;
			}
		}
	}
	return err;
}

static int pcf_fsync(struct file *f, bool datasync)
{
	return 0;   /* memory is the backing store */
}

static int pcf_truncate(struct file *f, uint64_t len)
{
	struct inode *inode = pc_inode(f);

	if (!inode)
		return -EINVAL;
	if (inode->iops && inode->iops->setattr) {
		struct iattr a = { .valid = ATTR_SIZE, .size = len };

		return inode->iops->setattr(inode, &a);
	}
	return pagecache_truncate(inode, len);
}

const struct file_ops vfs_pagecache_file_ops = {
	.read = pcf_read,
	.write = pcf_write,
	.llseek = pcf_llseek,
	.fstat = pcf_fstat,
	.poll = pcf_poll,
	.mmap = pcf_mmap,
	.fsync = pcf_fsync,
	.truncate = pcf_truncate,
};
