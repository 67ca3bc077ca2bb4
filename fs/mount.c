/* mount(2), umount2(2) and pivot_root(2) on guest paths: new mounts of
 * registered filesystem types, bind mounts (recursive too), remounts that
 * change flags, moves, and propagation flags accepted where a single
 * namespace cannot tell them apart. */
#define _GNU_SOURCE
#include "fs/vfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#define MNT_FLAGS_KEPT (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | \
			MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME)
#define PROPAGATION (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE)

static bool is_mount_root(const struct path *p)
{
	return p->dentry == p->mnt->root && p->mnt->ns;
}

/* Copy the mounts below src (a mount of the same namespace) onto the
 * bind b, keeping their places relative to src's subtree. */
static int bind_submounts(struct mnt_ns *ns, struct mount *src, struct mount *b)
{
	for (struct mount *m = ns->mounts; m; m = m->next) {
		struct mount *c;
		struct path where;
		struct dentry *d;
		int r;

		if (m->parent != src || m == src)
			continue;
		/* Only mounts inside the bound subtree. */
		for (d = m->mountpoint; d != b->root && d->parent != d; d = d->parent)
			;
		if (d != b->root)
			continue;
		where.mnt = b;
		where.dentry = m->mountpoint;
		r = vfs_mount(ns, &where, m->sb, m->root, m->flags, m->source, &c);
		if (r < 0)
			return r;
		r = bind_submounts(ns, m, c);
		if (r < 0)
			return r;
	}
	return 0;
}

static int do_bind(struct task *t, const char *source, const struct path *target,
		   unsigned long flags)
{
	struct mnt_ns *ns = task_mnt_ns(t);
	struct path src;
	struct mount *b;
	int r = vfs_lookup_at(t, AT_FDCWD, source, LOOKUP_FOLLOW, &src);

	if (r < 0)
		return r;
	if (S_ISDIR(src.dentry->inode->mode) != S_ISDIR(target->dentry->inode->mode)) {
		r = -ENOTDIR;
		goto out;
	}
	if (!src.mnt->ns || src.mnt->ns != ns) {
		r = -EINVAL;
		goto out;
	}
	r = vfs_mount(ns, target, src.mnt->sb, src.dentry, src.mnt->flags & MNT_FLAGS_KEPT,
		      src.mnt->source, &b);
	if (r == 0 && (flags & MS_REC))
		r = bind_submounts(ns, src.mnt, b);
out:
	path_put(&src);
	return r;
}

static int do_remount(const struct path *target, unsigned long flags)
{
	struct mount *m = target->mnt;

	if (!is_mount_root(target))
		return -EINVAL;
	if (!(flags & MS_BIND)) {
		/* The superblock's flags change with a plain remount. */
		if (flags & MS_RDONLY)
			m->sb->flags |= SB_RDONLY;
		else if (m->sb->type && (m->sb->type->flags & FS_READONLY))
			return -EACCES;
		else
			m->sb->flags &= ~SB_RDONLY;
	}
	m->flags = (m->flags & ~(unsigned long)MNT_FLAGS_KEPT) | (flags & MNT_FLAGS_KEPT);
	return 0;
}

static int do_move(struct task *t, const char *source, const struct path *target)
{
	struct path src;
	struct mount *m;
	int r = vfs_lookup_at(t, AT_FDCWD, source, LOOKUP_FOLLOW, &src);

	if (r < 0)
		return r;
	m = src.mnt;
	if (!is_mount_root(&src) || m->parent == m) {
		r = -EINVAL;
		goto out;
	}
	/* Not into itself. */
	for (struct mount *p = target->mnt;; p = p->parent) {
		if (p == m) {
			r = -ELOOP;
			goto out;
		}
		if (p->parent == p)
			break;
	}
	m->mountpoint->mounted--;
	dentry_put(m->mountpoint);
	mount_put(m->parent);
	m->parent = target->mnt;
	mount_get(m->parent);
	m->mountpoint = target->dentry;
	dentry_get(m->mountpoint);
	m->mountpoint->mounted++;
	/* Keep it after its new parent in mount order. */
	{
		struct mnt_ns *ns = m->ns;
		struct mount **pp;

		for (pp = &ns->mounts; *pp; pp = &(*pp)->next)
			if (*pp == m) {
				*pp = m->next;
				break;
			}
		for (pp = &ns->mounts; *pp; pp = &(*pp)->next)
			;
		m->next = NULL;
		*pp = m;
	}
out:
	path_put(&src);
	return r;
}

int vfs_do_mount(struct task *t, const char *source, const char *target, const char *fstype,
		 unsigned long flags, const char *data)
{
	struct path where;
	int r;

	if ((flags & 0xffff0000UL) == 0xC0ED0000UL)
		flags &= 0xffff;
	/* The target is looked up before the privilege check (do_mount). */
	r = vfs_lookup_at(t, AT_FDCWD, target, LOOKUP_FOLLOW, &where);
	if (r < 0)
		return r;
	if (!capable(t, CAP_SYS_ADMIN)) {
		path_put(&where);
		return -EPERM;
	}
	if (flags & MS_REMOUNT) {
		r = do_remount(&where, flags);
	} else if (flags & MS_BIND) {
		r = source ? do_bind(t, source, &where, flags) : -EFAULT;
	} else if (flags & PROPAGATION) {
		/* One namespace with no peers: shared, private and slave all
		 * behave the same here. More than one type is EINVAL. */
		unsigned long p = flags & PROPAGATION;

		r = (p & (p - 1)) ? -EINVAL : is_mount_root(&where) ? 0 : -EINVAL;
	} else if (flags & MS_MOVE) {
		r = source ? do_move(t, source, &where) : -EFAULT;
	} else {
		const struct fs_type *type = fstype ? vfs_find_fs(fstype) : NULL;
		struct super_block *sb = NULL;

		if (!type || !(type->flags & FS_USERMOUNT)) {
			r = -ENODEV;
			goto out;
		}
		if (!S_ISDIR(where.dentry->inode->mode)) {
			r = -ENOTDIR;
			goto out;
		}
		r = type->mount(type, source, flags, data, &sb);
		if (r < 0)
			goto out;
		if (flags & MS_RDONLY)
			sb->flags |= SB_RDONLY;
		r = vfs_mount(where.mnt->ns ? where.mnt->ns : task_mnt_ns(t), &where, sb, sb->root,
			      flags & MNT_FLAGS_KEPT, source ? source : fstype, NULL);
		sb_put(sb);
	}
out:
	path_put(&where);
	return r;
}

