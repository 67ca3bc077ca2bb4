/* The overlay filesystem (Linux's overlayfs semantics, default options):
 * merged directories, copy-up on modification, whiteouts and opaque
 * directories in the upper layer. An overlay inode wraps the real dentries
 * of the layers that hold the object; data I/O goes to a real open file of
 * the topmost layer. See docs/design.md "Overlay" for what differs. */
#define _GNU_SOURCE
#include "fs/overlay.h"
#include "fs/vfs.h"
#include "sentry/task.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#define OVL_MAX_LOWER 500
/* Copy-up moves data in chunks of this size (Linux's
 * OVL_COPY_UP_CHUNK_SIZE: holes are skipped at chunk boundaries only). */
#define COPY_CHUNK (1u << 20)
/* Linux's private xattr namespace of overlayfs; userxattr uses user.overlay. */
#define OVL_TRUSTED_PREFIX "trusted.overlay."
#define OVL_USER_PREFIX "user.overlay."

/* Copied-up non-directories keep the st_ino of their lower origin (Linux
 * does so through the origin file handle); we remember the mapping from
 * the upper inode for the life of the mount. */
struct ovl_origin {
	uint64_t upper_ino;   /* 0: free slot */
	uint64_t ino;         /* the overlay st_ino to report */
	struct ovl_ix *ix;    /* the index entry of an indexed copy */
};

/* With index=on (and always for the sandbox's root), a lower
 * non-directory with several hard links gets an entry here when first
 * looked up, keyed by its lower superblock and inode number, as Linux
 * indexes copied-up lower inodes (its work/index/ entries, ours kept in
 * memory for the life of the mount). Every alias's overlay inode points
 * at it: the first copy-up records the upper inode, later aliases use
 * that copy (and are linked to it in the upper layer when they are
 * modified), so all names stay one inode with the origin's st_ino. */
struct ovl_ix {
	struct super_block *lsb;
	uint64_t lino;
	uint64_t ino;              /* the overlay st_ino of every alias */
	struct dentry *upper;      /* the copy (a reference); NULL before copy-up */
	uint64_t lower_left;       /* lower aliases not yet linked up or removed */
	struct ovl_ix *next;
};

/* sb->priv. Owns a reference on each layer superblock and layer root. */
struct ovl_fs {
	struct super_block *upper_sb;
	struct dentry *upper_root;
	struct dentry *workdir;        /* workdir=W: W/work; NULL for boot overlays */
	int nlower;
	struct super_block **lower_sb;
	struct dentry **lower_root;
	bool samefs;                   /* every layer on one superblock */
	struct super_block **fsids;    /* distinct layer superblocks (inode numbering) */
	int nfsids;
	const char *prefix;            /* private xattr prefix */
	uint32_t creator_uid, creator_gid;   /* owner of whiteouts and work/ */
	char *opts;                    /* show_options */
	struct ovl_origin *origins;
	size_t norigins, origin_cap;
	bool index;                    /* index=on: lower hard links kept together */
	struct ovl_ix **ixtab;         /* chained hash of ovl_ix */
	size_t nix, ix_cap;
};

/* inode->priv. References: one on each real dentry, one on the parent's
 * overlay inode. The looked-up children are weakly indexed by (parent,
 * name) in ohash (an entry leaves it when evicted, unlinked or renamed
 * away), so an operation that only has a name (rename) finds the inode
 * the VFS holds. */
struct ovl_inode {
	struct inode *vfs;
	struct ovl_inode *parent;
	char *name;
	struct ovl_inode *hnext, **hpprev;   /* ohash chain */
	struct dentry *upper;
	int nlower;
	struct dentry **lower;         /* lower[0] is the topmost lower layer */
	bool opaque;                   /* upper directory hides the lower ones */
	bool root;
	struct ovl_ix *ix;             /* index entry of an aliased lower file, or NULL */
};

static const struct inode_ops ovl_iops;
static int ovl_copy_up_len(struct ovl_inode *oi, uint64_t len);
static int ovl_lookup(struct inode *dir, const char *name, struct inode **out);
static const struct file_ops ovl_file_fops;
static const struct file_ops ovl_dir_fops;
static const struct super_ops ovl_sops;
static const struct fs_type ovl_type;

static inline struct ovl_fs *OFS(struct super_block *sb)
{
	return sb->priv;
}

static inline struct ovl_inode *OI(struct inode *inode)
{
	return inode->priv;
}

/* Layer work the caller asks for only indirectly (copy-up, whiteouts,
 * the private xattrs) runs as the sentry itself, with no current task:
 * filesystems treat such calls as trusted (tmpfs allows trusted.*
 * xattrs), where Linux uses the mounter's credentials; and the gofer then
 * keeps the big kernel lock across its calls, so no other task sees a
 * half-done copy-up or races to make the same one. The VFS has checked
 * the caller's own rights before. */
static struct task *ovl_kernel_begin(void)
{
	struct task *t = task_current;

	task_current = NULL;
	return t;
}

static void ovl_kernel_end(struct task *t)
{
	task_current = t;
}

/* The upper inode's dentry that holds the object's data: its own upper
 * entry, or for an alias of an indexed lower file the copy made through
 * another name (not at our name until we are modified); NULL if none. */
static struct dentry *ovl_upper_data(struct ovl_inode *oi)
{
	if (oi->upper)
		return oi->upper;
	return oi->ix ? oi->ix->upper : NULL;
}

/* The layer that provides the object's attributes and data. */
static struct dentry *ovl_real(struct ovl_inode *oi)
{
	struct dentry *u = ovl_upper_data(oi);

	return u ? u : oi->lower[0];
}

/* ---------------------------------------------------------------- real layers */

static int real_getattr(struct inode *ri)
{
	return ri->iops && ri->iops->getattr ? ri->iops->getattr(ri) : 0;
}

static bool is_whiteout(struct inode *ri)
{
	return S_ISCHR(ri->mode) && ri->rdev == makedev(0, 0);
}

static long real_getxattr(struct inode *ri, const char *name, void *buf, size_t n)
{
	if (!ri->iops || !ri->iops->getxattr)
		return -EOPNOTSUPP;
	return ri->iops->getxattr(ri, name, buf, n);
}

static int real_setxattr(struct inode *ri, const char *name, const void *val, size_t n,
			 int flags)
{
	if (!ri->iops || !ri->iops->setxattr)
		return -EOPNOTSUPP;
	return ri->iops->setxattr(ri, name, val, n, flags);
}

static bool is_private_xattr(struct ovl_fs *ofs, const char *name)
{
	return !strncmp(name, ofs->prefix, strlen(ofs->prefix));
}

/* An xattr of the private namespace set through the overlay is stored
 * escaped ("trusted.overlay.X" as "trusted.overlay.overlay.X"), as Linux
 * 6.7+ does, so overlays can nest; the real private ones stay hidden. */
static bool is_escaped_xattr(struct ovl_fs *ofs, const char *name)
{
	size_t n = strlen(ofs->prefix);

	return !strncmp(name, ofs->prefix, n) && !strncmp(name + n, "overlay.", 8);
}

/* The real name of an xattr named through the overlay, into buf. */
static const char *real_xattr_name(struct ovl_fs *ofs, const char *name, char *buf, size_t n)
{
	size_t pl = strlen(ofs->prefix);

	if (!is_private_xattr(ofs, name))
		return name;
	if ((size_t)snprintf(buf, n, "%soverlay.%s", ofs->prefix, name + pl) >= n)
		return NULL;
	return buf;
}

static bool is_opaque(struct ovl_fs *ofs, struct dentry *d)
{
	char key[64], v;
	struct task *t;
	bool r;

	if (!S_ISDIR(d->inode->mode))
		return false;
	snprintf(key, sizeof(key), "%sopaque", ofs->prefix);
	t = ovl_kernel_begin();
	r = real_getxattr(d->inode, key, &v, 1) == 1 && v == 'y';
	ovl_kernel_end(t);
	return r;
}

static int set_opaque(struct ovl_fs *ofs, struct dentry *d)
{
	char key[64];

	snprintf(key, sizeof(key), "%sopaque", ofs->prefix);
	return real_setxattr(d->inode, key, "y", 1, 0);
}

/* An open file on a real dentry, made like the VFS's open but without the
 * checks (done on the overlay inode) and without a mount. */
static const struct file_ops ovl_nofile_ops;

static struct file *real_open(struct dentry *d, int flags, int *err)
{
	struct inode *ri = d->inode;
	struct file *f;
	int r = 0;

	f = file_new(ri->fops ? ri->fops : &ovl_nofile_ops,
		     flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC), NULL, NULL);
	if (!f) {
		*err = -ENOMEM;
		return NULL;
	}
	f->dentry = d;
	dentry_get(d);
	if (ri->iops && ri->iops->open)
		r = ri->iops->open(ri, f);
	if (r < 0) {
		f->dentry = NULL;
		f->ops = &ovl_nofile_ops;
		file_put(f);
		dentry_put(d);
		*err = r;
		return NULL;
	}
	return f;
}

/* Remove a real entry and tell the real dcache. */
static int real_remove(struct dentry *parent, struct dentry *d)
{
	struct inode *di = parent->inode;
	int r;

	if (S_ISDIR(d->inode->mode))
		r = di->iops && di->iops->rmdir ? di->iops->rmdir(di, d->name, d->inode) : -EPERM;
	else
		r = di->iops && di->iops->unlink ? di->iops->unlink(di, d->name, d->inode) : -EPERM;
	if (r == 0)
		vfs_d_delete(d);
	return r;
}

/* A new real entry: create (any non-directory but a symlink), mkdir or
 * symlink (target set). Returns its cached real dentry. */
static int real_make(struct dentry *parent, const char *name, uint32_t mode, dev_t rdev,
		     const char *target, const struct vfs_owner *o, struct dentry **out)
{
	struct inode *di = parent->inode, *ni = NULL;
	const struct inode_ops *op = di->iops;
	struct dentry *d;
	int r;

	if (!op)
		return -EPERM;
	if (S_ISDIR(mode))
		r = op->mkdir ? op->mkdir(di, name, mode & 07777, o, &ni) : -EPERM;
	else if (S_ISLNK(mode))
		r = op->symlink ? op->symlink(di, name, target, o, &ni) : -EPERM;
	else
		r = op->create ? op->create(di, name, mode, rdev, o, &ni) : -EPERM;
	if (r < 0)
		return r;
	d = vfs_d_add(parent, name, ni);
	if (!d)
		return -ENOMEM;
	*out = d;
	return 0;
}

