/* tmpfs: directories, regular files in the page cache, symlinks, device
 * nodes, FIFOs and sockets, all in sentry memory, with Linux shmem's
 * rules: size= and nr_inodes= budgets (ENOSPC), link counts, rename with
 * RENAME_EXCHANGE/NOREPLACE/WHITEOUT, O_TMPFILE, trusted/security/user
 * xattrs, BOGO_DIRENT_SIZE directory sizes. Directory entries carry
 * readdir cookies that only grow, so a getdents stream survives entries
 * being removed under it without repeating or losing the others. */
#define _GNU_SOURCE
#include "fs/tmpfs.h"
#include "fs/lock.h"
#include "fs/pagecache.h"
#include "fs/vfs.h"
#include "sentry/memfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

/* Linux shmem's numbers. */
#define BOGO_DIRENT_SIZE 20
#define SHORT_SYMLINK_LEN 128
#define BOGO_INODE_SIZE 1024
#define XATTR_NAME_MAX_K 255
#define XATTR_SIZE_MAX_K 65536
#define XATTR_LIST_MAX_K 65536
#define CAP_SYS_ADMIN_K 21
#define FALLOC_FL_PUNCH_HOLE_K 0x02
#define XATTR_CREATE_K 1
#define XATTR_REPLACE_K 2

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#define RENAME_EXCHANGE (1 << 1)
#define RENAME_WHITEOUT (1 << 2)
#endif

struct tmpfs_sb {
	struct pagecache_acct *acct;   /* max_pages 0: unlimited */
	uint64_t max_inodes;           /* 0: unlimited */
	uint64_t used_inodes;
	/* With nr_inodes set, inodes (BOGO_INODE_SIZE each) and xattrs
	 * share max_inodes * BOGO_INODE_SIZE bytes, as shmem's free_ispace. */
	uint64_t xattr_space;
	uint64_t def_blocks, def_inodes;   /* Linux's defaults, for show_options */
	uint32_t mode, uid, gid;       /* of the root directory */
	const char *huge;              /* huge= as given, or NULL */
	bool noswap;
};

struct tdirent {
	struct tdirent *hnext;         /* hash chain */
	struct list_head node;         /* the directory's entries, cookie order */
	uint64_t cookie;
	struct inode *inode;           /* the entry's reference */
	size_t namelen;
	char name[];
};

struct tdir {
	struct tdirent **buckets;
	size_t nbuckets, count;
	struct list_head entries;
	uint64_t next_cookie;          /* 0 and 1 are "." and ".." */
	struct inode *parent;          /* weak: the parent holds us */
};

struct txattr {
	struct txattr *next;
	char *name;
	void *val;
	size_t len;
};

/* inode->priv */
struct tnode {
	struct tdir *dir;              /* directories */
	char *symlink;                 /* symlinks */
	bool symlink_page;             /* a long target: charged one page */
	unsigned int seals;            /* F_SEAL_* (memfds) */
	struct txattr *xattrs;
};

static const struct inode_ops tmpfs_iops;
static const struct super_ops tmpfs_sops;
static struct file_ops tmpfs_dir_fops;
static const struct fs_type tmpfs_type;

static struct tmpfs_sb *TSB(struct super_block *sb)
{
	return sb->priv;
}

static struct tnode *TN(struct inode *inode)
{
	return inode->priv;
}

static void now_ts(struct timespec *ts)
{
	clock_gettime(CLOCK_REALTIME, ts);
}

static void touch_mc(struct inode *inode)
{
	now_ts(&inode->mtime);
	inode->ctime = inode->mtime;
}

static void touch_c(struct inode *inode)
{
	now_ts(&inode->ctime);
}

/* ------------------------------------------------------------- directories */

static uint64_t name_hash(const char *name, size_t len)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 1099511628211ULL;
	return h;
}

static struct tdir *tdir_new(struct inode *parent)
{
	struct tdir *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->nbuckets = 8;
	d->buckets = calloc(d->nbuckets, sizeof(*d->buckets));
	if (!d->buckets) {
		free(d);
		return NULL;
	}
	list_init(&d->entries);
	d->next_cookie = 2;
	d->parent = parent;
	return d;
}

static struct tdirent *tdir_find(struct tdir *d, const char *name)
{
	size_t len = strlen(name);
	struct tdirent *e = d->buckets[name_hash(name, len) & (d->nbuckets - 1)];

	for (; e; e = e->hnext)
		if (e->namelen == len && !memcmp(e->name, name, len))
			return e;
	return NULL;
}

static void tdir_grow(struct tdir *d)
{
	size_t nb = d->nbuckets * 2;
	struct tdirent **b = calloc(nb, sizeof(*b));
	struct tdirent *e;

	if (!b)
		return;   /* keep the old table: longer chains, still correct */
	list_for_each_entry(e, &d->entries, node) {
		size_t i = name_hash(e->name, e->namelen) & (nb - 1);

		e->hnext = b[i];
		b[i] = e;
	}
	free(d->buckets);
	d->buckets = b;
	d->nbuckets = nb;
}

static struct tdirent *tdirent_new(const char *name)
{
	size_t len = strlen(name);
	struct tdirent *e;

	if (len > NAME_MAX)
		return NULL;
	e = calloc(1, sizeof(*e) + len + 1);
	if (e) {
		e->namelen = len;
		memcpy(e->name, name, len + 1);
	}
	return e;
}