/* Mounts that hold m busy: children, open files, cwds (its references
 * beyond the namespace's and ours). */
static int child_count(struct mount *m)
{
	int n = 0;

	if (!m->ns)
		return 0;
	for (struct mount *c = m->ns->mounts; c; c = c->next)
		if (c->parent == m && c != m)
			n++;
	return n;
}

static void detach_tree(struct mount *m)
{
	struct mnt_ns *ns = m->ns;
	bool again = true;

	while (ns && again) {
		again = false;
		for (struct mount *c = ns->mounts; c; c = c->next) {
			if (c->parent == m && c != m) {
				detach_tree(c);
				again = true;
				break;
			}
		}
	}
	vfs_mnt_detach(m);
}

int vfs_do_umount(struct task *t, const char *target, int flags)
{
	struct path p;
	struct mount *m;
	int r;

	if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	if ((flags & MNT_EXPIRE) && (flags & (MNT_FORCE | MNT_DETACH)))
		return -EINVAL;
	r = vfs_lookup_at(t, AT_FDCWD, target, flags & UMOUNT_NOFOLLOW ? 0 : LOOKUP_FOLLOW, &p);
	if (r < 0)
		return r;
	if (!capable(t, CAP_SYS_ADMIN)) {
		path_put(&p);
		return -EPERM;
	}
	m = p.mnt;
	if (!is_mount_root(&p) || m->ns != task_mnt_ns(t)) {
		r = -EINVAL;
		goto out;
	}
	if (m->parent == m) {
		r = -EBUSY;
		goto out;
	}
	if (flags & MNT_EXPIRE) {
		r = -EAGAIN;
		goto out;
	}
	if (!(flags & MNT_DETACH)) {
		/* References: the namespace's, ours, one per child mount. */
		int c = child_count(m);

		if (c || m->refs > 2) {
			r = -EBUSY;
			goto out;
		}
		vfs_mnt_detach(m);
	} else {
		detach_tree(m);
	}
	r = 0;
out:
	path_put(&p);
	return r;
}

struct pivot_ctx {
	struct path old_root, new_root;
};

static void pivot_fix(struct thread_group *tg, void *arg)
{
	struct pivot_ctx *c = arg;
	struct task *t = tg->leader;

	if (!t || !t->fs)
		return;
	if (path_equal(&t->fs->root, &c->old_root))
		vfs_chroot(t, &c->new_root);
	if (path_equal(&t->fs->cwd, &c->old_root))
		vfs_chdir(t, &c->new_root);
}

int vfs_pivot_root(struct task *t, const char *new_root, const char *put_old)
{
	struct path nr, po, root = t->fs->root;
	struct mount *rm, *nm;
	struct mnt_ns *ns = task_mnt_ns(t);
	struct pivot_ctx ctx;
	int r;

	if (!capable(t, CAP_SYS_ADMIN))
		return -EPERM;
	r = vfs_lookup_at(t, AT_FDCWD, new_root, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &nr);
	if (r < 0)
		return r;
	r = vfs_lookup_at(t, AT_FDCWD, put_old, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &po);
	if (r < 0) {
		path_put(&nr);
		return r;
	}
	rm = root.mnt;
	nm = nr.mnt;
	r = -EINVAL;
	if (nm->ns != ns || po.mnt->ns != ns || rm->ns != ns)
		goto out;
	/* new_root must be a mount root, not the current root mount; the
	 * current root must be its mount's root; put_old must be at or
	 * under new_root. */
	if (nm == rm || po.mnt == rm) {
		r = -EBUSY;
		goto out;
	}
	r = -EINVAL;
	if (nr.dentry != nm->root || root.dentry != rm->root || nm->parent == nm)
		goto out;
	{
		bool under = false;
		struct mount *m = po.mnt;
		struct dentry *d = po.dentry;

		for (;;) {
			if (m == nm) {
				under = true;
				break;
			}
			if (m->parent == m)
				break;
			d = m->mountpoint;
			m = m->parent;
		}
		(void)d;
		if (!under)
			goto out;
	}
	if (po.dentry->mounted && vfs_mount_at(po.mnt, po.dentry)) {
		r = -EBUSY;
		goto out;
	}
	ctx.old_root = root;
	path_get(&ctx.old_root);
	ctx.new_root = nr;
	/* new_root leaves its parent and becomes the namespace root; the
	 * old root mount goes under put_old. */
	nm->mountpoint->mounted--;
	dentry_put(nm->mountpoint);
	mount_put(nm->parent);
	nm->parent = nm;
	nm->mountpoint = NULL;
	rm->parent = po.mnt;
	mount_get(po.mnt);
	rm->mountpoint = po.dentry;
	dentry_get(po.dentry);
	po.dentry->mounted++;
	mount_get(nm);
	mount_put(ns->root);
	ns->root = nm;
	for_each_tg(pivot_fix, &ctx);
	path_put(&ctx.old_root);
	r = 0;
out:
	path_put(&nr);
	path_put(&po);
	return r;
}