/* Remove a whiteout at name in the upper directory, if there is one:
 * 1 removed, 0 none, or -errno. */
static int remove_whiteout(struct dentry *udir, const char *name)
{
	struct dentry *d;
	int r = vfs_lookup_child(udir, name, &d);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if (!is_whiteout(d->inode)) {
		dentry_put(d);
		return -EEXIST;
	}
	r = real_remove(udir, d);
	dentry_put(d);
	return r < 0 ? r : 1;
}

static int make_whiteout(struct ovl_fs *ofs, struct dentry *udir, const char *name)
{
	struct vfs_owner o = { ofs->creator_uid, ofs->creator_gid };
	struct dentry *d;
	int r = real_make(udir, name, S_IFCHR, makedev(0, 0), NULL, &o, &d);

	if (r == 0)
		dentry_put(d);
	return r;
}

/* The entries of a real directory (without "." and ".."). */
struct real_ent {
	char *name;
	uint64_t ino;
	unsigned int dtype;
};

struct real_list {
	struct dir_ctx ctx;        /* first: emit() gets it back */
	struct real_ent *ents;
	size_t n, cap;
	int err;
};

static bool list_emit(struct dir_ctx *ctx, const char *name, size_t len, uint64_t ino,
		      unsigned int dtype)
{
	struct real_list *l = (struct real_list *)ctx;

	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return true;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct real_ent *n = realloc(l->ents, cap * sizeof(*n));

		if (!n) {
			l->err = -ENOMEM;
			return false;
		}
		l->ents = n;
		l->cap = cap;
	}
	l->ents[l->n].name = strndup(name, len);
	if (!l->ents[l->n].name) {
		l->err = -ENOMEM;
		return false;
	}
	l->ents[l->n].ino = ino;
	l->ents[l->n].dtype = dtype;
	l->n++;
	return true;
}

static void real_list_free(struct real_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->ents[i].name);
	free(l->ents);
	memset(l, 0, sizeof(*l));
}

static int real_list(struct dentry *dir, struct real_list *l)
{
	int err = 0, r = 0;
	struct file *f = real_open(dir, O_RDONLY | O_DIRECTORY, &err);

	memset(l, 0, sizeof(*l));
	if (!f)
		return err;
	if (!f->ops->iterate) {
		file_put(f);
		return -ENOTDIR;
	}
	l->ctx.emit = list_emit;
	for (;;) {
		int64_t before = l->ctx.pos;
		size_t nbefore = l->n;

		r = f->ops->iterate(f, &l->ctx);
		if (r < 0 || l->err || l->n == nbefore || l->ctx.pos == before)
			break;
	}
	file_put(f);
	if (r == 0)
		r = l->err;
	if (r < 0)
		real_list_free(l);
	return r;
}

/* An upper directory the overlay sees as empty: remove its whiteouts so
 * the real rmdir or rename over it succeeds. */
static int clear_whiteouts(struct dentry *dir)
{
	struct real_list l;
	int r = real_list(dir, &l);

	for (size_t i = 0; r == 0 && i < l.n; i++) {
		struct dentry *d;

		r = vfs_lookup_child(dir, l.ents[i].name, &d);
		if (r == -ENOENT) {
			r = 0;
			continue;
		}
		if (r < 0)
			break;
		r = is_whiteout(d->inode) ? real_remove(dir, d) : -ENOTEMPTY;
		dentry_put(d);
	}
	real_list_free(&l);
	return r;
}

/* A set of names (open addressing), for merging directory layers. */
struct name_set {
	char **slots;
	size_t cap, n;
};

static size_t name_hash(const char *s)
{
	size_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static bool name_set_has(struct name_set *s, const char *name)
{
	if (!s->cap)
		return false;
	for (size_t i = name_hash(name) & (s->cap - 1); s->slots[i]; i = (i + 1) & (s->cap - 1))
		if (!strcmp(s->slots[i], name))
			return true;
	return false;
}

static int name_set_add(struct name_set *s, const char *name)
{
	size_t i;

	if ((s->n + 1) * 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		char **slots = calloc(cap, sizeof(*slots));

		if (!slots)
			return -ENOMEM;
		for (size_t j = 0; j < s->cap; j++) {
			if (!s->slots[j])
				continue;
			for (i = name_hash(s->slots[j]) & (cap - 1); slots[i]; i = (i + 1) & (cap - 1))
				;
			slots[i] = s->slots[j];
		}
		free(s->slots);
		s->slots = slots;
		s->cap = cap;
	}
	for (i = name_hash(name) & (s->cap - 1); s->slots[i]; i = (i + 1) & (s->cap - 1))
		if (!strcmp(s->slots[i], name))
			return 0;
	s->slots[i] = strdup(name);
	if (!s->slots[i])
		return -ENOMEM;
	s->n++;
	return 0;
}

static void name_set_free(struct name_set *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->slots[i]);
	free(s->slots);
	memset(s, 0, sizeof(*s));
}

/* f->priv of an open overlay directory: the merged listing. */
struct ovl_dirent {
	char *name;
	uint64_t ino;
	unsigned int dtype;
};

struct ovl_dir {
	struct ovl_dirent *ents;
	size_t n, cap;
	bool built;
};

/* ---------------------------------------------------------------- inode numbers */

static struct ovl_origin *origin_find(struct ovl_fs *ofs, uint64_t upper_ino)
{
	if (!ofs->origin_cap)
		return NULL;
	for (size_t i = upper_ino % ofs->origin_cap, n = 0; n < ofs->origin_cap;
	     i = (i + 1) % ofs->origin_cap, n++) {
		if (ofs->origins[i].upper_ino == upper_ino)
			return &ofs->origins[i];
		if (!ofs->origins[i].upper_ino)
			return NULL;
	}
	return NULL;
}

static void origin_put_slot(struct ovl_origin *tab, size_t cap, uint64_t upper_ino, uint64_t ino,
			    struct ovl_ix *ix)
{
	size_t i = upper_ino % cap;

	while (tab[i].upper_ino && tab[i].upper_ino != upper_ino)
		i = (i + 1) % cap;
	tab[i].upper_ino = upper_ino;
	tab[i].ino = ino;
	tab[i].ix = ix;
}

static void origin_add(struct ovl_fs *ofs, uint64_t upper_ino, uint64_t ino, struct ovl_ix *ix)
{
	if (!upper_ino)
		return;
	if ((ofs->norigins + 1) * 2 > ofs->origin_cap) {
		size_t cap = ofs->origin_cap ? ofs->origin_cap * 2 : 64;
		struct ovl_origin *tab = calloc(cap, sizeof(*tab));

		if (!tab)
			return;   /* st_ino falls back to the upper's: still consistent */
		for (size_t i = 0; i < ofs->origin_cap; i++)
			if (ofs->origins[i].upper_ino)
				origin_put_slot(tab, cap, ofs->origins[i].upper_ino,
						ofs->origins[i].ino, ofs->origins[i].ix);
		free(ofs->origins);
		ofs->origins = tab;
		ofs->origin_cap = cap;
	}
	if (!origin_find(ofs, upper_ino))
		ofs->norigins++;
	origin_put_slot(ofs->origins, ofs->origin_cap, upper_ino, ino, ix);
}

/* The upper inode is gone: forget it (rehash the run after it). */
static void origin_del(struct ovl_fs *ofs, uint64_t upper_ino)
{
	struct ovl_origin *o = origin_find(ofs, upper_ino);
	size_t i;

	if (!o)
		return;
	o->upper_ino = 0;
	ofs->norigins--;
	i = ((size_t)(o - ofs->origins) + 1) % ofs->origin_cap;
	while (ofs->origins[i].upper_ino) {
		struct ovl_origin e = ofs->origins[i];

		ofs->origins[i].upper_ino = 0;
		origin_put_slot(ofs->origins, ofs->origin_cap, e.upper_ino, e.ino, e.ix);
		i = (i + 1) % ofs->origin_cap;
	}
}

static size_t ix_hash(const struct super_block *lsb, uint64_t lino, size_t cap)
{
	uint64_t h = (lino ^ (uint64_t)(uintptr_t)lsb) * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> 32) & (cap - 1);
}

/* The index entry of a lower inode (made when missing: NULL only without
 * memory, and the aliases are then copied apart as with index=off). */
static struct ovl_ix *ix_get(struct ovl_fs *ofs, struct dentry *lower, uint64_t ino)
{
	struct super_block *lsb = lower->inode->sb;
	uint64_t lino = lower->inode->ino;
	struct ovl_ix *x;

	if (ofs->ix_cap) {
		for (x = ofs->ixtab[ix_hash(lsb, lino, ofs->ix_cap)]; x; x = x->next)
			if (x->lsb == lsb && x->lino == lino)
				return x;
	}
	if (ofs->nix >= ofs->ix_cap) {
		size_t cap = ofs->ix_cap ? ofs->ix_cap * 2 : 64;
		struct ovl_ix **tab = calloc(cap, sizeof(*tab));

		if (!tab)
			return NULL;
		for (size_t i = 0; i < ofs->ix_cap; i++) {
			while ((x = ofs->ixtab[i])) {
				size_t h = ix_hash(x->lsb, x->lino, cap);

				ofs->ixtab[i] = x->next;
				x->next = tab[h];
				tab[h] = x;
			}
		}
		free(ofs->ixtab);
		ofs->ixtab = tab;
		ofs->ix_cap = cap;
	}
	x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	x->lsb = lsb;
	x->lino = lino;
	x->ino = ino;
	x->next = ofs->ixtab[ix_hash(lsb, lino, ofs->ix_cap)];
	ofs->ixtab[ix_hash(lsb, lino, ofs->ix_cap)] = x;
	ofs->nix++;
	return x;
}

static void ix_free_all(struct ovl_fs *ofs)
{
	for (size_t i = 0; i < ofs->ix_cap; i++) {
		struct ovl_ix *x, *next;

		for (x = ofs->ixtab[i]; x; x = next) {
			next = x->next;
			if (x->upper)
				dentry_put(x->upper);
			free(x);
		}
	}
	free(ofs->ixtab);
	ofs->ixtab = NULL;
	ofs->ix_cap = ofs->nix = 0;
}

/* An upper non-directory lost a name. When it has none left, forget its
 * origin, unless it is the copy of an indexed lower file some of whose
 * lower aliases are still visible (they report its data and count). */