/* Link e (holding a reference on inode) into directory dir. */
static void tdir_insert(struct inode *dir, struct tdirent *e, struct inode *inode)
{
	struct tdir *d = TN(dir)->dir;
	size_t i;

	if (d->count + 1 > d->nbuckets * 2)
		tdir_grow(d);
	i = name_hash(e->name, e->namelen) & (d->nbuckets - 1);
	e->inode = inode;
	e->cookie = d->next_cookie++;
	e->hnext = d->buckets[i];
	d->buckets[i] = e;
	/* Newest first, the order Linux's tmpfs lists a directory in. */
	list_add(&e->node, &d->entries);
	d->count++;
	dir->size += BOGO_DIRENT_SIZE;
	touch_mc(dir);
}

/* Unlink e from dir; the caller owns e and its inode reference. */
static void tdir_detach(struct inode *dir, struct tdirent *e)
{
	struct tdir *d = TN(dir)->dir;
	struct tdirent **pp = &d->buckets[name_hash(e->name, e->namelen) & (d->nbuckets - 1)];

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	list_del(&e->node);
	d->count--;
	dir->size -= BOGO_DIRENT_SIZE;
	touch_mc(dir);
}

static int check_name(const char *name)
{
	if (strlen(name) > NAME_MAX)
		return -ENAMETOOLONG;
	return 0;
}

/* ------------------------------------------------------------------ inodes */

static uint64_t ispace_free(struct tmpfs_sb *ts)
{
	uint64_t used = ts->used_inodes * BOGO_INODE_SIZE + ts->xattr_space;
	uint64_t max = ts->max_inodes * BOGO_INODE_SIZE;

	return used < max ? max - used : 0;
}

static int reserve_inode(struct super_block *sb)
{
	struct tmpfs_sb *ts = TSB(sb);

	if (ts->max_inodes && ispace_free(ts) < BOGO_INODE_SIZE)
		return -ENOSPC;
	ts->used_inodes++;
	return 0;
}

static void free_inode_slot(struct super_block *sb)
{
	if (TSB(sb)->used_inodes)
		TSB(sb)->used_inodes--;
}

static int tmpfs_alloc(struct super_block *sb, struct inode *parent, uint32_t mode, dev_t rdev,
		       const struct vfs_owner *o, struct inode **out)
{
	const struct file_ops *fops = NULL;
	struct inode *inode;
	struct tnode *tn;
	int err;

	switch (mode & S_IFMT) {
	case S_IFREG:
		fops = &vfs_pagecache_file_ops;
		break;
	case S_IFDIR:
		fops = &tmpfs_dir_fops;
		break;
	case S_IFLNK:
	case S_IFIFO:
	case S_IFSOCK:
	case S_IFCHR:
	case S_IFBLK:
		break;
	default:
		return -EINVAL;
	}
	err = reserve_inode(sb);
	if (err)
		return err;
	tn = calloc(1, sizeof(*tn));
	if (!tn)
		goto nomem;
	inode = inode_new(sb, &tmpfs_iops, fops, mode, 0);
	if (!inode) {
		free(tn);
		goto nomem;
	}
	inode->priv = tn;
	inode->uid = o ? o->uid : 0;
	inode->gid = o ? o->gid : 0;
	inode->nlink = 1;
	inode->rdev = S_ISCHR(mode) || S_ISBLK(mode) ? rdev : 0;
	now_ts(&inode->mtime);
	inode->atime = inode->ctime = inode->mtime;
	if (S_ISDIR(mode)) {
		tn->dir = tdir_new(parent ? parent : inode);
		if (!tn->dir)
			goto nomem_inode;
		inode->nlink = 2;
		inode->size = 2 * BOGO_DIRENT_SIZE;
	} else if (S_ISREG(mode)) {
		if (pagecache_init(inode, TSB(sb)->acct) < 0)
			goto nomem_inode;
	}
	*out = inode;
	return 0;
nomem_inode:
	inode_put(inode);   /* evict frees tn and the slot */
	return -ENOMEM;
nomem:
	free_inode_slot(sb);
	return -ENOMEM;
}

/* shmem's charge for an xattr (simple_xattr_space). */
static uint64_t xattr_space(const char *name, size_t size)
{
	return 40 + size + strlen(name);
}

/* Every namespace is charged, as shmem_xattr_handler_set does. */
static bool xattr_charged(const char *name)
{
	(void)name;
	return true;
}

static void xattr_uncharge(struct super_block *sb, const char *name, size_t size)
{
	struct tmpfs_sb *ts = TSB(sb);
	uint64_t sp = xattr_space(name, size);

	if (xattr_charged(name))
		ts->xattr_space -= sp < ts->xattr_space ? sp : ts->xattr_space;
}

static void xattrs_free(struct super_block *sb, struct tnode *tn)
{
	while (tn->xattrs) {
		struct txattr *x = tn->xattrs;

		xattr_uncharge(sb, x->name, x->len);
		tn->xattrs = x->next;
		free(x->name);
		free(x->val);
		free(x);
	}
}

/* Children of evicted directories waiting for their last put: freeing a
 * deep tree must not recurse once per level on the sentry's stack. */
static struct inode **evict_queue;
static size_t evict_len, evict_cap;
static bool evict_draining;

