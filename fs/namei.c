/* Path resolution (path_resolution(7), openat2(2)) and the operations the
 * file syscalls call: open, create, link, unlink, rename, attributes,
 * permissions (credentials, capabilities, sticky and setgid directories,
 * read-only and noexec mounts). */
#define _GNU_SOURCE
#include "fs/vfs.h"
#include "fs/inotify.h"
#include "sentry/loader.h"
#include "sentry/memobj.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* ------------------------------------------------------- permissions */

static bool cred_capable(const struct cred *c, int cap)
{
	return c->cap_effective & (1ULL << cap);
}

bool vfs_in_group(const struct cred *c, uint32_t gid)
{
	if (c->fsgid == gid)
		return true;
	for (uint32_t i = 0; i < c->ngroups && i < 64; i++)
		if (c->groups[i] == gid)
			return true;
	return false;
}

int vfs_permission(const struct cred *c, struct inode *inode, int mask)
{
	uint32_t mode = inode->mode, bits;

	mask &= MAY_READ | MAY_WRITE | MAY_EXEC;
	if (c->fsuid == inode->uid)
		bits = mode >> 6;
	else if (vfs_in_group(c, inode->gid))
		bits = mode >> 3;
	else
		bits = mode;
	if ((mask & ~(int)bits & 7) == 0)
		return 0;
	if (S_ISDIR(mode)) {
		if (!(mask & MAY_WRITE) && cred_capable(c, CAP_DAC_READ_SEARCH))
			return 0;
		if (cred_capable(c, CAP_DAC_OVERRIDE))
			return 0;
		return -EACCES;
	}
	if ((!(mask & MAY_EXEC) || (mode & 0111)) && cred_capable(c, CAP_DAC_OVERRIDE))
		return 0;
	if (mask == MAY_READ && cred_capable(c, CAP_DAC_READ_SEARCH))
		return 0;
	return -EACCES;
}

static int perm(struct task *t, struct inode *inode, int mask)
{
	return vfs_permission(t->cred, inode, mask);
}

static bool owner_or_fowner(struct task *t, struct inode *inode)
{
	return t->cred->fsuid == inode->uid || cred_capable(t->cred, CAP_FOWNER);
}

static int refresh(struct inode *inode)
{
	return inode->iops && inode->iops->getattr ? inode->iops->getattr(inode) : 0;
}

/* ------------------------------------------------------------ walking */

enum { LAST_NORM, LAST_ROOT, LAST_DOT, LAST_DOTDOT };

struct nameidata {
	struct task *t;
	struct path root;
	struct path cur;
	unsigned int flags;
	int links;
	int last_type;
	bool trailing_slash;
	char last[NAME_MAX + 1];
};

static bool scoped(const struct nameidata *nd)
{
	return nd->flags & (LOOKUP_BENEATH | LOOKUP_IN_ROOT);
}

static void nd_set(struct path *dst, const struct path *src)
{
	struct path old = *dst;

	path_get(src);
	*dst = *src;
	path_put(&old);
}

static void nd_done(struct nameidata *nd)
{
	path_put(&nd->root);
	path_put(&nd->cur);
}

/* Descend through mounts stacked on nd->cur. */
static int cross_mounts(struct nameidata *nd)
{
	struct mount *m;

	while ((m = vfs_mount_at(nd->cur.mnt, nd->cur.dentry))) {
		struct path p = { m, m->root };

		if (nd->flags & LOOKUP_NO_XDEV)
			return -EXDEV;
		nd_set(&nd->cur, &p);
	}
	return 0;
}

int vfs_lookup_child(struct dentry *parent, const char *name, struct dentry **out)
{
	struct inode *dir = parent->inode, *inode = NULL;
	struct dentry *d = vfs_d_lookup_cached(parent, name);
	int r;

	if (d) {
		*out = d;
		return 0;
	}
	if (!dir->iops || !dir->iops->lookup)
		return -ENOENT;
	r = dir->iops->lookup(dir, name, &inode);
	if (r < 0)
		return r;
	d = vfs_d_add(parent, name, inode);
	if (!d)
		return -ENOMEM;
	*out = d;
	return 0;
}

/* The child name of parent as a path (mounts crossed), or -ENOENT. */
static int lookup_one(const struct path *parent, const char *name, struct path *out)
{
	struct nameidata nd = { 0 };
	struct dentry *d;
	int r = vfs_lookup_child(parent->dentry, name, &d);

	if (r < 0)
		return r;
	nd.cur.mnt = parent->mnt;
	mount_get(parent->mnt);
	nd.cur.dentry = d;
	cross_mounts(&nd);
	*out = nd.cur;
	return 0;
}

static int dotdot(struct nameidata *nd)
{
	for (;;) {
		if (path_equal(&nd->cur, &nd->root))
			return (nd->flags & LOOKUP_BENEATH) ? -EXDEV : 0;
		if (nd->cur.dentry == nd->cur.mnt->root) {
			struct path up;

			if (nd->cur.mnt->parent == nd->cur.mnt)
				return 0;
			if (nd->flags & LOOKUP_NO_XDEV)
				return -EXDEV;
			up.mnt = nd->cur.mnt->parent;
			up.dentry = nd->cur.mnt->mountpoint;
			nd_set(&nd->cur, &up);
			continue;
		}
		break;
	}
	if (nd->cur.dentry->parent != nd->cur.dentry) {
		struct path up = { nd->cur.mnt, nd->cur.dentry->parent };

		nd_set(&nd->cur, &up);
	}
	return cross_mounts(nd);
}

static int walk(struct nameidata *nd, const char *s);
static int lookup_last(struct nameidata *nd, bool follow);

static int jump_root(struct nameidata *nd)
{
	if (nd->flags & LOOKUP_BENEATH)
		return -EXDEV;
	nd_set(&nd->cur, &nd->root);
	return 0;
}

/* nd->cur is the symlink child: replace it by what the link names. */
static int follow_link(struct nameidata *nd, const struct path *dirp)
{
	struct inode *inode = nd->cur.dentry->inode;
	char *buf;
	long n;
	int r;

	if (++nd->links > VFS_MAXSYMLINKS)
		return -ELOOP;
	if (nd->flags & LOOKUP_NO_SYMLINKS)
		return -ELOOP;
	if (inode->iops && inode->iops->get_link) {
		struct path target;

		if (nd->flags & LOOKUP_NO_MAGICLINKS)
			return -ELOOP;
		if (scoped(nd))
			return -EXDEV;
		r = inode->iops->get_link(nd->t, inode, &target);
		if (r < 0)
			return r;
		if ((nd->flags & LOOKUP_NO_XDEV) && target.mnt != nd->cur.mnt) {
			path_put(&target);
			return -EXDEV;
		}
		path_put(&nd->cur);
		nd->cur = target;
		return 0;
	}
	if (!inode->iops || !inode->iops->readlink)
		return -EINVAL;
	buf = malloc(PATH_MAX + 1);
	if (!buf)
		return -ENOMEM;
	n = inode->iops->readlink(inode, buf, PATH_MAX);
	if (n < 0) {
		free(buf);
		return (int)n;
	}
	buf[n] = 0;
	if (n == 0) {
		free(buf);
		return -ENOENT;
	}
	nd_set(&nd->cur, dirp);
	r = walk(nd, buf);
	if (r == 0)
		r = lookup_last(nd, true);
	free(buf);
	return r;
}