static void upper_unlinked(struct ovl_fs *ofs, struct inode *ui)
{
	struct ovl_origin *o;

	real_getattr(ui);
	if (ui->nlink)
		return;
	o = origin_find(ofs, ui->ino);
	if (o && o->ix && o->ix->lower_left)
		return;
	if (o && o->ix && o->ix->upper) {
		dentry_put(o->ix->upper);
		o->ix->upper = NULL;
	}
	origin_del(ofs, ui->ino);
}

/* st_ino of a real object as the overlay reports it: the real one when
 * every layer is on one filesystem (Linux's "samefs"); otherwise the
 * number of the layer's filesystem goes into the top bits, as Linux's
 * xino does, so numbers stay unique within the mount. */
static uint64_t layer_ino_of(struct ovl_fs *ofs, struct super_block *sb, uint64_t ino)
{
	if (ofs->samefs)
		return ino;
	for (int i = 0; i < ofs->nfsids; i++)
		if (ofs->fsids[i] == sb)
			return ino ^ ((uint64_t)i << 56);
	return ino;
}

static uint64_t layer_ino(struct ovl_fs *ofs, struct dentry *d)
{
	return layer_ino_of(ofs, d->inode->sb, d->inode->ino);
}

static uint64_t ovl_ino(struct ovl_fs *ofs, struct ovl_inode *oi)
{
	if (oi->root || (S_ISDIR(ovl_real(oi)->inode->mode) && oi->upper && !oi->nlower))
		return layer_ino(ofs, ovl_real(oi));
	if (S_ISDIR(ovl_real(oi)->inode->mode))
		return layer_ino(ofs, oi->lower[0]);
	/* Indexed aliases keep the origin's number (Linux: OVL_INDEX). */
	if (oi->ix)
		return oi->ix->ino;
	if (oi->upper) {
		struct ovl_origin *o = origin_find(ofs, oi->upper->inode->ino);

		return o ? o->ino : layer_ino(ofs, oi->upper);
	}
	return layer_ino(ofs, oi->lower[0]);
}

/* Mirror the attributes of the topmost layer (asking it to refresh them
 * first when refresh is set). */
static void ovl_mirror_attr(struct ovl_inode *oi, bool refresh)
{
	struct ovl_fs *ofs = OFS(oi->vfs->sb);
	struct inode *ri = ovl_real(oi)->inode, *i = oi->vfs;

	if (refresh)
		real_getattr(ri);
	i->mode = ri->mode;
	i->uid = ri->uid;
	i->gid = ri->gid;
	i->nlink = ri->nlink;
	i->size = ri->size;
	i->blocks = ri->blocks;
	i->rdev = ri->rdev;
	i->atime = ri->atime;
	i->mtime = ri->mtime;
	i->ctime = ri->ctime;
	i->ino = ovl_ino(ofs, oi);
	/* A merged directory's link count is unknown: Linux reports 1. */
	if (S_ISDIR(ri->mode) && oi->upper && oi->nlower)
		i->nlink = 1;
	/* An indexed copy: its upper names plus the lower aliases not yet
	 * linked up or removed (Linux's persistent overlay nlink). */
	if (oi->ix && oi->ix->upper && ri == oi->ix->upper->inode)
		i->nlink = ri->nlink + oi->ix->lower_left;
}

static void ovl_copy_attr(struct ovl_inode *oi)
{
	ovl_mirror_attr(oi, true);
}

/* ---------------------------------------------------------------- overlay inodes */

/* Looked-up children by (parent, name): a lookup or a rename in a large
 * directory does not scan its entries. */
#define OHASH_SIZE (1u << 14)
static struct ovl_inode *ohash[OHASH_SIZE];

static unsigned int ohash_of(const struct ovl_inode *parent, const char *name)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)(uintptr_t)parent;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 1099511628211ULL;
	h ^= h >> 29;
	return (unsigned int)(h & (OHASH_SIZE - 1));
}

static void ovl_detach(struct ovl_inode *oi)
{
	struct ovl_inode *p = oi->parent;

	if (!p)
		return;
	if (oi->hpprev) {
		*oi->hpprev = oi->hnext;
		if (oi->hnext)
			oi->hnext->hpprev = oi->hpprev;
	}
	oi->hnext = NULL;
	oi->hpprev = NULL;
	oi->parent = NULL;
	free(oi->name);
	oi->name = NULL;
	inode_put(p->vfs);
}

static int ovl_attach(struct ovl_inode *oi, struct ovl_inode *parent, const char *name)
{
	char *n = strdup(name);
	struct ovl_inode **head;

	if (!n)
		return -ENOMEM;
	ovl_detach(oi);
	oi->name = n;
	oi->parent = parent;
	inode_get(parent->vfs);
	head = &ohash[ohash_of(parent, n)];
	oi->hnext = *head;
	if (*head)
		(*head)->hpprev = &oi->hnext;
	*head = oi;
	oi->hpprev = head;
	return 0;
}

/* A new overlay inode over upper (may be NULL) and nlower lower dentries;
 * takes those references. */
static struct inode *ovl_inode_new(struct super_block *sb, struct dentry *upper,
				   struct dentry **lower, int nlower, bool opaque)
{
	struct ovl_inode *oi = calloc(1, sizeof(*oi));
	struct dentry *real = upper ? upper : lower[0];
	const struct file_ops *fops = NULL;
	struct inode *inode;

	if (!oi)
		goto fail;
	if (nlower) {
		oi->lower = calloc((size_t)nlower, sizeof(*oi->lower));
		if (!oi->lower)
			goto fail;
		memcpy(oi->lower, lower, (size_t)nlower * sizeof(*lower));
	}
	if (S_ISDIR(real->inode->mode))
		fops = &ovl_dir_fops;
	else if (S_ISREG(real->inode->mode))
		fops = &ovl_file_fops;
	inode = inode_new(sb, &ovl_iops, fops, real->inode->mode, 1);
	if (!inode)
		goto fail;
	inode->priv = oi;
	oi->vfs = inode;
	oi->upper = upper;
	oi->nlower = nlower;
	oi->opaque = opaque;
	if (!S_ISDIR(real->inode->mode)) {
		struct ovl_fs *ofs = OFS(sb);

		if (upper) {
			struct ovl_origin *o = origin_find(ofs, upper->inode->ino);

			oi->ix = o ? o->ix : NULL;
		} else if (ofs->index && ofs->upper_root && real->inode->nlink > 1) {
			oi->ix = ix_get(ofs, real, layer_ino(ofs, real));
		}
	}
	ovl_mirror_attr(oi, false);   /* just looked up or made: current */
	return inode;
fail:
	if (oi)
		free(oi->lower);
	free(oi);
	if (upper)
		dentry_put(upper);
	for (int i = 0; i < nlower; i++)
		dentry_put(lower[i]);
	return NULL;
}

static void ovl_evict(struct inode *inode)
{
	struct ovl_inode *oi = OI(inode);

	if (!oi)
		return;
	/* Children hold a reference on us: none is indexed under us now. */
	ovl_detach(oi);
	if (oi->upper)
		dentry_put(oi->upper);
	for (int i = 0; i < oi->nlower; i++)
		dentry_put(oi->lower[i]);
	free(oi->lower);
	free(oi);
	inode->priv = NULL;
}

/* Is name present in a lower layer under dir (so removing or renaming it
 * in the upper must leave a whiteout)? */
static int lower_positive(struct ovl_inode *dir, const char *name)
{
	if (dir->opaque)
		return 0;
	for (int i = 0; i < dir->nlower; i++) {
		struct dentry *d;
		int r = vfs_lookup_child(dir->lower[i], name, &d);

		if (r == -ENOENT)
			continue;
		if (r < 0)
			return r;
		r = !is_whiteout(d->inode);
		dentry_put(d);
		return r;
	}
	return 0;
}

/* The inode of a child already looked up (new reference), or NULL. */
static struct inode *cached_child(struct ovl_inode *d, const char *name)
{
	for (struct ovl_inode *c = ohash[ohash_of(d, name)]; c; c = c->hnext) {
		if (c->parent == d && c->name && !strcmp(c->name, name)) {
			inode_get(c->vfs);
			return c->vfs;
		}
	}
	return NULL;
}

/* Find name in the layers of dir (the merge rules of overlayfs.rst). */
static int ovl_lookup_layers(struct ovl_inode *dir, const char *name, struct inode **out)
{
	struct ovl_fs *ofs = OFS(dir->vfs->sb);
	struct dentry *upper = NULL, **lower = NULL, *d;
	int nlower = 0, r;
	bool opaque = false, stop = dir->opaque;

	if (dir->upper) {
		r = vfs_lookup_child(dir->upper, name, &d);
		if (r == 0) {
			if (is_whiteout(d->inode)) {
				dentry_put(d);
				return -ENOENT;
			}
			upper = d;
			if (!S_ISDIR(d->inode->mode))
				stop = true;
			else if (!stop && dir->nlower && is_opaque(ofs, d))
				stop = opaque = true;
		} else if (r != -ENOENT) {
			return r;
		}
	}
	if (!stop && dir->nlower) {
		lower = calloc((size_t)dir->nlower, sizeof(*lower));
		if (!lower) {
			r = -ENOMEM;
			goto fail;
		}
	}
	for (int i = 0; !stop && i < dir->nlower; i++) {
		r = vfs_lookup_child(dir->lower[i], name, &d);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			goto fail;
		if (is_whiteout(d->inode)) {
			dentry_put(d);
			break;
		}
		if ((upper || nlower) && !S_ISDIR(d->inode->mode)) {
			/* A non-directory under a directory ends the stack. */
			dentry_put(d);
			break;
		}
		lower[nlower++] = d;
		/* Opacity matters only with layers below (saves a getxattr
		 * per lookup on the common single lower layer). */
		if (!S_ISDIR(d->inode->mode) || (i + 1 < dir->nlower && is_opaque(ofs, d)))
			break;
	}
	if (!upper && !nlower) {
		free(lower);
		return -ENOENT;
	}
	/* A lookup that raced with ours (the gofer releases the big lock)
	 * may have made the inode meanwhile: one inode per name. */
	*out = cached_child(dir, name);
	if (*out) {
		if (upper)
			dentry_put(upper);
		for (int i = 0; i < nlower; i++)
			dentry_put(lower[i]);
		free(lower);
		return 0;
	}
	*out = ovl_inode_new(dir->vfs->sb, upper, lower, nlower, opaque);
	free(lower);
	if (!*out)
		return -ENOMEM;
	r = ovl_attach(OI(*out), dir, name);
	if (r < 0) {
		inode_put(*out);
		return r;
	}
	return 0;
fail:
	if (upper)
		dentry_put(upper);
	for (int i = 0; i < nlower; i++)
		dentry_put(lower[i]);
	free(lower);
	return r;
}