static void evict_later(struct inode *inode)
{
	if (inode->refs > 1) {
		inode_put(inode);   /* not the last: no eviction follows */
		return;
	}
	if (evict_len == evict_cap) {
		size_t ncap = evict_cap ? evict_cap * 2 : 64;
		struct inode **q = realloc(evict_queue, ncap * sizeof(*q));

		if (!q) {
			inode_put(inode);   /* out of memory: recurse instead */
			return;
		}
		evict_queue = q;
		evict_cap = ncap;
	}
	evict_queue[evict_len++] = inode;
}

static void tmpfs_evict(struct inode *inode)
{
	struct tnode *tn = TN(inode);
	bool top;

	if (!tn)
		return;
	top = !evict_draining;
	evict_draining = true;
	if (tn->dir) {
		struct tdirent *e, *n;

		/* Only a superblock going away frees a non-empty directory. */
		list_for_each_entry_safe(e, n, &tn->dir->entries, node) {
			list_del(&e->node);
			evict_later(e->inode);
			free(e);
		}
		free(tn->dir->buckets);
		free(tn->dir);
	}
	if (tn->symlink_page && TSB(inode->sb)->acct && TSB(inode->sb)->acct->used_pages)
		TSB(inode->sb)->acct->used_pages--;
	free(tn->symlink);
	xattrs_free(inode->sb, tn);
	free(tn);
	inode->priv = NULL;
	pagecache_evict(inode);
	lock_inode_free(inode);
	free_inode_slot(inode->sb);
	if (top) {
		while (evict_len)
			inode_put(evict_queue[--evict_len]);
		evict_draining = false;
	}
}

/* --------------------------------------------------------------- inode ops */

static int tmpfs_lookup(struct inode *dir, const char *name, struct inode **out)
{
	struct tdirent *e;

	if (!TN(dir)->dir)
		return -ENOTDIR;
	if (check_name(name))
		return -ENAMETOOLONG;
	e = tdir_find(TN(dir)->dir, name);
	if (!e)
		return -ENOENT;
	inode_get(e->inode);
	*out = e->inode;
	return 0;
}

/* Make a new inode and enter it at name in dir; *out gets a reference. */
static int tmpfs_make(struct inode *dir, const char *name, uint32_t mode, dev_t rdev,
		      const struct vfs_owner *o, struct inode **out)
{
	struct tdirent *e;
	struct inode *inode;
	int err;

	if (!TN(dir)->dir)
		return -ENOTDIR;
	if (!dir->nlink)
		return -ENOENT;
	if ((err = check_name(name)))
		return err;
	if (tdir_find(TN(dir)->dir, name))
		return -EEXIST;
	e = tdirent_new(name);
	if (!e)
		return -ENOMEM;
	err = tmpfs_alloc(dir->sb, dir, mode, rdev, o, &inode);
	if (err) {
		free(e);
		return err;
	}
	tdir_insert(dir, e, inode);
	if (S_ISDIR(mode))
		dir->nlink++;
	if (out) {
		inode_get(inode);
		*out = inode;
	}
	return 0;
}

static int tmpfs_create(struct inode *dir, const char *name, uint32_t mode, dev_t rdev,
			const struct vfs_owner *o, struct inode **out)
{
	if (S_ISDIR(mode) || S_ISLNK(mode))
		return -EINVAL;
	if (!(mode & S_IFMT))
		mode |= S_IFREG;
	return tmpfs_make(dir, name, mode, rdev, o, out);
}

static int tmpfs_mkdir(struct inode *dir, const char *name, uint32_t mode,
		       const struct vfs_owner *o, struct inode **out)
{
	return tmpfs_make(dir, name, S_IFDIR | (mode & 07777), 0, o, out);
}

static int tmpfs_symlink(struct inode *dir, const char *name, const char *target,
			 const struct vfs_owner *o, struct inode **out)
{
	size_t len = strlen(target);
	struct pagecache_acct *acct = TSB(dir->sb)->acct;
	struct inode *inode;
	struct tnode *tn;
	char *copy;
	int err;

	if (!len)
		return -ENOENT;
	if (len >= PATH_MAX)
		return -ENAMETOOLONG;
	copy = strdup(target);
	if (!copy)
		return -ENOMEM;
	/* A long target takes a page, as shmem_symlink does. */
	if (len >= SHORT_SYMLINK_LEN && acct) {
		if (acct->max_pages && acct->used_pages >= acct->max_pages) {
			free(copy);
			return -ENOSPC;
		}
		acct->used_pages++;
	}
	err = tmpfs_make(dir, name, S_IFLNK | 0777, 0, o, &inode);
	if (err) {
		if (len >= SHORT_SYMLINK_LEN && acct)
			acct->used_pages--;
		free(copy);
		return err;
	}
	tn = TN(inode);
	tn->symlink = copy;
	tn->symlink_page = len >= SHORT_SYMLINK_LEN && acct;
	inode->size = len;
	if (len >= SHORT_SYMLINK_LEN)
		inode->blocks = PAGE_SIZE / 512;
	if (out)
		*out = inode;
	else
		inode_put(inode);
	return 0;
}

static int tmpfs_tmpfile(struct inode *dir, uint32_t mode, const struct vfs_owner *o,
			 struct inode **out)
{
	int err;