/* One step from nd->cur (a directory) to name; follows a symlink there
 * when follow. */
static int step(struct nameidata *nd, const char *name, int type, bool follow)
{
	struct path dir, child;
	int r;

	if (type == LAST_DOT)
		return 0;
	if (type == LAST_DOTDOT)
		return dotdot(nd);
	r = lookup_one(&nd->cur, name, &child);
	if (r < 0)
		return r;
	if (child.mnt != nd->cur.mnt && (nd->flags & LOOKUP_NO_XDEV)) {
		path_put(&child);
		return -EXDEV;
	}
	dir = nd->cur;
	nd->cur = child;
	if (follow && S_ISLNK(child.dentry->inode->mode))
		r = follow_link(nd, &dir);
	path_put(&dir);
	return r;
}

static int may_lookup(struct nameidata *nd)
{
	struct inode *dir = nd->cur.dentry->inode;

	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	return perm(nd->t, dir, MAY_EXEC);
}

/* Walk every component of s but the last, which is left in nd->last. */
static int walk(struct nameidata *nd, const char *s)
{
	int r;

	if (*s == '/') {
		if ((r = jump_root(nd)) < 0)
			return r;
		while (*s == '/')
			s++;
		if (!*s) {
			nd->last_type = LAST_ROOT;
			nd->last[0] = 0;
			nd->trailing_slash = false;
			return 0;
		}
	}
	for (;;) {
		const char *e = s, *rest;
		size_t len;
		int type = LAST_NORM;
		char name[NAME_MAX + 1];

		while (*e && *e != '/')
			e++;
		len = (size_t)(e - s);
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		memcpy(name, s, len);
		name[len] = 0;
		if (len == 1 && name[0] == '.')
			type = LAST_DOT;
		else if (len == 2 && name[0] == '.' && name[1] == '.')
			type = LAST_DOTDOT;
		rest = e;
		while (*rest == '/')
			rest++;
		if ((r = may_lookup(nd)) < 0)
			return r;
		if (!*rest) {
			memcpy(nd->last, name, len + 1);
			nd->last_type = type;
			nd->trailing_slash = rest != e;
			return 0;
		}
		if ((r = step(nd, name, type, true)) < 0)
			return r;
		if (!S_ISDIR(nd->cur.dentry->inode->mode))
			return -ENOTDIR;
		s = rest;
	}
}

/* Resolve nd->last from nd->cur; the result is nd->cur. */
static int lookup_last(struct nameidata *nd, bool follow)
{
	bool slash = nd->trailing_slash;
	char name[NAME_MAX + 1];
	int r;

	if (nd->last_type == LAST_ROOT)
		return 0;
	memcpy(name, nd->last, sizeof(name));
	r = step(nd, name, nd->last_type, follow || slash);
	if (r == 0 && slash && !S_ISDIR(nd->cur.dentry->inode->mode))
		r = -ENOTDIR;
	return r;
}

static unsigned int resolve_to_lookup(uint64_t resolve)
{
	unsigned int l = 0;

	if (resolve & RESOLVE_NO_XDEV)
		l |= LOOKUP_NO_XDEV;
	if (resolve & RESOLVE_NO_MAGICLINKS)
		l |= LOOKUP_NO_MAGICLINKS;
	if (resolve & RESOLVE_NO_SYMLINKS)
		l |= LOOKUP_NO_SYMLINKS;
	if (resolve & RESOLVE_BENEATH)
		l |= LOOKUP_BENEATH;
	if (resolve & RESOLVE_IN_ROOT)
		l |= LOOKUP_IN_ROOT;
	return l;
}

/* The start of a walk: root, and cur from path or dirfd. */
static int nd_init(struct nameidata *nd, struct task *t, int dirfd, const char *path,
		   unsigned int lflags)
{
	memset(nd, 0, sizeof(*nd));
	nd->t = t;
	nd->flags = lflags;
	if (!path[0] && !(lflags & LOOKUP_EMPTY))
		return -ENOENT;
	if (strnlen(path, PATH_MAX) >= PATH_MAX)
		return -ENAMETOOLONG;
	nd->root = t->fs->root;
	path_get(&nd->root);
	if (path[0] == '/' && !scoped(nd)) {
		nd_set(&nd->cur, &nd->root);
		return 0;
	}
	if (dirfd == AT_FDCWD) {
		nd_set(&nd->cur, &t->fs->cwd);
	} else {
		struct file *f = fd_get(t->files, dirfd);

		if (!f)
			return -EBADF;
		if (!f->dentry) {
			file_put(f);
			return -ENOTDIR;
		}
		nd->cur.mnt = f->mnt;
		nd->cur.dentry = f->dentry;
		path_get(&nd->cur);
		file_put(f);
		if (path[0] && !S_ISDIR(nd->cur.dentry->inode->mode))
			return -ENOTDIR;
	}
	if (scoped(nd))
		nd_set(&nd->root, &nd->cur);
	if (path[0] == '/' && (lflags & LOOKUP_BENEATH))
		return -EXDEV;
	return 0;
}

int vfs_lookup_at(struct task *t, int dirfd, const char *path, unsigned int lflags,
		  struct path *out)
{
	struct nameidata nd;
	int r = nd_init(&nd, t, dirfd, path, lflags);

	if (r == 0 && path[0]) {
		r = walk(&nd, path);
		if (r == 0)
			r = lookup_last(&nd, lflags & LOOKUP_FOLLOW);
	}
	if (r == 0 && (lflags & LOOKUP_DIRECTORY) && !S_ISDIR(nd.cur.dentry->inode->mode))
		r = -ENOTDIR;
	if (r == 0) {
		*out = nd.cur;
		nd.cur.mnt = NULL;
		nd.cur.dentry = NULL;
	}
	nd_done(&nd);
	return r;
}

int vfs_lookup_parent_at(struct task *t, int dirfd, const char *path, unsigned int lflags,
			 struct path *parent, char *last, bool *trailing_slash)
{
	struct nameidata nd;
	int r = nd_init(&nd, t, dirfd, path, lflags & ~LOOKUP_EMPTY);

	if (r == 0)
		r = walk(&nd, path);
	if (r == 0) {
		switch (nd.last_type) {
		case LAST_ROOT:
			strcpy(last, "/");
			break;
		case LAST_DOT:
			strcpy(last, ".");
			break;
		case LAST_DOTDOT:
			strcpy(last, "..");
			break;
		default:
			strcpy(last, nd.last);
		}
		if (trailing_slash)
			*trailing_slash = nd.trailing_slash;
		*parent = nd.cur;
		nd.cur.mnt = NULL;
		nd.cur.dentry = NULL;
	}
	nd_done(&nd);
	return r;
}