static int ovl_lookup(struct inode *dir, const char *name, struct inode **out)
{
	struct ovl_inode *d = OI(dir);

	*out = cached_child(d, name);
	return *out ? 0 : ovl_lookup_layers(d, name, out);
}

/* ---------------------------------------------------------------- copy-up */

static int copy_xattrs(struct ovl_fs *ofs, struct inode *from, struct inode *to)
{
	long n;
	char *names = NULL, *val = NULL;
	int r = 0;

	if (!from->iops || !from->iops->listxattr)
		return 0;
	n = from->iops->listxattr(from, NULL, 0);
	if (n == -EOPNOTSUPP || n == 0)
		return 0;
	if (n < 0)
		return (int)n;
	names = malloc((size_t)n);
	val = malloc(XATTR_SIZE_MAX);
	if (!names || !val) {
		r = -ENOMEM;
		goto out;
	}
	n = from->iops->listxattr(from, names, (size_t)n);
	if (n < 0) {
		r = (int)n;
		goto out;
	}
	for (char *p = names; p < names + n; p += strlen(p) + 1) {
		long vn;

		if (is_private_xattr(ofs, p) && !is_escaped_xattr(ofs, p))
			continue;
		vn = real_getxattr(from, p, val, XATTR_SIZE_MAX);
		if (vn == -ENODATA)
			continue;
		if (vn < 0) {
			r = (int)vn;
			goto out;
		}
		r = real_setxattr(to, p, val, (size_t)vn, 0);
		/* Linux's rule (ovl_copy_xattr): an xattr the upper cannot
		 * store is dropped unless it is an ACL or security.* one. */
		if (r == -EOPNOTSUPP && strncmp(p, "security.", 9) &&
		    strncmp(p, "system.posix_acl_", 17))
			r = 0;
		if (r < 0)
			goto out;
	}
out:
	free(names);
	free(val);
	return r;
}

/* Copy the first len bytes of the lower file into the new upper one as
 * Linux's ovl_copy_up_data does: in chunks of 1 MiB, a hole that starts
 * at a chunk boundary skipped (SEEK_DATA) and a final one left out; the
 * rest written as read, zeros and holes inside a chunk included. The
 * size is set at the end. */
static int copy_data(struct dentry *from, struct dentry *to, uint64_t len)
{
	int err = 0, r = 0;
	struct file *in = real_open(from, O_RDONLY, &err), *out;
	bool skip_hole;
	int64_t pos = 0, data = -1;
	char *buf = NULL;

	if (!in)
		return err;
	out = real_open(to, O_WRONLY, &err);
	if (!out) {
		file_put(in);
		return err;
	}
	buf = malloc(COPY_CHUNK);
	if (!buf || !in->ops->read || !out->ops->write) {
		r = buf ? -EINVAL : -ENOMEM;
		goto done;
	}
	skip_hole = in->ops->llseek != NULL;
	while ((uint64_t)pos < len) {
		size_t want = len - (uint64_t)pos < COPY_CHUNK ? (size_t)(len - (uint64_t)pos)
							       : COPY_CHUNK;
		int64_t rpos = pos;
		ssize_t got;

		if (skip_hole && data < pos) {
			data = in->ops->llseek(in, pos, SEEK_DATA);
			if (data == -ENXIO)
				break;
			if (data < 0) {
				skip_hole = false;
			} else if (data > pos) {
				pos = data;
				continue;
			}
		}
		got = in->ops->read(NULL, in, buf, want, &rpos);
		if (got < 0) {
			r = (int)got;
			goto done;
		}
		if (got == 0)
			break;
		for (ssize_t off = 0; off < got;) {
			int64_t wpos = pos + off;
			ssize_t w = out->ops->write(NULL, out, buf + off, (size_t)(got - off), &wpos);

			if (w <= 0) {
				r = w < 0 ? (int)w : -EIO;
				goto done;
			}
			off += w;
		}
		pos += got;
	}
	if (to->inode->iops && to->inode->iops->setattr) {
		struct iattr a = { .valid = ATTR_SIZE, .size = len };

		r = to->inode->iops->setattr(to->inode, &a);
	}
done:
	free(buf);
	file_put(out);
	file_put(in);
	return r;
}

/* Mark the copy with where it came from, as Linux marks copies with
 * <prefix>origin (ours holds the lower layer's device and inode numbers
 * in text, not a file handle). An upper without such xattrs gets none,
 * as in Linux. */
static int set_origin(struct ovl_fs *ofs, struct inode *upper, struct dentry *lower)
{
	char key[64], val[64];
	int r, n;

	snprintf(key, sizeof(key), "%sorigin", ofs->prefix);
	n = snprintf(val, sizeof(val), "%llx:%llx", (unsigned long long)lower->sb->dev,
		     (unsigned long long)lower->inode->ino);
	r = real_setxattr(upper, key, val, (size_t)n, 0);
	return r == -EOPNOTSUPP ? 0 : r;
}

/* An alias of an indexed lower file whose copy exists under another
 * name: give it its upper name as a hard link of that copy (Linux's
 * ovl_link_up); the parent is copied up already. */
static int ovl_link_up(struct ovl_inode *oi)
{
	struct dentry *udir = oi->parent->upper, *nd;
	struct inode *ui = udir->inode, *target = oi->ix->upper->inode;
	struct iattr pt = { .valid = ATTR_ATIME | ATTR_MTIME };
	int r;

	real_getattr(ui);
	pt.atime = ui->atime;
	pt.mtime = ui->mtime;
	r = ui->iops && ui->iops->link ? ui->iops->link(ui, oi->name, target) : -EPERM;
	if (r < 0)
		return r;
	inode_get(target);
	nd = vfs_d_add(udir, oi->name, target);
	if (!nd && (r = vfs_lookup_child(udir, oi->name, &nd)) < 0)
		return r;
	if (oi->ix->lower_left)
		oi->ix->lower_left--;
	/* Not a change of the directory, as for a copy-up. */
	if (ui->iops && ui->iops->setattr)
		ui->iops->setattr(ui, &pt);
	ovl_copy_attr(oi->parent);
	oi->upper = nd;
	ovl_copy_attr(oi);
	return 0;
}

/* Give oi an upper copy (and its parents first): data (up to len bytes
 * of a regular file), mode, owner, times and xattrs. */
static int ovl_copy_up_len_(struct ovl_inode *oi, uint64_t len)
{
	struct ovl_fs *ofs = OFS(oi->vfs->sb);
	struct dentry *lower, *udir, *nd = NULL;
	struct inode *li, *ui;
	struct iattr pt = { .valid = ATTR_ATIME | ATTR_MTIME }, la;
	struct vfs_owner o;
	char *target = NULL;
	int r;

	if (oi->upper)
		return 0;
	if (!ofs->upper_root)
		return -EROFS;
	if (!oi->parent)
		return -ENOENT;   /* unlinked meanwhile */
	r = ovl_copy_up_len(oi->parent, 0);
	if (r < 0)
		return r;
	if (oi->ix && oi->ix->upper)
		return ovl_link_up(oi);
	lower = oi->lower[0];
	li = lower->inode;
	real_getattr(li);
	/* The attributes as they were before the copy reads the data (and
	 * perhaps moves the lower atime), as Linux takes them first. */
	la = (struct iattr){ .valid = ATTR_UID | ATTR_GID | ATTR_ATIME | ATTR_MTIME,
			     .uid = li->uid, .gid = li->gid, .atime = li->atime, .mtime = li->mtime };
	if (!S_ISLNK(li->mode)) {
		la.valid |= ATTR_MODE;
		la.mode = li->mode & 07777;
	}
	udir = oi->parent->upper;
	ui = udir->inode;
	real_getattr(ui);
	pt.atime = ui->atime;
	pt.mtime = ui->mtime;
	o.uid = li->uid;
	o.gid = li->gid;
	if (S_ISLNK(li->mode)) {
		long n;

		target = malloc(PATH_MAX + 1);
		if (!target)
			return -ENOMEM;
		n = li->iops && li->iops->readlink ? li->iops->readlink(li, target, PATH_MAX) : -EINVAL;
		if (n < 0) {
			free(target);
			return (int)n;
		}
		target[n] = 0;
	}
	r = real_make(udir, oi->name, li->mode, li->rdev, target, &o, &nd);
	free(target);
	if (r == -EEXIST) {
		/* Another overlay inode of this name (two lookups that raced
		 * while the gofer had the lock released) copied it first. */
		r = vfs_lookup_child(udir, oi->name, &nd);
		if (r == 0 && (is_whiteout(nd->inode) ||
			       (nd->inode->mode & S_IFMT) != (li->mode & S_IFMT))) {
			dentry_put(nd);
			r = -EEXIST;
		}
		if (r < 0)
			return r;
		oi->upper = nd;
		ovl_copy_attr(oi);
		return 0;
	}
	if (r < 0)
		return r;
	if (S_ISREG(li->mode) && len)
		r = copy_data(lower, nd, len < li->size ? len : li->size);
	if (r == 0)
		r = copy_xattrs(ofs, li, nd->inode);
	if (r == 0)
		r = set_origin(ofs, nd->inode, lower);
	if (r == 0 && nd->inode->iops && nd->inode->iops->setattr)
		r = nd->inode->iops->setattr(nd->inode, &la);
	if (r < 0) {
		real_remove(udir, nd);
		dentry_put(nd);
		return r;
	}
	/* Linux keeps the origin's st_ino unless the lower file had other
	 * links, which copy-up breaks apart without an index. */
	if (oi->ix) {
		dentry_get(nd);
		oi->ix->upper = nd;
		oi->ix->lower_left = li->nlink ? li->nlink - 1 : 0;
		origin_add(ofs, nd->inode->ino, oi->ix->ino, oi->ix);
	} else if (!S_ISDIR(li->mode) && li->nlink == 1) {
		origin_add(ofs, nd->inode->ino, layer_ino(ofs, lower), NULL);
	}
	/* A copy-up is not a change of the directory: its times stay
	 * (Linux's ovl_set_timestamps on the upper parent). */
	if (ui->iops && ui->iops->setattr)
		ui->iops->setattr(ui, &pt);
	ovl_copy_attr(oi->parent);
	oi->upper = nd;
	ovl_copy_attr(oi);
	return 0;
}