	if (!TN(dir)->dir)
		return -ENOTDIR;
	err = tmpfs_alloc(dir->sb, dir, S_IFREG | (mode & 07777), 0, o, out);
	if (!err)
		(*out)->nlink = 0;
	return err;
}

static int tmpfs_link(struct inode *dir, const char *name, struct inode *target)
{
	struct tdirent *e;
	int err;

	if (!TN(dir)->dir)
		return -ENOTDIR;
	if (S_ISDIR(target->mode))
		return -EPERM;
	if ((err = check_name(name)))
		return err;
	if (tdir_find(TN(dir)->dir, name))
		return -EEXIST;
	e = tdirent_new(name);
	if (!e)
		return -ENOMEM;
	/* Every further name costs an inode slot, as shmem_link. */
	if (target->nlink && (err = reserve_inode(dir->sb))) {
		free(e);
		return err;
	}
	inode_get(target);
	tdir_insert(dir, e, target);
	target->nlink++;
	touch_c(target);
	return 0;
}

/* Drop a name of inode (the entry is already detached). */
static void drop_name(struct inode *inode, struct tdirent *e)
{
	if (S_ISDIR(inode->mode)) {
		inode->nlink = 0;
	} else {
		if (inode->nlink > 1)
			free_inode_slot(inode->sb);
		if (inode->nlink)
			inode->nlink--;
	}
	touch_c(inode);
	free(e);
	inode_put(inode);
}

static int tmpfs_unlink(struct inode *dir, const char *name, struct inode *victim)
{
	struct tdirent *e;

	if (!TN(dir)->dir)
		return -ENOTDIR;
	e = tdir_find(TN(dir)->dir, name);
	if (!e || e->inode != victim)
		return -ENOENT;
	if (S_ISDIR(victim->mode))
		return -EISDIR;
	tdir_detach(dir, e);
	drop_name(victim, e);
	return 0;
}

static int tmpfs_rmdir(struct inode *dir, const char *name, struct inode *victim)
{
	struct tdirent *e;

	if (!TN(dir)->dir)
		return -ENOTDIR;
	e = tdir_find(TN(dir)->dir, name);
	if (!e || e->inode != victim)
		return -ENOENT;
	if (!S_ISDIR(victim->mode))
		return -ENOTDIR;
	if (TN(victim)->dir->count)
		return -ENOTEMPTY;
	tdir_detach(dir, e);
	dir->nlink--;
	drop_name(victim, e);
	return 0;
}

/* inode moved from directory from to directory to: fix ".." and counts. */
static void moved_dir(struct inode *inode, struct inode *from, struct inode *to)
{
	if (!S_ISDIR(inode->mode) || from == to)
		return;
	TN(inode)->dir->parent = to;
	from->nlink--;
	to->nlink++;
}

static int tmpfs_rename(struct inode *odir, const char *oname, struct inode *ndir,
			const char *nname, unsigned int flags)
{
	struct tdirent *oe, *ne, *fresh = NULL, *wo_e = NULL;
	struct inode *moving, *wo = NULL;
	int err;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	if ((flags & RENAME_EXCHANGE) && (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)))
		return -EINVAL;
	if (!TN(odir)->dir || !TN(ndir)->dir)
		return -ENOTDIR;
	if ((err = check_name(nname)))
		return err;
	oe = tdir_find(TN(odir)->dir, oname);
	if (!oe)
		return -ENOENT;
	ne = tdir_find(TN(ndir)->dir, nname);
	moving = oe->inode;

	if (flags & RENAME_EXCHANGE) {
		struct inode *other;

		if (!ne)
			return -ENOENT;
		other = ne->inode;
		oe->inode = other;
		ne->inode = moving;
		moved_dir(moving, odir, ndir);
		moved_dir(other, ndir, odir);
		touch_mc(odir);
		touch_mc(ndir);
		touch_c(moving);
		touch_c(other);
		return 0;
	}
	if (ne && (flags & RENAME_NOREPLACE))
		return -EEXIST;
	if (ne && ne->inode == moving)
		return 0;   /* two names of one inode: nothing happens */
	if (ne && S_ISDIR(ne->inode->mode)) {
		if (!S_ISDIR(moving->mode))
			return -EISDIR;
		if (TN(ne->inode)->dir->count)
			return -ENOTEMPTY;
	} else if (ne && S_ISDIR(moving->mode)) {
		return -ENOTDIR;
	}
	/* Everything that can fail comes first. */
	fresh = tdirent_new(nname);
	if (!fresh)
		return -ENOMEM;
	if (flags & RENAME_WHITEOUT) {
		struct vfs_owner o = { 0, 0 };

		if (task_current && task_current->cred) {
			o.uid = task_current->cred->fsuid;
			o.gid = task_current->cred->fsgid;
		}
		wo_e = tdirent_new(oname);
		err = wo_e ? tmpfs_alloc(odir->sb, odir, S_IFCHR, makedev(0, 0), &o, &wo) : -ENOMEM;
		if (err) {
			free(wo_e);
			free(fresh);
			return err;
		}
	}
	if (ne) {
		struct inode *victim = ne->inode;

		tdir_detach(ndir, ne);
		if (S_ISDIR(victim->mode))
			ndir->nlink--;
		drop_name(victim, ne);
	}
	tdir_detach(odir, oe);
	free(oe);
	tdir_insert(ndir, fresh, moving);
	moved_dir(moving, odir, ndir);
	touch_c(moving);
	if (wo)
		tdir_insert(odir, wo_e, wo);
	return 0;
}