static bool is_special_last(const char *last)
{
	return !strcmp(last, "/") || !strcmp(last, ".") || !strcmp(last, "..");
}

/* ------------------------------------------------------ creation */

static int may_create(struct task *t, const struct path *dir)
{
	if (vfs_path_rdonly(dir))
		return -EROFS;
	if (dir->dentry->flags & D_DELETED)
		return -ENOENT;
	return perm(t, dir->dentry->inode, MAY_WRITE | MAY_EXEC);
}

/* Owner of a new inode in dir, and the mode adjusted for setgid dirs. */
static void new_owner(struct task *t, struct inode *dir, uint32_t *mode, struct vfs_owner *o)
{
	o->uid = t->cred->fsuid;
	o->gid = t->cred->fsgid;
	if (dir->mode & S_ISGID) {
		o->gid = dir->gid;
		if (S_ISDIR(*mode))
			*mode |= S_ISGID;
	}
	if (!S_ISDIR(*mode) && (*mode & S_ISGID) && (*mode & S_IXGRP) &&
	    !vfs_in_group(t->cred, o->gid) && !cred_capable(t->cred, CAP_FSETID))
		*mode &= ~(uint32_t)S_ISGID;
}

static int create_node(struct task *t, const struct path *dir, const char *name, uint32_t mode,
		       dev_t rdev, const char *symtarget, struct dentry **out)
{
	struct inode *di = dir->dentry->inode, *inode = NULL;
	struct vfs_owner o;
	struct dentry *d;
	int r;

	new_owner(t, di, &mode, &o);
	if (S_ISDIR(mode))
		r = di->iops && di->iops->mkdir ? di->iops->mkdir(di, name, mode, &o, &inode)
						: -EPERM;
	else if (S_ISLNK(mode))
		r = di->iops && di->iops->symlink ? di->iops->symlink(di, name, symtarget, &o, &inode)
						  : -EPERM;
	else
		r = di->iops && di->iops->create ? di->iops->create(di, name, mode, rdev, &o, &inode)
						 : -EPERM;
	if (r < 0)
		return r;
	d = vfs_d_add(dir->dentry, name, inode);
	if (!d)
		return -ENOMEM;
	fsnotify(di, S_ISDIR(mode) ? 0x40000100u /* IN_CREATE|IN_ISDIR */ : 0x100u, name, 0);
	if (out)
		*out = d;
	else
		dentry_put(d);
	return 0;
}

/* Common front of mkdir/mknod/symlink/bind: parent, name, not existing. */
static int create_prepare(struct task *t, int dirfd, const char *path, bool dir, struct path *parent,
			  char *last)
{
	bool slash = false;
	struct path child;
	int r = vfs_lookup_parent_at(t, dirfd, path, 0, parent, last, &slash);

	if (r < 0)
		return r;
	if (is_special_last(last)) {
		r = -EEXIST;
		goto fail;
	}
	r = lookup_one(parent, last, &child);
	if (r == 0) {
		path_put(&child);
		r = -EEXIST;
		goto fail;
	}
	if (r != -ENOENT)
		goto fail;
	if (slash && !dir) {
		r = -ENOENT;
		goto fail;
	}
	r = may_create(t, parent);
	if (r < 0)
		goto fail;
	return 0;
fail:
	path_put(parent);
	return r;
}

int vfs_mkdir_at(struct task *t, int dirfd, const char *path, uint32_t mode)
{
	struct path parent;
	char last[NAME_MAX + 1];
	int r = create_prepare(t, dirfd, path, true, &parent, last);

	if (r < 0)
		return r;
	mode = (mode & 01777 & ~t->fs->umask) | S_IFDIR;
	r = create_node(t, &parent, last, mode, 0, NULL, NULL);
	path_put(&parent);
	return r;
}