static int ovl_copy_up_len(struct ovl_inode *oi, uint64_t len)
{
	struct task *old = ovl_kernel_begin();
	int r = ovl_copy_up_len_(oi, len);

	ovl_kernel_end(old);
	return r;
}

static int ovl_copy_up(struct ovl_inode *oi)
{
	return ovl_copy_up_len(oi, UINT64_MAX);
}

/* ---------------------------------------------------------------- inode ops */

static int ovl_getattr(struct inode *inode)
{
	ovl_copy_attr(OI(inode));
	return 0;
}

static int ovl_setattr(struct inode *inode, const struct iattr *a)
{
	struct ovl_inode *oi = OI(inode);
	struct inode *ui;
	int r = ovl_copy_up_len(oi, (a->valid & ATTR_SIZE) ? a->size : UINT64_MAX);

	if (r < 0)
		return r;
	ui = oi->upper->inode;
	r = ui->iops && ui->iops->setattr ? ui->iops->setattr(ui, a) : -EPERM;
	ovl_copy_attr(oi);
	return r;
}

/* The upper directory in which to create name: dir copied up and any
 * whiteout at name removed (*whiteout set: the new entry must hide the
 * lower layers). */
static int prepare_create(struct ovl_inode *dir, const char *name, bool *whiteout)
{
	int r = ovl_copy_up(dir);

	if (r < 0)
		return r;
	r = remove_whiteout(dir->upper, name);
	if (r < 0)
		return r;
	*whiteout = r == 1;
	return 0;
}

static int finish_create(struct ovl_inode *dir, const char *name, struct dentry *ud,
			 bool opaque, struct inode **out)
{
	struct inode *inode = ovl_inode_new(dir->vfs->sb, ud, NULL, 0, opaque);
	int r;

	if (!inode)
		return -ENOMEM;
	r = ovl_attach(OI(inode), dir, name);
	if (r < 0) {
		inode_put(inode);
		return r;
	}
	ovl_copy_attr(dir);
	*out = inode;
	return 0;
}

static int ovl_make_(struct inode *dir, const char *name, uint32_t mode, dev_t rdev,
		    const char *target, const struct vfs_owner *o, struct inode **out)
{
	struct ovl_inode *d = OI(dir);
	struct ovl_fs *ofs = OFS(dir->sb);
	struct dentry *ud;
	bool wo = false;
	int r = prepare_create(d, name, &wo);

	if (r < 0)
		return r;
	r = real_make(d->upper, name, mode, rdev, target, o, &ud);
	if (r < 0)
		goto undo;
	/* A directory made where a lower one was removed must not show the
	 * old contents: opaque (overlayfs.rst "whiteouts and opaque dirs"). */
	if (S_ISDIR(mode) && wo) {
		r = set_opaque(ofs, ud);
		if (r < 0) {
			real_remove(d->upper, ud);
			dentry_put(ud);
			goto undo;
		}
	}
	return finish_create(d, name, ud, S_ISDIR(mode) && wo, out);
undo:
	if (wo)
		make_whiteout(ofs, d->upper, name);
	return r;
}

static int ovl_make(struct inode *dir, const char *name, uint32_t mode, dev_t rdev,
		    const char *target, const struct vfs_owner *o, struct inode **out)
{
	struct task *old = ovl_kernel_begin();
	int r = ovl_make_(dir, name, mode, rdev, target, o, out);

	ovl_kernel_end(old);
	return r;
}

static int ovl_create(struct inode *dir, const char *name, uint32_t mode, dev_t rdev,
		      const struct vfs_owner *o, struct inode **out)
{
	return ovl_make(dir, name, mode, rdev, NULL, o, out);
}

static int ovl_mkdir(struct inode *dir, const char *name, uint32_t mode,
		     const struct vfs_owner *o, struct inode **out)
{
	return ovl_make(dir, name, S_IFDIR | (mode & 07777), 0, NULL, o, out);
}

static int ovl_symlink(struct inode *dir, const char *name, const char *target,
		       const struct vfs_owner *o, struct inode **out)
{
	return ovl_make(dir, name, S_IFLNK | 0777, 0, target, o, out);
}

static int ovl_tmpfile_(struct inode *dir, uint32_t mode, const struct vfs_owner *o,
		       struct inode **out)
{
	struct ovl_inode *d = OI(dir);
	struct inode *ui = NULL, *inode;
	struct dentry *ud;
	int r = ovl_copy_up(d);

	if (r < 0)
		return r;
	if (!d->upper->inode->iops || !d->upper->inode->iops->tmpfile)
		return -EOPNOTSUPP;
	r = d->upper->inode->iops->tmpfile(d->upper->inode, mode, o, &ui);
	if (r < 0)
		return r;
	/* The unnamed upper inode gets a dentry of its own, like the VFS's
	 * O_TMPFILE dentries: deleted, never found by a lookup. */
	ud = vfs_d_add(d->upper, "#tmpfile", ui);
	if (!ud)
		return -ENOMEM;
	vfs_d_delete(ud);
	inode = ovl_inode_new(dir->sb, ud, NULL, 0, false);
	if (!inode)
		return -ENOMEM;
	*out = inode;
	return 0;
}

static int ovl_tmpfile(struct inode *dir, uint32_t mode, const struct vfs_owner *o,
		       struct inode **out)
{
	struct task *old = ovl_kernel_begin();
	int r = ovl_tmpfile_(dir, mode, o, out);

	ovl_kernel_end(old);
	return r;
}

static int ovl_link_(struct inode *dir, const char *name, struct inode *target)
{
	struct ovl_inode *d = OI(dir), *t = OI(target);
	struct inode *udi;
	struct dentry *nd;
	bool wo = false;
	int r = ovl_copy_up(t);

	if (r < 0)
		return r;
	r = prepare_create(d, name, &wo);
	if (r < 0)
		return r;
	udi = d->upper->inode;
	r = udi->iops && udi->iops->link ? udi->iops->link(udi, name, t->upper->inode) : -EPERM;
	if (r < 0) {
		if (wo)
			make_whiteout(OFS(dir->sb), d->upper, name);
		return r;
	}
	inode_get(t->upper->inode);
	nd = vfs_d_add(d->upper, name, t->upper->inode);
	if (nd)
		dentry_put(nd);
	ovl_copy_attr(t);
	ovl_copy_attr(d);
	return 0;
}

static int ovl_link(struct inode *dir, const char *name, struct inode *target)
{
	struct task *old = ovl_kernel_begin();
	int r = ovl_link_(dir, name, target);

	ovl_kernel_end(old);
	return r;
}

/* Remove the upper entry at name (if any) and leave a whiteout when a
 * lower layer has the name. */
static int ovl_remove_(struct inode *dir, const char *name, struct inode *victim, bool isdir)
{
	struct ovl_inode *d = OI(dir), *v = OI(victim);
	struct ovl_fs *ofs = OFS(dir->sb);
	struct dentry *ud = NULL;
	int r = ovl_copy_up(d), lp;

	if (r < 0)
		return r;
	/* An alias of an indexed lower file gets its upper name first, so
	 * the merged link count drops (Linux's ovl_nlink_start). */
	if (!isdir && v->ix && !v->upper && v->parent == d && v->name && !strcmp(v->name, name) &&
	    (r = ovl_copy_up(v)) < 0)
		return r;
	lp = lower_positive(d, name);
	if (lp < 0)
		return lp;
	r = vfs_lookup_child(d->upper, name, &ud);
	if (r == 0) {
		if (isdir) {
			r = clear_whiteouts(ud);
			if (r < 0)
				goto out;
		}
		r = real_remove(d->upper, ud);
		if (r < 0)
			goto out;
		if (!isdir)
			upper_unlinked(ofs, ud->inode);
	} else if (r != -ENOENT) {
		return r;
	}
	r = lp ? make_whiteout(ofs, d->upper, name) : 0;
	if (v->parent == d && v->name && !strcmp(v->name, name))
		ovl_detach(v);
	ovl_copy_attr(v);
	ovl_copy_attr(d);
out:
	if (ud)
		dentry_put(ud);
	return r;
}

static int ovl_remove(struct inode *dir, const char *name, struct inode *victim, bool isdir)
{
	struct task *old = ovl_kernel_begin();
	int r = ovl_remove_(dir, name, victim, isdir);

	ovl_kernel_end(old);
	return r;
}

/* ---------------------------------------------------------------- renames */