static long tmpfs_readlink(struct inode *inode, char *buf, size_t n)
{
	const char *s = TN(inode)->symlink;
	size_t len;

	if (!s)
		return -EINVAL;
	len = strlen(s);
	if (len > n)
		len = n;
	memcpy(buf, s, len);
	return (long)len;
}

/* F_SEAL_* as fcntl.h numbers them. */
#define SEAL_SHRINK_K 0x2
#define SEAL_GROW_K 0x4
#define SEAL_WRITE_K 0x8
#define SEAL_FUTURE_WRITE_K 0x10

static int tmpfs_setattr(struct inode *inode, const struct iattr *a)
{
	int err;

	if (a->valid & ATTR_SIZE) {
		unsigned int seals = TN(inode)->seals;

		if (S_ISDIR(inode->mode))
			return -EISDIR;
		if (!S_ISREG(inode->mode))
			return -EINVAL;
		if ((a->size < inode->size && (seals & SEAL_SHRINK_K)) ||
		    (a->size > inode->size && (seals & SEAL_GROW_K)))
			return -EPERM;
		err = pagecache_truncate(inode, a->size);
		if (err)
			return err;
	}
	if (a->valid & ATTR_MODE)
		inode->mode = (inode->mode & S_IFMT) | (a->mode & 07777);
	if (a->valid & ATTR_UID)
		inode->uid = a->uid;
	if (a->valid & ATTR_GID)
		inode->gid = a->gid;
	if (a->valid & ATTR_ATIME)
		inode->atime = a->atime;
	if (a->valid & ATTR_MTIME)
		inode->mtime = a->mtime;
	if (a->valid & ATTR_CTIME)
		inode->ctime = a->ctime;
	else if (a->valid & ~ATTR_SIZE)
		touch_c(inode);
	return 0;
}

/* ----------------------------------------------------------------- xattrs */

enum xns { XNS_NONE, XNS_USER, XNS_TRUSTED, XNS_SECURITY };

static enum xns xattr_ns(const char *name)
{
	if (!strncmp(name, "user.", 5))
		return XNS_USER;
	if (!strncmp(name, "trusted.", 8))
		return XNS_TRUSTED;
	if (!strncmp(name, "security.", 9))
		return XNS_SECURITY;
	return XNS_NONE;
}

/* trusted.* needs CAP_SYS_ADMIN (xattr(7)); sentry-internal callers
 * without a task (the overlay's copy-up) are trusted. */
static bool admin(void)
{
	return !task_current || capable(task_current, CAP_SYS_ADMIN_K);
}

/* xattr(7) name rules; returns the namespace or -errno. */
static int xattr_check(struct inode *inode, const char *name, bool write)
{
	size_t len = strlen(name);
	enum xns ns;

	if (!len || len > XATTR_NAME_MAX_K)
		return -ERANGE;
	ns = xattr_ns(name);
	if (ns == XNS_NONE)
		return -EOPNOTSUPP;
	/* The bare prefix ("user.") is not a name. */
	if (!strchr(name, '.')[1])
		return -EINVAL;
	if (ns == XNS_TRUSTED && !admin())
		return write ? -EPERM : -ENODATA;
	if (ns == XNS_USER && !S_ISREG(inode->mode) && !S_ISDIR(inode->mode))
		return write ? -EPERM : -ENODATA;
	return (int)ns;
}

static struct txattr **xattr_find(struct tnode *tn, const char *name)
{
	struct txattr **pp = &tn->xattrs;

	while (*pp && strcmp((*pp)->name, name))
		pp = &(*pp)->next;
	return pp;
}

static long tmpfs_getxattr(struct inode *inode, const char *name, void *buf, size_t size)
{
	struct txattr *x;
	int err = xattr_check(inode, name, false);

	if (err < 0)
		return err;
	x = *xattr_find(TN(inode), name);
	if (!x)
		return -ENODATA;
	if (!size)
		return (long)x->len;
	if (size < x->len)
		return -ERANGE;
	if (x->len)
		memcpy(buf, x->val, x->len);
	return (long)x->len;
}

static int tmpfs_setxattr(struct inode *inode, const char *name, const void *val, size_t size,
			  int flags)
{
	struct txattr **pp, *x;
	void *copy = NULL;
	int err = xattr_check(inode, name, true);

	if (err < 0)
		return err;
	if (flags & ~(XATTR_CREATE_K | XATTR_REPLACE_K))
		return -EINVAL;
	if (size > XATTR_SIZE_MAX_K)
		return -E2BIG;
	pp = xattr_find(TN(inode), name);
	if (*pp && (flags & XATTR_CREATE_K))
		return -EEXIST;
	if (!*pp && (flags & XATTR_REPLACE_K))
		return -ENODATA;
	/* The new value is charged first, the replaced one given back
	 * after (shmem_xattr_handler_set). */
	if (xattr_charged(name) && TSB(inode->sb)->max_inodes &&
	    ispace_free(TSB(inode->sb)) < xattr_space(name, size))
		return -ENOSPC;
	if (size) {
		copy = malloc(size);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, val, size);
	}
	if (*pp) {
		x = *pp;
		xattr_uncharge(inode->sb, name, x->len);
		free(x->val);
	} else {
		x = calloc(1, sizeof(*x));
		if (!x || !(x->name = strdup(name))) {
			free(x);
			free(copy);
			return -ENOMEM;
		}
		*pp = x;
	}
	if (xattr_charged(name))
		TSB(inode->sb)->xattr_space += xattr_space(name, size);
	x->val = copy;
	x->len = size;
	touch_c(inode);
	return 0;
}