int vfs_mknod_at(struct task *t, int dirfd, const char *path, uint32_t mode, dev_t dev)
{
	struct path parent;
	char last[NAME_MAX + 1];
	int r;

	if ((mode & S_IFMT) == 0)
		mode |= S_IFREG;
	switch (mode & S_IFMT) {
	case S_IFREG:
	case S_IFIFO:
	case S_IFSOCK:
		dev = 0;
		break;
	case S_IFCHR:
	case S_IFBLK:
		break;
	case S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
	r = create_prepare(t, dirfd, path, false, &parent, last);
	if (r < 0)
		return r;
	/* vfs_mknod(): the directory's permission first, then the capability. */
	if ((S_ISCHR(mode) || S_ISBLK(mode)) && !cred_capable(t->cred, CAP_MKNOD)) {
		path_put(&parent);
		return -EPERM;
	}
	mode = (mode & S_IFMT) | (mode & 07777 & ~t->fs->umask);
	r = create_node(t, &parent, last, mode, dev, NULL, NULL);
	path_put(&parent);
	return r;
}

int vfs_symlink_at(struct task *t, const char *target, int dirfd, const char *path)
{
	struct path parent;
	char last[NAME_MAX + 1];
	int r;

	if (!target[0])
		return -ENOENT;
	r = create_prepare(t, dirfd, path, false, &parent, last);
	if (r < 0)
		return r;
	r = create_node(t, &parent, last, S_IFLNK | 0777, 0, target, NULL);
	path_put(&parent);
	return r;
}

int vfs_bind_socket(struct task *t, const char *path, void *sock, struct inode **out)
{
	struct path parent;
	char last[NAME_MAX + 1];
	struct dentry *d;
	int r = create_prepare(t, AT_FDCWD, path, false, &parent, last);

	if (r == -EEXIST)
		return -EADDRINUSE;
	if (r < 0)
		return r;
	r = create_node(t, &parent, last, S_IFSOCK | (0777 & ~t->fs->umask), 0, NULL, &d);
	path_put(&parent);
	if (r < 0)
		return r;
	d->inode->bound_socket = sock;
	inode_get(d->inode);
	*out = d->inode;
	dentry_put(d);
	return 0;
}

void *vfs_lookup_socket(struct task *t, const char *path, int *err)
{
	struct path p;
	struct inode *inode;
	void *s = NULL;
	int r = vfs_lookup_at(t, AT_FDCWD, path, LOOKUP_FOLLOW, &p);

	if (r < 0) {
		*err = r;
		return NULL;
	}
	inode = p.dentry->inode;
	r = perm(t, inode, MAY_WRITE);
	if (r == 0 && (!S_ISSOCK(inode->mode) || !(s = inode->bound_socket)))
		r = -ECONNREFUSED;
	path_put(&p);
	*err = r;
	return r < 0 ? NULL : s;
}

/* --------------------------------------------------------- deletion */

static int may_delete(struct task *t, struct inode *dir, struct inode *victim)
{
	int r = perm(t, dir, MAY_WRITE | MAY_EXEC);

	if (r < 0)
		return r;
	if ((dir->mode & S_ISVTX) && t->cred->fsuid != victim->uid &&
	    t->cred->fsuid != dir->uid && !cred_capable(t->cred, CAP_FOWNER))
		return -EPERM;
	return 0;
}

#define OPEN_INTERNAL_NOPERM 0x40000000
/* No IN_OPEN for the sentry's own opens (rmdir's emptiness check). */
#define OPEN_INTERNAL_QUIET  0x20000000
static struct file *open_path(struct task *t, const struct path *p, int flags, bool created,
			      int *err);

/* Does a directory hold anything but . and ..? 1 empty, 0 not, -errno. */
struct empty_ctx {
	struct dir_ctx ctx;
	bool found;
};

static bool empty_emit(struct dir_ctx *ctx, const char *name, size_t len, uint64_t ino,
		       unsigned int type)
{
	struct empty_ctx *e = (struct empty_ctx *)ctx;

	(void)ino;
	(void)type;
	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return true;
	e->found = true;
	return false;
}

static int dir_empty(struct task *t, const struct path *p)
{
	struct empty_ctx e = { .ctx = { .emit = empty_emit } };
	int err = 0, r;
	struct file *f = open_path(t, p, O_RDONLY | O_DIRECTORY | OPEN_INTERNAL_NOPERM |
				   OPEN_INTERNAL_QUIET, false, &err);

	if (!f)
		return err;
	/* Looking inside is no open or close the guest sees (inotify). */
	f->flags |= O_PATH;
	if (!f->ops->iterate) {
		file_put(f);
		return 1;
	}
	r = f->ops->iterate(f, &e.ctx);
	file_put(f);
	if (r < 0)
		return r;
	return !e.found;
}

int vfs_unlink_at(struct task *t, int dirfd, const char *path, int flags)
{
	bool rmdir = flags & AT_REMOVEDIR, slash = false;
	char last[NAME_MAX + 1];
	struct path parent, child;
	struct inode *di, *vi;
	int r = vfs_lookup_parent_at(t, dirfd, path, 0, &parent, last, &slash);

	if (r < 0)
		return r;
	if (is_special_last(last)) {
		if (!rmdir)
			r = -EISDIR;
		else
			r = !strcmp(last, ".") ? -EINVAL : !strcmp(last, "..") ? -ENOTEMPTY : -EBUSY;
		goto out;
	}
	if (vfs_path_rdonly(&parent)) {
		r = -EROFS;
		goto out;
	}
	r = vfs_lookup_child(parent.dentry, last, &child.dentry);
	if (r < 0)
		goto out;
	child.mnt = parent.mnt;
	mount_get(child.mnt);
	di = parent.dentry->inode;
	vi = child.dentry->inode;
	if (!rmdir && S_ISDIR(vi->mode))
		r = -EISDIR;
	else if (!rmdir && slash)
		r = -ENOTDIR;
	else if (rmdir && !S_ISDIR(vi->mode))
		r = -ENOTDIR;
	else
		r = may_delete(t, di, vi);
	if (r == 0 && child.dentry->mounted)
		r = -EBUSY;
	if (r == 0 && rmdir) {
		r = dir_empty(t, &child);
		r = r < 0 ? r : r ? 0 : -ENOTEMPTY;
	}
	if (r == 0) {
		if (rmdir)
			r = di->iops && di->iops->rmdir ? di->iops->rmdir(di, last, vi) : -EPERM;
		else
			r = di->iops && di->iops->unlink ? di->iops->unlink(di, last, vi) : -EPERM;
	}
	if (r == 0) {
		vfs_d_delete(child.dentry);
		/* Linux: the link count change (files), then DELETE_SELF when
		 * the last link or the directory goes. */
		if (!S_ISDIR(vi->mode))
			fsnotify(vi, 0x4u /* IN_ATTRIB */, NULL, 0);
		if (!vi->nlink || S_ISDIR(vi->mode))
			fsnotify(vi, 0x400u /* IN_DELETE_SELF */, NULL, 0);
		fsnotify(di, rmdir ? 0x40000200u : 0x200u /* IN_DELETE */, last, 0);
	}
	path_put(&child);
out:
	path_put(&parent);
	return r;
}

/* ----------------------------------------------------------- rename */

static bool is_ancestor(struct dentry *anc, struct dentry *d)
{
	for (;;) {
		if (d == anc)
			return true;
		if (d->parent == d)
			return false;
		d = d->parent;
	}
}

static uint32_t next_cookie = 1;

int vfs_rename_at(struct task *t, int odirfd, const char *opath, int ndirfd, const char *npath,
		  unsigned int flags)
{
	char olast[NAME_MAX + 1], nlast[NAME_MAX + 1];
	struct path op = { 0 }, np = { 0 };
	struct dentry *od = NULL, *nd = NULL;
	bool oslash = false, nslash = false, exchange = flags & RENAME_EXCHANGE;
	struct inode *odir, *ndir, *oi, *ni;
	uint32_t cookie;
	int r;

	r = vfs_lookup_parent_at(t, odirfd, opath, 0, &op, olast, &oslash);
	if (r < 0)
		return r;
	r = vfs_lookup_parent_at(t, ndirfd, npath, 0, &np, nlast, &nslash);
	if (r < 0)
		goto out;
	if (is_special_last(olast) || is_special_last(nlast)) {
		r = -EBUSY;
		goto out;
	}
	if (op.mnt != np.mnt) {
		r = -EXDEV;
		goto out;
	}
	if (vfs_path_rdonly(&op)) {
		r = -EROFS;
		goto out;
	}
	r = vfs_lookup_child(op.dentry, olast, &od);
	if (r < 0)
		goto out;
	oi = od->inode;
	r = vfs_lookup_child(np.dentry, nlast, &nd);
	if (r == -ENOENT) {
		nd = NULL;
		r = exchange ? -ENOENT : 0;
	}
	if (r < 0)
		goto out;
	ni = nd ? nd->inode : NULL;
	if ((flags & RENAME_NOREPLACE) && nd) {
		r = -EEXIST;
		goto out;
	}
	if ((oslash && !S_ISDIR(oi->mode)) ||
	    (nslash && !S_ISDIR(oi->mode) && !exchange) ||
	    (nslash && exchange && ni && !S_ISDIR(ni->mode))) {
		r = -ENOTDIR;
		goto out;
	}
	odir = op.dentry->inode;
	ndir = np.dentry->inode;
	if (oi == ni) {
		r = 0;
		goto out;
	}
	if ((r = may_delete(t, odir, oi)) < 0)
		goto out;
	if (nd)
		r = may_delete(t, ndir, ni);
	else
		r = perm(t, ndir, MAY_WRITE | MAY_EXEC);
	if (r < 0)
		goto out;
	if (od->mounted || (nd && nd->mounted)) {
		r = -EBUSY;
		goto out;
	}
	if (S_ISDIR(oi->mode) && is_ancestor(od, np.dentry)) {
		r = -EINVAL;
		goto out;
	}
	if (nd && is_ancestor(nd, op.dentry)) {
		r = exchange && S_ISDIR(ni->mode) ? -EINVAL : -ENOTEMPTY;
		goto out;
	}
	if (!exchange && ni) {
		if (S_ISDIR(oi->mode) && !S_ISDIR(ni->mode)) {
			r = -ENOTDIR;
			goto out;
		}
		if (!S_ISDIR(oi->mode) && S_ISDIR(ni->mode)) {
			r = -EISDIR;
			goto out;
		}
		if (S_ISDIR(ni->mode)) {
			struct path p = { np.mnt, nd };

			r = dir_empty(t, &p);
			if (r <= 0) {
				r = r < 0 ? r : -ENOTEMPTY;
				goto out;
			}
		}
	}
	/* Moving a directory to another parent rewrites its "..". */
	if (odir != ndir) {
		if (S_ISDIR(oi->mode) && (r = perm(t, oi, MAY_WRITE)) < 0)
			goto out;
		if (exchange && S_ISDIR(ni->mode) && (r = perm(t, ni, MAY_WRITE)) < 0)
			goto out;
	}
	if ((flags & RENAME_WHITEOUT) && !cred_capable(t->cred, CAP_MKNOD)) {
		r = -EPERM;
		goto out;
	}
	r = odir->iops && odir->iops->rename ? odir->iops->rename(odir, olast, ndir, nlast, flags)
					     : -EPERM;
	if (r < 0)
		goto out;
	if (exchange) {
		char *tmp = strdup(olast);

		if (tmp) {
			struct dentry *opar = od->parent;

			dentry_get(opar);
			vfs_d_move(od, np.dentry, nlast);
			vfs_d_move(nd, opar, tmp);
			dentry_put(opar);
			free(tmp);
		}
	} else {
		if (nd)
			vfs_d_delete(nd);
		vfs_d_move(od, np.dentry, nlast);
	}
	cookie = next_cookie++;
	fsnotify(odir, 0x40u | (S_ISDIR(oi->mode) ? 0x40000000u : 0), olast, cookie);
	fsnotify(ndir, 0x80u | (S_ISDIR(oi->mode) ? 0x40000000u : 0), nlast, cookie);
	fsnotify(oi, 0x800u /* IN_MOVE_SELF */, NULL, 0);
	if (ni && !exchange)
		fsnotify(ni, S_ISDIR(ni->mode) || ni->nlink == 0 ? 0x400u : 0x4u, NULL, 0);
out:
	if (od)
		dentry_put(od);
	if (nd)
		dentry_put(nd);
	path_put(&op);
	path_put(&np);
	return r;
}

/* ------------------------------------------------------------- link */

int vfs_link_at(struct task *t, int odirfd, const char *opath, int ndirfd, const char *npath,
		int flags)
{
	unsigned int lf = (flags & AT_SYMLINK_FOLLOW ? LOOKUP_FOLLOW : 0) |
			  (flags & AT_EMPTY_PATH ? LOOKUP_EMPTY : 0);
	struct path old, parent;
	char last[NAME_MAX + 1];
	struct inode *oi, *di;
	struct dentry *d;
	int r;

	if ((flags & AT_EMPTY_PATH) && !opath[0] && !cred_capable(t->cred, CAP_DAC_READ_SEARCH))
		return -ENOENT;
	r = vfs_lookup_at(t, odirfd, opath, lf, &old);
	if (r < 0)
		return r;
	r = create_prepare(t, ndirfd, npath, false, &parent, last);
	if (r < 0)
		goto out_old;
	oi = old.dentry->inode;
	di = parent.dentry->inode;
	if (parent.mnt != old.mnt) {
		r = -EXDEV;
		goto out;
	}
	if (S_ISDIR(oi->mode)) {
		r = -EPERM;
		goto out;
	}
	if (oi->nlink == 0 && !(old.dentry->flags & D_TMPFILE)) {
		r = -ENOENT;
		goto out;
	}
	/* fs.protected_hardlinks: linking someone else's file needs read and
	 * write access to a regular, non-setid file. */
	if (!owner_or_fowner(t, oi) &&
	    (!S_ISREG(oi->mode) || (oi->mode & S_ISUID) ||
	     ((oi->mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP)) ||
	     perm(t, oi, MAY_READ | MAY_WRITE) < 0)) {
		r = -EPERM;
		goto out;
	}
	r = di->iops && di->iops->link ? di->iops->link(di, last, oi) : -EPERM;
	if (r < 0)
		goto out;
	inode_get(oi);
	d = vfs_d_add(parent.dentry, last, oi);
	if (d)
		dentry_put(d);
	old.dentry->flags &= ~D_TMPFILE;
	fsnotify(oi, 0x4u, NULL, 0);
	fsnotify(di, 0x100u, last, 0);
out:
	path_put(&parent);
out_old:
	path_put(&old);
	return r;
}

long vfs_readlink_at(struct task *t, int dirfd, const char *path, char *buf, size_t n)
{
	struct path p;
	struct inode *inode;
	long r = vfs_lookup_at(t, dirfd, path, LOOKUP_EMPTY, &p);

	if (r < 0)
		return r;
	inode = p.dentry->inode;
	if (!S_ISLNK(inode->mode))
		r = !path[0] ? -ENOENT : -EINVAL;
	else if (inode->iops && inode->iops->readlink)
		r = inode->iops->readlink(inode, buf, n);
	else
		r = -EINVAL;
	path_put(&p);
	return r;
}

/* ---------------------------------------------------------- attributes */

void vfs_fill_stat(struct inode *inode, struct stat *st)
{
	refresh(inode);
	memset(st, 0, sizeof(*st));
	st->st_dev = inode->sb ? inode->sb->dev : 0;
	st->st_ino = inode->ino;
	st->st_mode = inode->mode;
	st->st_nlink = inode->nlink;
	st->st_uid = inode->uid;
	st->st_gid = inode->gid;
	st->st_rdev = inode->rdev;
	st->st_size = (off_t)inode->size;
	st->st_blksize = 4096;
	st->st_blocks = (blkcnt_t)inode->blocks;
	st->st_atim = inode->atime;
	st->st_mtim = inode->mtime;
	st->st_ctim = inode->ctime;
}

int vfs_stat_at(struct task *t, int dirfd, const char *path, int flags, struct stat *st)
{
	struct path p;
	unsigned int lf = (flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW) |
			  (flags & AT_EMPTY_PATH ? LOOKUP_EMPTY : 0);
	int r = vfs_lookup_at(t, dirfd, path, lf, &p);

	if (r < 0)
		return r;
	vfs_fill_stat(p.dentry->inode, st);
	path_put(&p);
	return 0;
}

int vfs_setattr_path(struct task *t, const struct path *p, const struct iattr *a)
{
	struct inode *inode = p->dentry->inode;
	int r;

	(void)t;
	if (vfs_path_rdonly(p))
		return -EROFS;
	if (!inode->iops || !inode->iops->setattr)
		return -EPERM;
	r = inode->iops->setattr(inode, a);
	if (r == 0)
		fsnotify_dentry(p->dentry, (a->valid & ATTR_SIZE) ? 0x2u /* IN_MODIFY */ : 0x4u);
	return r;
}

int vfs_chmod(struct task *t, const struct path *p, uint32_t mode)
{
	struct inode *inode = p->dentry->inode;
	struct iattr a = { .valid = ATTR_MODE | ATTR_CTIME };

	if (vfs_path_rdonly(p))
		return -EROFS;
	if (!owner_or_fowner(t, inode))
		return -EPERM;
	a.mode = mode & 07777;
	if ((a.mode & S_ISGID) && !vfs_in_group(t->cred, inode->gid) &&
	    !cred_capable(t->cred, CAP_FSETID))
		a.mode &= ~(uint32_t)S_ISGID;
	clock_gettime(CLOCK_REALTIME, &a.ctime);
	return vfs_setattr_path(t, p, &a);
}

int vfs_chown(struct task *t, const struct path *p, uint32_t uid, uint32_t gid)
{
	struct inode *inode = p->dentry->inode;
	struct iattr a = { .valid = ATTR_CTIME };
	bool chown_cap = cred_capable(t->cred, CAP_CHOWN);

	if (vfs_path_rdonly(p))
		return -EROFS;
	refresh(inode);
	if (uid != (uint32_t)-1) {
		if (uid != inode->uid && !chown_cap)
			return -EPERM;
		if (uid == inode->uid && t->cred->fsuid != inode->uid && !chown_cap)
			return -EPERM;
		a.valid |= ATTR_UID;
		a.uid = uid;
	}
	if (gid != (uint32_t)-1) {
		if (!chown_cap && (t->cred->fsuid != inode->uid ||
				   (gid != inode->gid && !vfs_in_group(t->cred, gid))))
			return -EPERM;
		a.valid |= ATTR_GID;
		a.gid = gid;
	}
	/* chown(2): a non-directory loses set-user-ID, and set-group-ID
	 * when group-executable. */
	if (!S_ISDIR(inode->mode) && !S_ISLNK(inode->mode)) {
		uint32_t m = inode->mode & 07777;

		if (m & S_ISUID)
			m &= ~(uint32_t)S_ISUID;
		if ((m & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
			m &= ~(uint32_t)S_ISGID;
		if (m != (inode->mode & 07777)) {
			a.valid |= ATTR_MODE;
			a.mode = m;
		}
	}
	clock_gettime(CLOCK_REALTIME, &a.ctime);
	return vfs_setattr_path(t, p, &a);
}

/* utimensat(2): times[2] after copy-in; NULL means both now. */
int vfs_utimes(struct task *t, const struct path *p, const struct timespec *times)
{
	struct inode *inode = p->dentry->inode;
	struct iattr a = { .valid = ATTR_CTIME };
	struct timespec now;
	bool explicit_time = false;

	clock_gettime(CLOCK_REALTIME, &now);
	for (int i = 0; i < 2; i++) {
		struct timespec ts = times ? times[i] : (struct timespec){ 0, UTIME_NOW };

		if (ts.tv_nsec == UTIME_OMIT)
			continue;
		if (ts.tv_nsec == UTIME_NOW)
			ts = now;
		else
			explicit_time = true;
		if (i == 0) {
			a.valid |= ATTR_ATIME;
			a.atime = ts;
		} else {
			a.valid |= ATTR_MTIME;
			a.mtime = ts;
		}
	}
	if (vfs_path_rdonly(p))
		return -EROFS;
	if (!owner_or_fowner(t, inode)) {
		if (explicit_time)
			return -EPERM;
		if (perm(t, inode, MAY_WRITE) < 0)
			return -EACCES;
	}
	if (!(a.valid & (ATTR_ATIME | ATTR_MTIME)))
		return 0;
	a.ctime = now;
	return vfs_setattr_path(t, p, &a);
}

/* A write may change size: clear set-user-ID/set-group-ID as Linux's
 * file_remove_privs unless the writer has CAP_FSETID. */
void vfs_file_written(struct task *t, struct file *f)
{
	struct inode *inode = file_inode(f);
	uint32_t m;

	if (!inode)
		return;
	m = inode->mode & 07777;
	if (!cred_capable(t->cred, CAP_FSETID) && S_ISREG(inode->mode)) {
		if (m & S_ISUID)
			m &= ~(uint32_t)S_ISUID;
		if ((m & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
			m &= ~(uint32_t)S_ISGID;
		if (m != (inode->mode & 07777) && inode->iops && inode->iops->setattr) {
			struct iattr a = { .valid = ATTR_MODE, .mode = m };

			inode->iops->setattr(inode, &a);
		}
	}
	fsnotify_dentry(f->dentry, 0x2u /* IN_MODIFY */);
}

int vfs_truncate(struct task *t, const struct path *p, uint64_t len, bool check_perm)
{
	struct inode *inode = p->dentry->inode;
	struct iattr a = { .valid = ATTR_SIZE | ATTR_MTIME | ATTR_CTIME, .size = len };

	if (S_ISDIR(inode->mode))
		return -EISDIR;
	if (!S_ISREG(inode->mode))
		return -EINVAL;
	if (check_perm) {
		if (vfs_path_rdonly(p))
			return -EROFS;
		if (perm(t, inode, MAY_WRITE) < 0)
			return -EACCES;
	}
	clock_gettime(CLOCK_REALTIME, &a.mtime);
	a.ctime = a.mtime;
	if (!cred_capable(t->cred, CAP_FSETID)) {
		uint32_t m = inode->mode & 07777;

		if (m & S_ISUID)
			m &= ~(uint32_t)S_ISUID;
		if ((m & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
			m &= ~(uint32_t)S_ISGID;
		if (m != (inode->mode & 07777)) {
			a.valid |= ATTR_MODE;
			a.mode = m;
		}
	}
	return vfs_setattr_path(t, p, &a);
}

int vfs_access_at(struct task *t, int dirfd, const char *path, int mode, int flags)
{
	unsigned int lf = (flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW) |
			  (flags & AT_EMPTY_PATH ? LOOKUP_EMPTY : 0);
	struct cred *saved = t->cred, tmp = *t->cred;
	struct path p;
	struct inode *inode;
	int r, mask = 0;

	if (!(flags & AT_EACCESS)) {
		/* access(2) checks with the real ids; a non-root real uid
		 * keeps no capabilities. */
		tmp.fsuid = tmp.uid;
		tmp.fsgid = tmp.gid;
		if (tmp.uid != 0)
			tmp.cap_effective = 0;
		else
			tmp.cap_effective = tmp.cap_permitted;
		t->cred = &tmp;
	}
	r = vfs_lookup_at(t, dirfd, path, lf, &p);
	if (r < 0)
		goto out;
	inode = p.dentry->inode;
	refresh(inode);
	if (mode & R_OK)
		mask |= MAY_READ;
	if (mode & W_OK)
		mask |= MAY_WRITE;
	if (mode & X_OK)
		mask |= MAY_EXEC;
	if ((mask & MAY_WRITE) && vfs_path_rdonly(&p) &&
	    (S_ISREG(inode->mode) || S_ISDIR(inode->mode) || S_ISLNK(inode->mode)))
		r = -EROFS;
	else if (mask)
		r = perm(t, inode, mask);
	if (r == 0 && (mask & MAY_EXEC) && S_ISREG(inode->mode) && (p.mnt->flags & MS_NOEXEC))
		r = -EACCES;
	path_put(&p);
out:
	t->cred = saved;
	return r;
}

/* ---------------------------------------------------------------- open */

static ssize_t path_rw(struct task *t, struct file *f, void *buf, size_t n, int64_t *pos)
{
	(void)t;
	(void)f;
	(void)buf;
	(void)n;
	(void)pos;
	return -EBADF;
}

static int path_fstat(struct file *f, struct stat *st)
{
	vfs_fill_stat(file_inode(f), st);
	return 0;
}

/* O_PATH files: only the fd-level operations work. */
static const struct file_ops path_file_ops = {
	.read = path_rw,
	.fstat = path_fstat,
};

static const struct file_ops no_file_ops = { .fstat = path_fstat };

__attribute__((weak)) int pipe_fifo_open(struct task *t, struct inode *inode, struct file *f)
{
	(void)t;
	(void)inode;
	(void)f;
	return -ENXIO;
}


/* Open a resolved path (the permission and type checks of may_open). */
static struct file *open_path(struct task *t, const struct path *p, int flags, bool created,
			      int *err)
{
	struct inode *inode = p->dentry->inode;
	int acc = 0, r = 0;
	struct file *f;

	if (flags & O_PATH) {
		f = file_new(&path_file_ops, flags & (O_PATH | O_DIRECTORY | O_NOFOLLOW), NULL, NULL);
		if (!f) {
			*err = -ENOMEM;
			return NULL;
		}
		f->mnt = p->mnt;
		f->dentry = p->dentry;
		path_get(p);
		return f;
	}
	switch (flags & O_ACCMODE) {
	case O_RDONLY:
		acc = MAY_READ;
		break;
	case O_WRONLY:
		acc = MAY_WRITE;
		break;
	default:
		acc = MAY_READ | MAY_WRITE;
	}
	if (flags & O_TRUNC)
		acc |= MAY_WRITE;
	refresh(inode);
	if (S_ISLNK(inode->mode))
		r = -ELOOP;
	else if ((flags & O_DIRECTORY) && !S_ISDIR(inode->mode))
		r = -ENOTDIR;
	else if (S_ISDIR(inode->mode) && (acc & MAY_WRITE))
		r = -EISDIR;
	else if ((S_ISCHR(inode->mode) || S_ISBLK(inode->mode)) && (p->mnt->flags & MS_NODEV))
		r = -EACCES;
	else if ((acc & MAY_WRITE) && vfs_path_rdonly(p) &&
		 (S_ISREG(inode->mode) || S_ISDIR(inode->mode)))
		r = -EROFS;
	else if (!created && !(flags & OPEN_INTERNAL_NOPERM))
		r = perm(t, inode, acc);
	if (r == 0 && (flags & O_NOATIME) && !owner_or_fowner(t, inode))
		r = -EPERM;
	if (r == 0 && S_ISSOCK(inode->mode))
		r = -ENXIO;
	if (r == 0 && S_ISBLK(inode->mode))
		r = -ENXIO;
	if (r == 0 && (flags & O_TRUNC) && S_ISREG(inode->mode) && !created)
		r = vfs_truncate(t, p, 0, false);
	if (r < 0) {
		*err = r;
		return NULL;
	}
	f = file_new(inode->fops ? inode->fops : &no_file_ops,
		     flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC | OPEN_INTERNAL_NOPERM |
			      OPEN_INTERNAL_QUIET),
		     NULL, NULL);
	if (!f) {
		*err = -ENOMEM;
		return NULL;
	}
	f->mnt = p->mnt;
	f->dentry = p->dentry;
	path_get(p);
	if (S_ISCHR(inode->mode)) {
		const struct chrdev *d = vfs_find_chrdev(inode->rdev);

		/* Terminal drivers see O_NOCTTY (controlling terminals). */
		f->flags |= flags & O_NOCTTY;
		if (d)
			r = d->open(t, inode, f);
		else if (inode->iops && inode->iops->open)
			r = inode->iops->open(inode, f);
		else
			r = -ENXIO;
		f->flags &= ~O_NOCTTY;
	} else if (S_ISFIFO(inode->mode)) {
		r = pipe_fifo_open(t, inode, f);
	} else if (inode->iops && inode->iops->open) {
		r = inode->iops->open(inode, f);
	}
	if (r < 0) {
		/* Not opened: no close event, no release of a half state. */
		struct path tmp = { f->mnt, f->dentry };

		f->dentry = NULL;
		f->mnt = NULL;
		f->ops = &no_file_ops;
		file_put(f);
		path_put(&tmp);
		*err = r;
		return NULL;
	}
	if (!(flags & OPEN_INTERNAL_QUIET))
		fsnotify_dentry(p->dentry, 0x20u /* IN_OPEN */);
	return f;
}

struct file *vfs_open_path_internal(struct task *t, const struct path *p, int flags, int *err)
{
	return open_path(t, p, flags | OPEN_INTERNAL_NOPERM, false, err);
}

struct file *vfs_open_path(struct task *t, const struct path *p, int flags, int *err)
{
	return open_path(t, p, flags, false, err);
}

static struct file *open_tmpfile(struct task *t, struct nameidata *nd, int flags, uint32_t mode,
				 int *err)
{
	struct inode *di, *inode = NULL;
	struct vfs_owner o;
	struct dentry *d;
	struct path p;
	struct file *f;
	char name[32];
	int r = lookup_last(nd, true);

	if (r < 0)
		goto fail;
	di = nd->cur.dentry->inode;
	if (!S_ISDIR(di->mode)) {
		r = -ENOTDIR;
		goto fail;
	}
	if ((r = may_create(t, &nd->cur)) < 0)
		goto fail;
	if (!di->iops || !di->iops->tmpfile) {
		r = -EOPNOTSUPP;
		goto fail;
	}
	mode = S_IFREG | (mode & 07777 & ~t->fs->umask);
	new_owner(t, di, &mode, &o);
	r = di->iops->tmpfile(di, mode, &o, &inode);
	if (r < 0)
		goto fail;
	snprintf(name, sizeof(name), "#%llu", (unsigned long long)inode->ino);
	d = vfs_d_add(nd->cur.dentry, name, inode);
	if (!d) {
		r = -ENOMEM;
		goto fail;
	}
	vfs_d_delete(d);
	if (!(flags & O_EXCL))
		d->flags |= D_TMPFILE;
	p.mnt = nd->cur.mnt;
	p.dentry = d;
	f = open_path(t, &p, (flags & ~(__O_TMPFILE | O_EXCL)), true, err);
	dentry_put(d);
	return f;
fail:
	*err = r;
	return NULL;
}

struct file *vfs_open_at(struct task *t, int dirfd, const char *path, int flags, uint32_t mode,
			 uint64_t resolve, int *err)
{
	unsigned int lf = resolve_to_lookup(resolve);
	struct nameidata nd;
	struct file *f = NULL;
	bool created = false;
	int r;

	if (resolve & RESOLVE_CACHED) {
		*err = -EAGAIN;
		return NULL;
	}
	r = nd_init(&nd, t, dirfd, path, lf);
	if (r == 0)
		r = walk(&nd, path);
	if (r < 0)
		goto fail;
	if ((flags & __O_TMPFILE) == __O_TMPFILE) {
		f = open_tmpfile(t, &nd, flags, mode, err);
		nd_done(&nd);
		return f;
	}
	if (!(flags & O_CREAT)) {
		r = lookup_last(&nd, !(flags & O_NOFOLLOW));
		if (r == 0 && (flags & O_DIRECTORY) && !S_ISDIR(nd.cur.dentry->inode->mode))
			r = -ENOTDIR;
		if (r == 0 && (flags & O_NOFOLLOW) && S_ISLNK(nd.cur.dentry->inode->mode) &&
		    !(flags & O_PATH))
			r = -ELOOP;
		if (r < 0)
			goto fail;
		f = open_path(t, &nd.cur, flags, false, err);
		nd_done(&nd);
		return f;
	}
	/* O_CREAT: the last component may be created, or be a symlink whose
	 * target is created (unless O_EXCL or O_NOFOLLOW). */
	for (;;) {
		struct path child, dir;

		if (nd.last_type != LAST_NORM || nd.trailing_slash) {
			r = -EISDIR;
			goto fail;
		}
		r = lookup_one(&nd.cur, nd.last, &child);
		if (r == -ENOENT) {
			uint32_t m = S_IFREG | (mode & 07777 & ~t->fs->umask);
			struct dentry *d;

			if ((r = may_create(t, &nd.cur)) < 0)
				goto fail;
			r = create_node(t, &nd.cur, nd.last, m, 0, NULL, &d);
			if (r < 0)
				goto fail;
			child.mnt = nd.cur.mnt;
			mount_get(child.mnt);
			child.dentry = d;
			created = true;
		} else if (r < 0) {
			goto fail;
		} else if (flags & O_EXCL) {
			path_put(&child);
			r = -EEXIST;
			goto fail;
		}
		dir = nd.cur;
		nd.cur = child;
		if (!created && S_ISLNK(child.dentry->inode->mode)) {
			if (flags & O_NOFOLLOW) {
				path_put(&dir);
				r = -ELOOP;
				goto fail;
			}
			if (++nd.links > VFS_MAXSYMLINKS || (nd.flags & LOOKUP_NO_SYMLINKS)) {
				path_put(&dir);
				r = -ELOOP;
				goto fail;
			}
			if (child.dentry->inode->iops && child.dentry->inode->iops->get_link) {
				nd.links--;
				r = follow_link(&nd, &dir);
				path_put(&dir);
				if (r < 0)
					goto fail;
				break;
			} else {
				struct inode *li = child.dentry->inode;
				char *buf = malloc(PATH_MAX + 1);
				long n;

				if (!buf) {
					path_put(&dir);
					r = -ENOMEM;
					goto fail;
				}
				n = li->iops && li->iops->readlink ? li->iops->readlink(li, buf, PATH_MAX)
								   : -EINVAL;
				if (n <= 0) {
					free(buf);
					path_put(&dir);
					r = n < 0 ? (int)n : -ENOENT;
					goto fail;
				}
				buf[n] = 0;
				nd_set(&nd.cur, &dir);
				path_put(&dir);
				r = walk(&nd, buf);
				free(buf);
				if (r < 0)
					goto fail;
				continue;
			}
		}
		path_put(&dir);
		break;
	}
	if (S_ISDIR(nd.cur.dentry->inode->mode)) {
		r = -EISDIR;
		goto fail;
	}
	f = open_path(t, &nd.cur, flags, created, err);
	nd_done(&nd);
	return f;
fail:
	nd_done(&nd);
	*err = r;
	return NULL;
}

/* --------------------------------------------------------------- exec */

struct exec_handle {
	struct task *t;
	struct file *f;
	char path[PATH_MAX];
};

static int ex_open(struct task *t, const char *path, void **hp)
{
	struct exec_handle *h;
	struct inode *inode;
	struct path p;
	int r = vfs_lookup_at(t, AT_FDCWD, path, LOOKUP_FOLLOW, &p), err = 0;

	if (r < 0)
		return r;
	inode = p.dentry->inode;
	refresh(inode);
	if (!S_ISREG(inode->mode) || (p.mnt->flags & MS_NOEXEC))
		r = -EACCES;
	else
		r = perm(t, inode, MAY_EXEC);
	if (r < 0)
		goto out;
	h = calloc(1, sizeof(*h));
	if (!h) {
		r = -ENOMEM;
		goto out;
	}
	h->t = t;
	h->f = vfs_open_path_internal(t, &p, O_RDONLY, &err);
	if (!h->f) {
		free(h);
		r = err;
		goto out;
	}
	if (vfs_d_path(t, &p, h->path, sizeof(h->path), false) < 0)
		snprintf(h->path, sizeof(h->path), "%s", path);
	*hp = h;
out:
	path_put(&p);
	return r;
}

static ssize_t ex_pread(void *hp, void *buf, size_t n, uint64_t off)
{
	struct exec_handle *h = hp;
	int64_t pos = (int64_t)off;

	if (!h->f->ops->read)
		return -EACCES;
	return h->f->ops->read(h->t, h->f, buf, n, &pos);
}

static const char *ex_path(void *hp)
{
	return ((struct exec_handle *)hp)->path;
}

static struct memobj *ex_memobj(void *hp)
{
	struct exec_handle *h = hp;
	struct memobj *obj = NULL;

	struct inode *inode = file_inode(h->f);
	struct stat st;

	if (!h->f->ops->mmap || h->f->ops->mmap(h->f, &obj) < 0)
		return NULL;
	/* /proc/pid/maps names the program as the guest sees it. */
	if (inode) {
		vfs_fill_stat(inode, &st);
		memobj_set_identity(obj, h->path, st.st_dev, st.st_ino);
	}
	return obj;
}

static void ex_close(void *hp)
{
	struct exec_handle *h = hp;

	file_put(h->f);
	free(h);
}

/* For set-ID execs: the opened file's mode and owner, its mount's nosuid. */
static int ex_id(void *hp, struct exec_file_id *id)
{
	struct exec_handle *h = hp;
	struct inode *inode = file_inode(h->f);

	if (!inode || !h->f->mnt)
		return -EINVAL;
	id->mode = inode->mode;
	id->uid = inode->uid;
	id->gid = inode->gid;
	id->nosuid = h->f->mnt->flags & MS_NOSUID;
	return 0;
}

const struct exec_file_ops vfs_exec_ops = {
	.open = ex_open,
	.pread = ex_pread,
	.path = ex_path,
	.memobj = ex_memobj,
	.close = ex_close,
	.id = ex_id,
};