static int ovl_rename_(struct inode *odir, const char *oname, struct inode *ndir,
		      const char *nname, unsigned int flags)
{
	struct ovl_inode *od = OI(odir), *nd = OI(ndir), *src = NULL, *tgt = NULL;
	struct ovl_fs *ofs = OFS(odir->sb);
	bool exchange = flags & RENAME_EXCHANGE, removed_wo = false;
	struct dentry *usrc = NULL, *utgt = NULL;
	struct inode *i, *udi;
	int r, src_lp, tgt_lp;

	if (flags & RENAME_WHITEOUT)
		return -EINVAL;
	r = ovl_lookup(odir, oname, &i);
	if (r < 0)
		return r;
	src = OI(i);
	r = ovl_lookup(ndir, nname, &i);
	if (r == 0)
		tgt = OI(i);
	else if (r != -ENOENT)
		goto out;
	/* Without redirect_dir (Linux's default), a directory that exists
	 * in a lower layer cannot be renamed: EXDEV, and mv(1) copies. */
	r = -EXDEV;
	if (S_ISDIR(src->vfs->mode) && src->nlower)
		goto out;
	if (exchange && tgt && S_ISDIR(tgt->vfs->mode) && tgt->nlower)
		goto out;
	if ((r = ovl_copy_up(od)) < 0 || (r = ovl_copy_up(nd)) < 0 || (r = ovl_copy_up(src)) < 0)
		goto out;
	if (exchange && tgt && (r = ovl_copy_up(tgt)) < 0)
		goto out;
	/* An indexed alias about to be replaced: linked up first, so the
	 * merged count drops (Linux's ovl_nlink_start). */
	if (!exchange && tgt && tgt->ix && !tgt->upper && (r = ovl_copy_up(tgt)) < 0)
		goto out;
	if ((src_lp = lower_positive(od, oname)) < 0 || (tgt_lp = lower_positive(nd, nname)) < 0) {
		r = src_lp < 0 ? src_lp : tgt_lp;
		goto out;
	}
	r = vfs_lookup_child(od->upper, oname, &usrc);
	if (r < 0)
		goto out;
	r = vfs_lookup_child(nd->upper, nname, &utgt);
	if (r == -ENOENT)
		utgt = NULL;
	else if (r < 0)
		goto out;
	/* Two names of one upper inode: rename(2) does nothing. */
	if (utgt && utgt->inode == usrc->inode) {
		r = 0;
		goto out;
	}
	if (utgt && !exchange) {
		if (is_whiteout(utgt->inode)) {
			r = real_remove(nd->upper, utgt);
			if (r < 0)
				goto out;
			dentry_put(utgt);
			utgt = NULL;
			removed_wo = true;
		} else if (S_ISDIR(utgt->inode->mode)) {
			/* Empty as the overlay sees it: only whiteouts left. */
			r = clear_whiteouts(utgt);
			if (r < 0)
				goto out;
		}
	}
	udi = od->upper->inode;
	r = udi->iops && udi->iops->rename
		    ? udi->iops->rename(udi, oname, nd->upper->inode, nname,
					flags & (RENAME_EXCHANGE | RENAME_NOREPLACE))
		    : -EPERM;
	if (r < 0) {
		if (removed_wo)
			make_whiteout(ofs, nd->upper, nname);
		goto out;
	}
	if (exchange) {
		vfs_d_move(usrc, nd->upper, nname);
		vfs_d_move(utgt, od->upper, oname);
	} else {
		if (utgt)
			vfs_d_delete(utgt);
		vfs_d_move(usrc, nd->upper, nname);
		/* The name left behind must keep hiding the lower layers. */
		if (src_lp)
			r = make_whiteout(ofs, od->upper, oname);
	}
	/* A directory landing where a lower layer has the name must not
	 * merge with it. */
	if (S_ISDIR(usrc->inode->mode) && tgt_lp && !src->opaque) {
		if (set_opaque(ofs, usrc) == 0)
			src->opaque = true;
	}
	if (exchange && S_ISDIR(utgt->inode->mode) && src_lp && !tgt->opaque) {
		if (set_opaque(ofs, utgt) == 0)
			tgt->opaque = true;
	}
	if (tgt && !exchange) {
		if (utgt && !S_ISDIR(utgt->inode->mode))
			upper_unlinked(ofs, utgt->inode);
		if (tgt->parent == nd && tgt->name && !strcmp(tgt->name, nname))
			ovl_detach(tgt);
		ovl_copy_attr(tgt);
	}
	{
		/* Attach after the target left: names must stay unique. */
		int a = ovl_attach(src, nd, nname);

		if (a == 0 && exchange)
			a = ovl_attach(tgt, od, oname);
		if (r == 0)
			r = a;
	}
	ovl_copy_attr(src);
	ovl_copy_attr(od);
	ovl_copy_attr(nd);
out:
	if (usrc)
		dentry_put(usrc);
	if (utgt)
		dentry_put(utgt);
	if (tgt)
		inode_put(tgt->vfs);
	inode_put(src->vfs);
	return r;
}

static int ovl_rename(struct inode *odir, const char *oname, struct inode *ndir,
		      const char *nname, unsigned int flags)
{
	struct task *old = ovl_kernel_begin();
	int r = ovl_rename_(odir, oname, ndir, nname, flags);

	ovl_kernel_end(old);
	return r;
}

static int ovl_unlink(struct inode *dir, const char *name, struct inode *victim)
{
	return ovl_remove(dir, name, victim, false);
}

static int ovl_rmdir(struct inode *dir, const char *name, struct inode *victim)
{
	return ovl_remove(dir, name, victim, true);
}

static long ovl_readlink(struct inode *inode, char *buf, size_t n)
{
	struct inode *ri = ovl_real(OI(inode))->inode;

	return ri->iops && ri->iops->readlink ? ri->iops->readlink(ri, buf, n) : -EINVAL;
}

/* ---------------------------------------------------------------- xattrs */

static long ovl_getxattr(struct inode *inode, const char *name, void *buf, size_t size)
{
	char rn[XATTR_NAME_MAX + 16];

	name = real_xattr_name(OFS(inode->sb), name, rn, sizeof(rn));
	if (!name)
		return -ERANGE;
	return real_getxattr(ovl_real(OI(inode))->inode, name, buf, size);
}

static long ovl_listxattr(struct inode *inode, char *buf, size_t size)
{
	struct inode *ri = ovl_real(OI(inode))->inode;
	struct ovl_fs *ofs = OFS(inode->sb);
	char *all;
	long n, out = 0;

	if (!ri->iops || !ri->iops->listxattr)
		return 0;
	n = ri->iops->listxattr(ri, NULL, 0);
	if (n <= 0)
		return n == -EOPNOTSUPP ? 0 : n;
	all = malloc((size_t)n);
	if (!all)
		return -ENOMEM;
	n = ri->iops->listxattr(ri, all, (size_t)n);
	for (char *p = all; n > 0 && p < all + n; p += strlen(p) + 1) {
		size_t len = strlen(p) + 1;
		const char *show = p;
		char un[XATTR_NAME_MAX + 16];

		if (is_private_xattr(ofs, p)) {
			if (!is_escaped_xattr(ofs, p))
				continue;
			snprintf(un, sizeof(un), "%s%s", ofs->prefix, p + strlen(ofs->prefix) + 8);
			show = un;
			len = strlen(un) + 1;
		}
		if (size) {
			if ((size_t)out + len > size) {
				free(all);
				return -ERANGE;
			}
			memcpy(buf + out, show, len);
		}
		out += (long)len;
	}
	free(all);
	return n < 0 ? n : out;
}

static int ovl_setxattr(struct inode *inode, const char *name, const void *val, size_t size,
			int flags)
{
	struct ovl_inode *oi = OI(inode);
	char rn[XATTR_NAME_MAX + 16];
	int r;

	name = real_xattr_name(OFS(inode->sb), name, rn, sizeof(rn));
	if (!name)
		return -ERANGE;
	r = ovl_copy_up(oi);
	if (r < 0)
		return r;
	r = real_setxattr(oi->upper->inode, name, val, size, flags);
	ovl_copy_attr(oi);
	return r;
}

static int ovl_removexattr(struct inode *inode, const char *name)
{
	struct ovl_inode *oi = OI(inode);
	struct inode *ui;
	char rn[XATTR_NAME_MAX + 16];
	long n;
	int r;

	name = real_xattr_name(OFS(inode->sb), name, rn, sizeof(rn));
	if (!name)
		return -ERANGE;
	if (!oi->upper) {
		/* Nothing to remove: no copy-up (Linux's ovl_xattr_set). */
		n = real_getxattr(ovl_real(oi)->inode, name, NULL, 0);
		if (n < 0)
			return (int)n;
	}
	r = ovl_copy_up(oi);
	if (r < 0)
		return r;
	ui = oi->upper->inode;
	r = ui->iops && ui->iops->removexattr ? ui->iops->removexattr(ui, name) : -EOPNOTSUPP;
	ovl_copy_attr(oi);
	return r;
}

static int ovl_fallocate(struct inode *inode, int mode, uint64_t off, uint64_t len)
{
	struct ovl_inode *oi = OI(inode);
	struct inode *ui;
	int r = ovl_copy_up(oi);

	if (r < 0)
		return r;
	ui = oi->upper->inode;
	r = ui->iops && ui->iops->fallocate ? ui->iops->fallocate(ui, mode, off, len)
					    : -EOPNOTSUPP;
	ovl_copy_attr(oi);
	return r;
}

/* ---------------------------------------------------------------- open files */

static int ovl_open(struct inode *inode, struct file *f)
{
	struct ovl_inode *oi = OI(inode);
	struct file *rf;
	int err = 0;

	if (S_ISDIR(inode->mode)) {
		f->priv = calloc(1, sizeof(struct ovl_dir));
		f->ops = &ovl_dir_fops;
		return f->priv ? 0 : -ENOMEM;
	}
	if (!S_ISREG(inode->mode))
		return 0;
	/* A write open copies up; a read-only one reads the lower file
	 * until someone copies it up. */
	if ((f->flags & O_ACCMODE) != O_RDONLY) {
		err = ovl_copy_up(oi);
		if (err < 0)
			return err;
	}
	rf = real_open(ovl_real(oi), f->flags, &err);
	if (!rf)
		return err;
	f->priv = rf;
	f->ops = &ovl_file_fops;
	return 0;
}

/* The real file behind f. A file opened before a copy-up (by another
 * opener) moves to the upper copy at its next operation, as Linux's
 * ovl_real_fdget does; mappings made before keep the lower pages. */
static struct file *REAL(struct file *f)
{
	struct file *rf = f->priv;
	struct ovl_inode *oi = OI(file_inode(f));
	struct dentry *u = ovl_upper_data(oi);
	struct file *nf;
	int err = 0;

	if (!u || rf->dentry->inode == u->inode)
		return rf;
	nf = real_open(u, rf->flags, &err);
	if (!nf)
		return rf;
	nf->pos = rf->pos;
	file_put(rf);
	f->priv = nf;
	return nf;
}

static ssize_t ovlf_read(struct task *t, struct file *f, void *buf, size_t n, int64_t *pos)
{
	struct file *rf = REAL(f);

	return rf->ops->read ? rf->ops->read(t, rf, buf, n, pos) : -EINVAL;
}

static ssize_t ovlf_write(struct task *t, struct file *f, const void *buf, size_t n,
			  int64_t *pos)
{
	struct file *rf = REAL(f);
	ssize_t r = rf->ops->write ? rf->ops->write(t, rf, buf, n, pos) : -EINVAL;

	ovl_copy_attr(OI(file_inode(f)));
	return r;
}

static int64_t ovlf_llseek(struct file *f, int64_t off, int whence)
{
	struct file *rf = REAL(f);
	int64_t r;

	if (!rf->ops->llseek)
		return -ESPIPE;
	rf->pos = f->pos;
	r = rf->ops->llseek(rf, off, whence);
	if (r >= 0)
		f->pos = r;
	return r;
}