static long tmpfs_listxattr(struct inode *inode, char *buf, size_t size)
{
	struct txattr *x;
	size_t total = 0;
	bool adm = admin();

	for (x = TN(inode)->xattrs; x; x = x->next) {
		size_t len = strlen(x->name) + 1;

		if (xattr_ns(x->name) == XNS_TRUSTED && !adm)
			continue;
		if (size) {
			if (total + len > size)
				return -ERANGE;
			memcpy(buf + total, x->name, len);
		}
		total += len;
	}
	if (total > XATTR_LIST_MAX_K && !size)
		return -E2BIG;
	return (long)total;
}

static int tmpfs_removexattr(struct inode *inode, const char *name)
{
	struct txattr **pp, *x;
	int err = xattr_check(inode, name, true);

	if (err < 0)
		return err;
	pp = xattr_find(TN(inode), name);
	if (!*pp)
		return -ENODATA;
	x = *pp;
	*pp = x->next;
	xattr_uncharge(inode->sb, x->name, x->len);
	free(x->name);
	free(x->val);
	free(x);
	touch_c(inode);
	return 0;
}

static int tmpfs_fallocate(struct inode *inode, int mode, uint64_t off, uint64_t len)
{
	unsigned int seals;

	if (S_ISDIR(inode->mode))
		return -EISDIR;
	if (!S_ISREG(inode->mode))
		return -ENODEV;
	/* shmem_fallocate's seal checks. */
	seals = TN(inode)->seals;
	if ((mode & FALLOC_FL_PUNCH_HOLE_K) && (seals & (SEAL_WRITE_K | SEAL_FUTURE_WRITE_K)))
		return -EPERM;
	if (!(mode & FALLOC_FL_PUNCH_HOLE_K) && (seals & SEAL_GROW_K) && off + len > inode->size)
		return -EPERM;
	return pagecache_fallocate(inode, mode, off, len);
}

static const struct inode_ops tmpfs_iops = {
	.lookup = tmpfs_lookup,
	.create = tmpfs_create,
	.mkdir = tmpfs_mkdir,
	.symlink = tmpfs_symlink,
	.tmpfile = tmpfs_tmpfile,
	.link = tmpfs_link,
	.unlink = tmpfs_unlink,
	.rmdir = tmpfs_rmdir,
	.rename = tmpfs_rename,
	.readlink = tmpfs_readlink,
	.setattr = tmpfs_setattr,
	.getxattr = tmpfs_getxattr,
	.setxattr = tmpfs_setxattr,
	.listxattr = tmpfs_listxattr,
	.removexattr = tmpfs_removexattr,
	.fallocate = tmpfs_fallocate,
};

/* ----------------------------------------------------------- directory files */

/* Readdir positions: 0 ".", 1 "..", 2 the newest entry; after an entry
 * with cookie c the position is DIR_POS_BASE - c, so positions grow as the
 * walk goes to older entries, and a resumed walk takes only entries older
 * than the last one returned: entries created meanwhile are not seen (as
 * on Linux), removed ones are simply gone, none comes twice. */
#define DIR_POS_BASE (1LL << 62)

static int tmpfs_iterate(struct file *f, struct dir_ctx *ctx)
{
	struct inode *dir = f->dentry ? f->dentry->inode : NULL;
	struct tdir *d;
	struct tdirent *e;
	uint64_t below;

	if (!dir || !TN(dir) || !TN(dir)->dir)
		return -ENOTDIR;
	if (!dir->nlink)
		return -ENOENT;   /* removed: Linux's IS_DEADDIR */
	d = TN(dir)->dir;
	pagecache_accessed(f, dir);
	if (ctx->pos == 0) {
		if (!ctx->emit(ctx, ".", 1, dir->ino, DT_DIR))
			return 0;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		if (!ctx->emit(ctx, "..", 2, d->parent->ino, DT_DIR))
			return 0;
		ctx->pos = 2;
	}
	if (ctx->pos < 2 || ctx->pos >= DIR_POS_BASE)
		return 0;
	below = ctx->pos == 2 ? UINT64_MAX : (uint64_t)(DIR_POS_BASE - ctx->pos);
	list_for_each_entry(e, &d->entries, node) {
		if (e->cookie >= below)
			continue;
		if (!ctx->emit(ctx, e->name, e->namelen, e->inode->ino,
			       (e->inode->mode & S_IFMT) >> 12))
			return 0;
		ctx->pos = DIR_POS_BASE - (int64_t)e->cookie;
	}
	return 0;
}

static int tmpfs_dir_fstat(struct file *f, struct stat *st)
{
	if (!f->dentry)
		return -EBADF;
	pagecache_fill_stat(f->dentry->inode, st);
	return 0;
}

static int tmpfs_dir_fsync(struct file *f, bool datasync)
{
	return 0;
}

/* The VFS's generic directory ops with our iterate (filled at startup:
 * a const initializer cannot copy another object). */
static struct file_ops tmpfs_dir_fops;

/* -------------------------------------------------------------- superblock */

static int tmpfs_statfs(struct super_block *sb, struct statfs *st)
{
	struct tmpfs_sb *ts = TSB(sb);

	memset(st, 0, sizeof(*st));
	st->f_type = TMPFS_MAGIC_K;
	st->f_bsize = PAGE_SIZE;
	st->f_frsize = PAGE_SIZE;
	st->f_namelen = NAME_MAX;
	if (ts->acct && ts->acct->max_pages) {
		uint64_t used = ts->acct->used_pages;

		st->f_blocks = ts->acct->max_pages;
		st->f_bfree = st->f_bavail = used < st->f_blocks ? st->f_blocks - used : 0;
	}
	if (ts->max_inodes) {
		st->f_files = ts->max_inodes;
		st->f_ffree = ispace_free(ts) / BOGO_INODE_SIZE;
	}
	return 0;
}

/* Options that differ from the defaults, comma-separated without a
 * leading comma (the VFS adds it), as shmem_show_options. */
static int tmpfs_show_options(struct super_block *sb, char *buf, size_t n)
{
	struct tmpfs_sb *ts = TSB(sb);
	uint64_t blocks = ts->acct ? ts->acct->max_pages : 0;
	size_t len = 0;

	if (!n)
		return -ENAMETOOLONG;
	buf[0] = 0;
#define ADD(...)                                                              \
	do {                                                                  \
		int k_ = snprintf(buf + len, n - len, "%s", len ? "," : "");  \
		if (k_ < 0 || (size_t)k_ >= n - len)                          \
			return -ENAMETOOLONG;                                 \
		len += (size_t)k_;                                            \
		k_ = snprintf(buf + len, n - len, __VA_ARGS__);               \
		if (k_ < 0 || (size_t)k_ >= n - len)                          \
			return -ENAMETOOLONG;                                 \
		len += (size_t)k_;                                            \
	} while (0)
	if (blocks != ts->def_blocks)
		ADD("size=%lluk", (unsigned long long)blocks * (PAGE_SIZE / 1024));
	if (ts->max_inodes != ts->def_inodes)
		ADD("nr_inodes=%llu", (unsigned long long)ts->max_inodes);
	if (ts->mode != 01777)
		ADD("mode=%03o", ts->mode);
	if (ts->uid)
		ADD("uid=%u", ts->uid);
	if (ts->gid)
		ADD("gid=%u", ts->gid);
	if (ts->huge)
		ADD("huge=%s", ts->huge);
	if (ts->noswap)
		ADD("noswap");
#undef ADD
	return 0;
}

static void tmpfs_release(struct super_block *sb)
{
	struct tmpfs_sb *ts = TSB(sb);

	if (!ts)
		return;
	pagecache_acct_put(ts->acct);
	free(ts);
	sb->priv = NULL;
}

static const struct super_ops tmpfs_sops = {
	.statfs = tmpfs_statfs,
	.evict_inode = tmpfs_evict,
	.show_options = tmpfs_show_options,
	.release = tmpfs_release,
};

/* ------------------------------------------------------------ mount options */

static uint64_t total_ram_pages(void)
{
	long n = sysconf(_SC_PHYS_PAGES);

	return n > 0 ? (uint64_t)n : 1 << 18;
}

/* memparse(): a number with an optional k/m/g/t/p/e suffix. */
static int memparse(const char *s, uint64_t *out, const char **rest)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno)
		return -EINVAL;
	switch (*end) {
	case 'e': case 'E': shift += 10; /* fall through */
	case 'p': case 'P': shift += 10; /* fall through */
	case 't': case 'T': shift += 10; /* fall through */
	case 'g': case 'G': shift += 10; /* fall through */
	case 'm': case 'M': shift += 10; /* fall through */
	case 'k': case 'K': shift += 10;
		end++;
		break;
	default:
		break;
	}
	if (shift && v > (~0ULL >> shift))
		return -EINVAL;
	*out = v << shift;
	*rest = end;
	return 0;
}

static int parse_u32(const char *s, int base, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s)
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end || v > 0xffffffffULL || *s == '-')
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

struct tmpfs_opts {
	uint64_t blocks, inodes;
	uint32_t mode, uid, gid;
	const char *huge;
	bool noswap, rdonly;
};