static int ovlf_fstat(struct file *f, struct stat *st)
{
	vfs_fill_stat(file_inode(f), st);
	return 0;
}

static long ovlf_ioctl(struct task *t, struct file *f, unsigned int cmd, uint64_t arg)
{
	struct file *rf = REAL(f);

	return rf->ops->ioctl ? rf->ops->ioctl(t, rf, cmd, arg) : -ENOTTY;
}

static unsigned int ovlf_poll(struct file *f, struct waitq **wq)
{
	struct file *rf = REAL(f);

	return rf->ops->poll ? rf->ops->poll(rf, wq)
			     : POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
}

/* The real file's memory object: the lower's page cache for a file not
 * copied up when it was opened, the upper's otherwise. */
static int ovlf_mmap(struct file *f, struct memobj **obj)
{
	struct file *rf = REAL(f);

	return rf->ops->mmap ? rf->ops->mmap(rf, obj) : -ENODEV;
}

static int ovlf_fsync(struct file *f, bool datasync)
{
	struct file *rf = REAL(f);

	return rf->ops->fsync ? rf->ops->fsync(rf, datasync) : 0;
}

static int ovlf_truncate(struct file *f, uint64_t len)
{
	struct iattr a = { .valid = ATTR_SIZE, .size = len };

	return ovl_setattr(file_inode(f), &a);
}

static int ovlf_setfl(struct file *f, int flags)
{
	struct file *rf = REAL(f);
	int nfl = (rf->flags & O_ACCMODE) | (flags & ~O_ACCMODE), r;

	r = rf->ops->setfl ? rf->ops->setfl(rf, nfl) : 0;
	if (r == 0)
		rf->flags = nfl;
	return r;
}

static void ovlf_release(struct file *f)
{
	if (f->priv)
		file_put(f->priv);
	f->priv = NULL;
}

static const struct file_ops ovl_file_fops = {
	.read = ovlf_read,
	.write = ovlf_write,
	.llseek = ovlf_llseek,
	.fstat = ovlf_fstat,
	.ioctl = ovlf_ioctl,
	.poll = ovlf_poll,
	.mmap = ovlf_mmap,
	.fsync = ovlf_fsync,
	.truncate = ovlf_truncate,
	.setfl = ovlf_setfl,
	.release = ovlf_release,
};

static const struct file_ops ovl_nofile_ops = {
	.fstat = ovlf_fstat,
};

/* ---------------------------------------------------------------- merged readdir */

static void ovl_dir_free(struct ovl_dir *od)
{
	for (size_t i = 0; i < od->n; i++)
		free(od->ents[i].name);
	free(od->ents);
	od->ents = NULL;
	od->n = od->cap = 0;
	od->built = false;
}

static int ovl_dir_add(struct ovl_dir *od, const char *name, uint64_t ino, unsigned int dtype)
{
	if (od->n == od->cap) {
		size_t cap = od->cap ? od->cap * 2 : 16;
		struct ovl_dirent *n = realloc(od->ents, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		od->ents = n;
		od->cap = cap;
	}
	od->ents[od->n].name = strdup(name);
	if (!od->ents[od->n].name)
		return -ENOMEM;
	od->ents[od->n].ino = ino;
	od->ents[od->n].dtype = dtype;
	od->n++;
	return 0;
}

/* A snapshot of the merged directory: upper entries first, then each
 * lower layer's names not seen above and not whited out. The position
 * (cookie) of an entry is its index, stable until a rewind rebuilds it. */
static int ovl_dir_build(struct file *f, struct ovl_dir *od)
{
	struct ovl_inode *oi = OI(file_inode(f));
	struct ovl_fs *ofs = OFS(oi->vfs->sb);
	struct name_set seen = { 0 };
	struct real_list l = { 0 };
	int r;

	ovl_dir_free(od);
	r = ovl_dir_add(od, ".", oi->vfs->ino, DT_DIR);
	if (r == 0)
		r = ovl_dir_add(od, "..", oi->parent ? oi->parent->vfs->ino : oi->vfs->ino, DT_DIR);
	for (int layer = -1; r == 0 && layer < oi->nlower; layer++) {
		struct dentry *rd = layer < 0 ? oi->upper : oi->lower[layer];

		if (!rd || (layer >= 0 && oi->opaque))
			continue;
		r = real_list(rd, &l);
		for (size_t i = 0; r == 0 && i < l.n; i++) {
			struct real_ent *e = &l.ents[i];
			struct ovl_origin *o;
			struct dentry *d;
			uint64_t ino;

			if (name_set_has(&seen, e->name))
				continue;
			r = name_set_add(&seen, e->name);
			if (r < 0)
				break;
			if (e->dtype == DT_CHR || e->dtype == DT_UNKNOWN) {
				int lr = vfs_lookup_child(rd, e->name, &d);
				bool wo;

				if (lr == -ENOENT)
					continue;
				if (lr < 0) {
					r = lr;
					break;
				}
				wo = is_whiteout(d->inode);
				dentry_put(d);
				if (wo)
					continue;
			}
			/* d_ino as stat(2) would report it, from the layer's
			 * own d_ino where that is enough: only an upper
			 * directory of a merged directory may be merged too
			 * (then it has a lower number), and an unknown type
			 * needs a look. */
			if (e->dtype == DT_UNKNOWN ||
			    (layer < 0 && e->dtype == DT_DIR && oi->nlower && !oi->opaque)) {
				r = ovl_dir_add(od, e->name, 0, e->dtype);
				od->ents[od->n - 1].ino = UINT64_MAX;   /* look up below */
				continue;
			}
			ino = layer_ino_of(ofs, rd->inode->sb, e->ino);
			if (layer < 0 && e->dtype != DT_DIR && (o = origin_find(ofs, e->ino)))
				ino = o->ino;
			r = ovl_dir_add(od, e->name, ino, e->dtype);
		}
		real_list_free(&l);
	}
	name_set_free(&seen);
	for (size_t i = 2; r == 0 && i < od->n; i++) {
		struct inode *ci;

		if (od->ents[i].ino != UINT64_MAX)
			continue;
		if (ovl_lookup(oi->vfs, od->ents[i].name, &ci) == 0) {
			od->ents[i].ino = ci->ino;
			od->ents[i].dtype = (ci->mode & S_IFMT) >> 12;
			inode_put(ci);
		} else {
			od->ents[i].ino = 0;
		}
	}
	if (r < 0) {
		ovl_dir_free(od);
		return r;
	}
	od->built = true;
	return 0;
}

static int ovl_iterate(struct file *f, struct dir_ctx *ctx)
{
	struct ovl_dir *od = f->priv;
	int r;

	if (ctx->pos == 0 || !od->built) {
		r = ovl_dir_build(f, od);
		if (r < 0)
			return r;
	}
	for (size_t i = (size_t)ctx->pos; ctx->pos >= 0 && i < od->n; i++) {
		struct ovl_dirent *e = &od->ents[i];

		if (!ctx->emit(ctx, e->name, strlen(e->name), e->ino, e->dtype))
			break;
		ctx->pos = (int64_t)i + 1;
	}
	return 0;
}

static void ovl_dir_release(struct file *f)
{
	struct ovl_dir *od = f->priv;

	if (od) {
		ovl_dir_free(od);
		free(od);
	}
	f->priv = NULL;
}

static const struct file_ops ovl_dir_fops = {
	.getdents = vfs_dir_getdents,
	.llseek = vfs_dir_llseek,
	.iterate = ovl_iterate,
	.fstat = ovlf_fstat,
	.release = ovl_dir_release,
};

static const struct inode_ops ovl_iops = {
	.lookup = ovl_lookup,
	.create = ovl_create,
	.mkdir = ovl_mkdir,
	.symlink = ovl_symlink,
	.tmpfile = ovl_tmpfile,
	.link = ovl_link,
	.unlink = ovl_unlink,
	.rmdir = ovl_rmdir,
	.rename = ovl_rename,
	.readlink = ovl_readlink,
	.getattr = ovl_getattr,
	.setattr = ovl_setattr,
	.open = ovl_open,
	.getxattr = ovl_getxattr,
	.setxattr = ovl_setxattr,
	.listxattr = ovl_listxattr,
	.removexattr = ovl_removexattr,
	.fallocate = ovl_fallocate,
};

/* ---------------------------------------------------------------- superblock */

static int ovl_statfs(struct super_block *sb, struct statfs *st)
{
	struct ovl_fs *ofs = OFS(sb);
	struct dentry *d = ofs->upper_root ? ofs->upper_root : ofs->lower_root[0];
	struct super_block *rsb = d->sb;
	int r;

	if (!rsb->ops || !rsb->ops->statfs)
		return -ENOSYS;
	r = rsb->ops->statfs(rsb, st);
	if (r == 0)
		st->f_type = OVERLAY_SUPER_MAGIC;
	return r;
}

static int ovl_show_options(struct super_block *sb, char *buf, size_t n)
{
	struct ovl_fs *ofs = OFS(sb);
	int w = snprintf(buf, n, "%s", ofs->opts ? ofs->opts : "");

	return w < 0 ? -EINVAL : 0;
}

static void ovl_release(struct super_block *sb)
{
	struct ovl_fs *ofs = OFS(sb);

	if (!ofs)
		return;
	ix_free_all(ofs);
	if (ofs->upper_root)
		dentry_put(ofs->upper_root);
	if (ofs->workdir)
		dentry_put(ofs->workdir);
	if (ofs->upper_sb)
		sb_put(ofs->upper_sb);
	for (int i = 0; i < ofs->nlower; i++) {
		dentry_put(ofs->lower_root[i]);
		sb_put(ofs->lower_sb[i]);
	}
	free(ofs->lower_root);
	free(ofs->lower_sb);
	free(ofs->fsids);
	free(ofs->opts);
	free(ofs->origins);
	free(ofs);
	sb->priv = NULL;
}

static const struct super_ops ovl_sops = {
	.statfs = ovl_statfs,
	.evict_inode = ovl_evict,
	.show_options = ovl_show_options,
	.release = ovl_release,
};

/* Build the superblock over the layers; takes ownership of ofs (its
 * layer references) whatever happens. */
static int ovl_fill_super(struct ovl_fs *ofs, struct super_block **out)
{
	struct super_block *sb = sb_new(&ovl_type, &ovl_sops);
	struct dentry **lower = NULL, *root;
	struct inode *ri;
	struct ovl_inode *oi;

	if (!sb) {
		struct super_block tmp = { .priv = ofs };

		ovl_release(&tmp);
		return -ENOMEM;
	}
	sb->priv = ofs;
	ofs->samefs = true;
	ofs->fsids = calloc((size_t)ofs->nlower + 1, sizeof(*ofs->fsids));
	lower = calloc((size_t)ofs->nlower, sizeof(*lower));
	if (!ofs->fsids || !lower)
		goto nomem;
	for (int i = 0; i <= ofs->nlower; i++) {
		struct super_block *lsb = i < ofs->nlower ? ofs->lower_root[i]->sb
			: ofs->upper_root ? ofs->upper_root->sb : NULL;
		int j;

		if (!lsb)
			continue;
		for (j = 0; j < ofs->nfsids && ofs->fsids[j] != lsb; j++)
			;
		if (j == ofs->nfsids)
			ofs->fsids[ofs->nfsids++] = lsb;
	}
	ofs->samefs = ofs->nfsids == 1;
	for (int i = 0; i < ofs->nlower; i++) {
		lower[i] = ofs->lower_root[i];
		dentry_get(lower[i]);
	}
	if (ofs->upper_root)
		dentry_get(ofs->upper_root);
	else
		sb->flags |= SB_RDONLY;
	ri = ovl_inode_new(sb, ofs->upper_root, lower, ofs->nlower, false);
	free(lower);
	lower = NULL;
	if (!ri)
		goto nomem;
	oi = OI(ri);
	oi->root = true;
	ovl_copy_attr(oi);
	root = dentry_new_root(sb, ri);
	if (!root) {
		inode_put(ri);
		goto nomem;
	}
	*out = sb;
	return 0;
nomem:
	free(lower);
	sb_put(sb);
	return -ENOMEM;
}

int overlay_sb_new(struct super_block *lower, struct dentry *lower_root,
		   struct super_block *upper, struct super_block **out)
{
	struct ovl_fs *ofs = calloc(1, sizeof(*ofs));

	if (!ofs)
		return -ENOMEM;
	ofs->prefix = OVL_TRUSTED_PREFIX;
	/* Hard links of the host's files stay one inode after copy-up
	 * (git clone --local checks so). */
	ofs->index = true;
	ofs->nlower = 1;
	ofs->lower_sb = calloc(1, sizeof(*ofs->lower_sb));
	ofs->lower_root = calloc(1, sizeof(*ofs->lower_root));
	if (!ofs->lower_sb || !ofs->lower_root) {
		free(ofs->lower_sb);
		free(ofs->lower_root);
		free(ofs);
		return -ENOMEM;
	}
	sb_get(lower);
	ofs->lower_sb[0] = lower;
	dentry_get(lower_root);
	ofs->lower_root[0] = lower_root;
	if (upper) {
		sb_get(upper);
		ofs->upper_sb = upper;
		dentry_get(upper->root);
		ofs->upper_root = upper->root;
	}
	return ovl_fill_super(ofs, out);
}

/* ---------------------------------------------------------------- mount(2) */

/* Next option of a comma-separated list, backslash escapes kept for the
 * value parser (Linux lets "\," and "\:" appear in paths). */
static char *next_opt(char **s)
{
	char *start = *s, *p = start;

	if (!*start)
		return NULL;
	while (*p && *p != ',') {
		if (*p == '\\' && p[1])
			p++;
		p++;
	}
	if (*p)
		*p++ = 0;
	*s = p;
	return start;
}

/* Split at unescaped sep (0: no split) and remove the escapes in place. */
static char *next_path(char **s, char sep)
{
	char *start = *s, *r = start, *w = start;

	if (!start)
		return NULL;
	while (*r && *r != sep) {
		if (*r == '\\' && r[1])
			r++;
		*w++ = *r++;
	}
	*s = *r ? r + 1 : NULL;
	*w = 0;
	return start;
}

/* A layer directory: missing is ENOENT, not a directory EINVAL. */
static int resolve_dir(struct task *t, char *path, struct path *out)
{
	int r;

	if (!*path)
		return -EINVAL;
	r = vfs_lookup_at(t, AT_FDCWD, path, LOOKUP_FOLLOW, out);
	if (r == 0 && !S_ISDIR(out->dentry->inode->mode)) {
		path_put(out);
		r = -EINVAL;
	}
	return r;
}

static bool is_ancestor(struct dentry *a, struct dentry *b)
{
	for (struct dentry *d = b;; d = d->parent) {
		if (d == a)
			return true;
		if (d->parent == d)
			return false;
	}
}


static int ovl_mount(const struct fs_type *type, const char *source, unsigned long flags,
		     const char *data, struct super_block **out)
{
	struct task *t = task_current;
	char *opts = NULL, *s, *o, *lowerdir = NULL, *upperdir = NULL, *workdir = NULL;
	struct path *lp = NULL, up = { 0 }, wp = { 0 };
	struct ovl_fs *ofs = NULL;
	bool userxattr = false, index = false;
	int nl = 0, r;

	if (!t || !data)
		return -EINVAL;
	opts = strdup(data);
	if (!opts)
		return -ENOMEM;
	s = opts;
	while ((o = next_opt(&s))) {
		if (!strncmp(o, "lowerdir=", 9))
			lowerdir = o + 9;
		else if (!strncmp(o, "upperdir=", 9))
			upperdir = o + 9;
		else if (!strncmp(o, "workdir=", 8))
			workdir = o + 8;
		else if (!strcmp(o, "userxattr"))
			userxattr = true;
		else if (!strcmp(o, "index=on"))
			index = true;
		else if (!strcmp(o, "index=off"))
			index = false;
		/* The features we do not have, accepted only when off (their
		 * Linux default): what we do is what they turn off. */
		else if (!strcmp(o, "redirect_dir=off") || !strcmp(o, "redirect_dir=nofollow") ||
			 !strcmp(o, "xino=off") ||
			 !strcmp(o, "metacopy=off") || !strcmp(o, "nfs_export=off") ||
			 !strcmp(o, "uuid=off") || !strcmp(o, "uuid=null") || !*o)
			;
		else {
			r = -EINVAL;
			goto out;
		}
	}
	r = -EINVAL;
	if (!lowerdir || !*lowerdir || (upperdir && !workdir))
		goto out;
	lp = calloc(OVL_MAX_LOWER, sizeof(*lp));
	if (!lp) {
		r = -ENOMEM;
		goto out;
	}
	for (char *rest = lowerdir, *p; (p = next_path(&rest, ':'));) {
		if (nl == OVL_MAX_LOWER) {
			r = -EINVAL;
			goto out;
		}
		r = resolve_dir(t, p, &lp[nl]);
		if (r < 0)
			goto out;
		nl++;
	}
	if (upperdir) {
		char *rest = upperdir;

		r = resolve_dir(t, next_path(&rest, 0), &up);
		if (r < 0)
			goto out;
		rest = workdir;
		r = resolve_dir(t, next_path(&rest, 0), &wp);
		if (r < 0)
			goto out;
		r = -EINVAL;
		/* workdir beside upperdir, on the same mount, neither inside
		 * the other (overlayfs.rst "Upper and Lower"). */
		if (up.mnt != wp.mnt || is_ancestor(up.dentry, wp.dentry) ||
		    is_ancestor(wp.dentry, up.dentry))
			goto out;
		r = -EROFS;
		if (vfs_path_rdonly(&up))
			goto out;
	} else if (nl < 2) {
		/* Linux: a lower-only overlay needs two layers. */
		r = -EINVAL;
		goto out;
	}
	/* A lower layer below another layer's root (or the same directory
	 * twice): Linux's "overlapping layers". Only lower layers are
	 * checked upwards, as Linux does. */
	r = -ELOOP;
	for (int i = 0; i < nl; i++) {
		for (int j = 0; j < nl; j++)
			if (j != i && is_ancestor(lp[j].dentry, lp[i].dentry))
				goto out;
		if (upperdir && (is_ancestor(up.dentry, lp[i].dentry) ||
				 is_ancestor(wp.dentry, lp[i].dentry)))
			goto out;
	}
	r = -ENOMEM;
	ofs = calloc(1, sizeof(*ofs));
	if (!ofs)
		goto out;
	ofs->prefix = userxattr ? OVL_USER_PREFIX : OVL_TRUSTED_PREFIX;
	/* Linux turns the index off for a lower-only overlay. */
	ofs->index = index && upperdir;
	ofs->creator_uid = t->cred ? t->cred->fsuid : 0;
	ofs->creator_gid = t->cred ? t->cred->fsgid : 0;
	ofs->lower_sb = calloc((size_t)nl, sizeof(*ofs->lower_sb));
	ofs->lower_root = calloc((size_t)nl, sizeof(*ofs->lower_root));
	ofs->opts = strdup(data);
	if (!ofs->lower_sb || !ofs->lower_root || !ofs->opts) {
		free(ofs->lower_sb);
		free(ofs->lower_root);
		free(ofs->opts);
		free(ofs);
		goto out;
	}
	for (int i = 0; i < nl; i++) {
		ofs->lower_root[i] = lp[i].dentry;
		dentry_get(lp[i].dentry);
		ofs->lower_sb[i] = lp[i].dentry->sb;
		sb_get(ofs->lower_sb[i]);
		ofs->nlower++;
	}
	if (upperdir) {
		struct dentry *w;
		struct vfs_owner own = { ofs->creator_uid, ofs->creator_gid };

		ofs->upper_root = up.dentry;
		dentry_get(up.dentry);
		ofs->upper_sb = up.dentry->sb;
		sb_get(ofs->upper_sb);
		/* Linux keeps its scratch directory "work" (mode 0) there. */
		r = vfs_lookup_child(wp.dentry, "work", &w);
		if (r == -ENOENT)
			r = real_make(wp.dentry, "work", S_IFDIR, 0, NULL, &own, &w);
		if (r == 0)
			ofs->workdir = w;
	}
	r = ovl_fill_super(ofs, out);
out:
	for (int i = 0; lp && i < nl; i++)
		path_put(&lp[i]);
	free(lp);
	path_put(&up);
	path_put(&wp);
	free(opts);
	(void)type;
	(void)source;
	(void)flags;
	return r;
}

static const struct fs_type ovl_type = {
	.name = "overlay",
	.flags = FS_USERMOUNT | FS_NODEV,
	.mount = ovl_mount,
};

static void __attribute__((constructor)) ovl_register(void)
{
	vfs_register_fs(&ovl_type);
}