static int parse_opt(struct tmpfs_opts *o, char *opt)
{
	static const char *const hugev[] = { "never", "always", "within_size", "advise" };
	char *val = strchr(opt, '=');
	const char *rest;
	uint64_t v;

	if (val)
		*val++ = 0;
	if (!strcmp(opt, "size") && val) {
		if (memparse(val, &v, &rest))
			return -EINVAL;
		if (*rest == '%') {
			v = (v << PAGE_SHIFT) * total_ram_pages() / 100;
			rest++;
		}
		if (*rest)
			return -EINVAL;
		o->blocks = (v + PAGE_SIZE - 1) / PAGE_SIZE;
		return 0;
	}
	if (!strcmp(opt, "nr_blocks") && val) {
		if (memparse(val, &v, &rest) || *rest)
			return -EINVAL;
		o->blocks = v;
		return 0;
	}
	if (!strcmp(opt, "nr_inodes") && val) {
		if (memparse(val, &v, &rest) || *rest)
			return -EINVAL;
		o->inodes = v;
		return 0;
	}
	if (!strcmp(opt, "mode") && val) {
		if (parse_u32(val, 8, &o->mode))
			return -EINVAL;
		o->mode &= 07777;
		return 0;
	}
	if (!strcmp(opt, "uid") && val)
		return parse_u32(val, 10, &o->uid) || o->uid == 0xffffffffu ? -EINVAL : 0;
	if (!strcmp(opt, "gid") && val)
		return parse_u32(val, 10, &o->gid) || o->gid == 0xffffffffu ? -EINVAL : 0;
	if (!strcmp(opt, "huge") && val) {
		for (size_t i = 0; i < sizeof(hugev) / sizeof(hugev[0]); i++)
			if (!strcmp(val, hugev[i])) {
				o->huge = !strcmp(val, "never") ? NULL : hugev[i];
				return 0;
			}
		return -EINVAL;
	}
	if (val)
		return -EINVAL;
	if (!strcmp(opt, "noswap")) {
		o->noswap = true;
		return 0;
	}
	if (!strcmp(opt, "ro") || !strcmp(opt, "rw")) {
		o->rdonly = !strcmp(opt, "ro");
		return 0;
	}
	/* Superblock flags the VFS also takes from the string; no effect on
	 * memory. inode32/inode64 choose inode number width. */
	if (!strcmp(opt, "sync") || !strcmp(opt, "async") || !strcmp(opt, "dirsync") ||
	    !strcmp(opt, "lazytime") || !strcmp(opt, "nolazytime") || !strcmp(opt, "silent") ||
	    !strcmp(opt, "inode32") || !strcmp(opt, "inode64"))
		return 0;
	return -EINVAL;
}

static int tmpfs_build(const char *data, bool limits, struct super_block **out)
{
	struct tmpfs_opts o = { .mode = 01777 };
	struct super_block *sb;
	struct tmpfs_sb *ts;
	struct inode *root;
	uint64_t ram = total_ram_pages();
	int err = 0;

	o.blocks = limits ? ram / 2 : 0;
	o.inodes = limits ? ram / 2 : 0;
	if (data && *data) {
		char *copy = strdup(data), *save = NULL;

		if (!copy)
			return -ENOMEM;
		for (char *tok = strtok_r(copy, ",", &save); tok && !err;
		     tok = strtok_r(NULL, ",", &save))
			err = parse_opt(&o, tok);
		free(copy);
		if (err)
			return err;
	}
	ts = calloc(1, sizeof(*ts));
	if (!ts)
		return -ENOMEM;
	ts->acct = pagecache_acct_new(o.blocks);
	if (!ts->acct) {
		free(ts);
		return -ENOMEM;
	}
	ts->max_inodes = o.inodes;
	ts->def_blocks = limits ? ram / 2 : 0;
	ts->def_inodes = limits ? ram / 2 : 0;
	ts->mode = o.mode;
	ts->uid = o.uid;
	ts->gid = o.gid;
	ts->huge = o.huge;
	ts->noswap = o.noswap;
	sb = sb_new(&tmpfs_type, &tmpfs_sops);
	if (!sb) {
		pagecache_acct_put(ts->acct);
		free(ts);
		return -ENOMEM;
	}
	sb->priv = ts;
	if (o.rdonly)
		sb->flags |= SB_RDONLY;
	{
		struct vfs_owner own = { o.uid, o.gid };

		err = tmpfs_alloc(sb, NULL, S_IFDIR | o.mode, 0, &own, &root);
	}
	if (err) {
		sb_put(sb);
		return err;
	}
	return sb_set_root(sb, root, out);
}

int tmpfs_sb_new(const char *opts, struct super_block **out)
{
	return tmpfs_build(opts, true, out);
}

int tmpfs_sb_new_kern(struct super_block **out)
{
	return tmpfs_build(NULL, false, out);
}

int tmpfs_new_unlinked(struct super_block *sb, uint32_t mode, const struct vfs_owner *o,
		       struct inode **out)
{
	int err = tmpfs_alloc(sb, NULL, S_IFREG | (mode & 07777), 0, o, out);

	if (!err)
		(*out)->nlink = 0;
	return err;
}

unsigned int *tmpfs_seals(struct inode *inode)
{
	return &TN(inode)->seals;
}

int tmpfs_is_tmpfs(const struct inode *inode)
{
	return inode->iops == &tmpfs_iops;
}

static int tmpfs_mount(const struct fs_type *type, const char *source, unsigned long flags,
		       const char *data, struct super_block **out)
{
	return tmpfs_build(data, true, out);
}

static const struct fs_type tmpfs_type = {
	.name = "tmpfs",
	.flags = FS_USERMOUNT | FS_NODEV,
	.mount = tmpfs_mount,
};

static void __attribute__((constructor)) tmpfs_register(void)
{
	tmpfs_dir_fops = vfs_dir_file_ops;
	tmpfs_dir_fops.iterate = tmpfs_iterate;
	tmpfs_dir_fops.fstat = tmpfs_dir_fstat;
	tmpfs_dir_fops.fsync = tmpfs_dir_fsync;
	vfs_register_fs(&tmpfs_type);
}
