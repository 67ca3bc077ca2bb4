/* The VFS objects: inodes, the dentry cache, superblocks, the filesystem
 * and character device registries, mounts and mount namespaces, d_path and
 * the generic directory file ops. Path walking and the operations the
 * syscalls call are in fs/namei.c. */
#define _GNU_SOURCE
#include "fs/vfs.h"
#include "fs/inotify.h"
#include "fs/lock.h"
#include "sentry/log.h"
#include "sentry/memobj.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/sysmacros.h>
#include <time.h>

/* ---------------------------------------------------- weak defaults */

/* fs/inotify.c provides the real one. */
__attribute__((weak)) void fsnotify(struct inode *inode, uint32_t mask, const char *name,
				    uint32_t cookie)
{
	(void)inode;
	(void)mask;
	(void)name;
	(void)cookie;
}

__attribute__((weak)) void fsnotify_sb_release(struct super_block *sb)
{
	(void)sb;
}

/* fs/lock.c provides the real ones; without it there are no locks to drop
 * and lock requests are refused as Linux does for a filesystem without
 * lock support. */
__attribute__((weak)) long lock_fcntl(struct task *t, struct file *f, int cmd, uint64_t arg)
{
	(void)t;
	(void)f;
	(void)cmd;
	(void)arg;
	return -ENOLCK;
}

__attribute__((weak)) long lock_flock(struct task *t, struct file *f, int op)
{
	(void)t;
	(void)f;
	(void)op;
	return -ENOLCK;
}

__attribute__((weak)) void lock_close_posix(struct task *t, struct file *f)
{
	(void)t;
	(void)f;
}

__attribute__((weak)) void lock_release_file(struct file *f)
{
	(void)f;
}

__attribute__((weak)) void lock_inode_free(struct inode *inode)
{
	(void)inode;
}

/* ------------------------------------------------------------ paths */

void path_get(const struct path *p)
{
	if (p->mnt)
		mount_get(p->mnt);
	if (p->dentry)
		dentry_get(p->dentry);
}

void path_put(struct path *p)
{
	if (p->dentry)
		dentry_put(p->dentry);
	if (p->mnt)
		mount_put(p->mnt);
	p->dentry = NULL;
	p->mnt = NULL;
}

bool path_equal(const struct path *a, const struct path *b)
{
	return a->mnt == b->mnt && a->dentry == b->dentry;
}

/* ----------------------------------------------------------- inodes */

static dev_t next_anon_dev = 0x40;

struct inode *inode_new(struct super_block *sb, const struct inode_ops *iops,
			const struct file_ops *fops, uint32_t mode, uint64_t ino)
{
	struct inode *i = calloc(1, sizeof(*i));

	if (!i)
		return NULL;
	i->refs = 1;
	i->iops = iops;
	i->fops = fops;
	i->sb = sb;
	i->ino = ino ? ino : (sb ? ++sb->next_ino : 0);
	i->mode = mode;
	i->nlink = 1;
	clock_gettime(CLOCK_REALTIME, &i->mtime);
	i->atime = i->ctime = i->mtime;
	return i;
}

void inode_get(struct inode *inode)
{
	inode->refs++;
}

void inode_put(struct inode *inode)
{
	if (!inode || --inode->refs)
		return;
	if (inode->sb && inode->sb->ops && inode->sb->ops->evict_inode)
		inode->sb->ops->evict_inode(inode);
	if (inode->locks)
		lock_inode_free(inode);
	if (inode->cache)
		memobj_put(inode->cache);
	free(inode);
}

void inode_touch(struct inode *inode, unsigned int which)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	if (which & ATTR_ATIME)
		inode->atime = now;
	if (which & ATTR_MTIME)
		inode->mtime = now;
	if (which & ATTR_CTIME)
		inode->ctime = now;
}

/* ------------------------------------------------------ dentry cache */

/* Unreferenced dentries stay cached (holding their inode and parent) on
 * an LRU list; past DCACHE_MAX the oldest are freed. */
#define DCACHE_MAX 8192

static struct dentry lru = { .lru_prev = &lru, .lru_next = &lru };
static int lru_count;
/* Set while dentry_put trims the LRU: freeing a dentry can drop the last
 * reference of others (an overlay inode's real dentries, a parent), which
 * then join the LRU instead of trimming it again from inside, so the
 * depth stays bounded however long the cascade. */
static bool lru_trimming;

static void lru_del(struct dentry *d)
{
	if (!d->lru_next)
		return;
	d->lru_prev->lru_next = d->lru_next;
	d->lru_next->lru_prev = d->lru_prev;
	d->lru_next = d->lru_prev = NULL;
	lru_count--;
}

static void lru_add(struct dentry *d)
{
	d->lru_prev = lru.lru_prev;
	d->lru_next = &lru;
	lru.lru_prev->lru_next = d;
	lru.lru_prev = d;
	lru_count++;
}

/* Cached names: a hash of (parent, name) with chained dentries, so a
 * lookup in a large directory does not scan its entries. */
#define DHASH_SIZE (1u << 14)
static struct dentry *dhash[DHASH_SIZE];

static unsigned int dhash_of(const struct dentry *parent, const char *name)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)(uintptr_t)parent;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 1099511628211ULL;
	h ^= h >> 29;
	return (unsigned int)(h & (DHASH_SIZE - 1));
}

static void d_hash_add(struct dentry *d)
{
	struct dentry **head = &dhash[dhash_of(d->parent, d->name)];

	d->hash_next = *head;
	if (*head)
		(*head)->hash_pprev = &d->hash_next;
	*head = d;
	d->hash_pprev = head;
}

/* Forget d's name: lookups no longer find it. */
static void d_unhash(struct dentry *d)
{
	if (d->hash_pprev) {
		*d->hash_pprev = d->hash_next;
		if (d->hash_next)
			d->hash_next->hash_pprev = d->hash_pprev;
		d->hash_next = NULL;
		d->hash_pprev = NULL;
	}
	if (d->parent != d)
		d->flags |= D_NOCACHE;
}

static void d_free(struct dentry *d)
{
	struct dentry *parent = d->parent;

	d_unhash(d);
	inode_put(d->inode);
	free(d->name);
	free(d);
	if (parent != d)
		dentry_put(parent);
}

void dentry_get(struct dentry *d)
{
	if (d->refs++ == 0)
		lru_del(d);
}

void dentry_put(struct dentry *d)
{
	if (!d || --d->refs)
		return;
	if ((d->flags & (D_NOCACHE | D_DELETED)) || d->parent == d) {
		if (d->parent == d && d->sb && d->sb->root == d)
			d->sb->root = NULL;
		d_free(d);
		return;
	}
	lru_add(d);
	if (lru_trimming)
		return;   /* freeing one may release others: the outer loop trims */
	lru_trimming = true;
	while (lru_count > DCACHE_MAX) {
		struct dentry *old = lru.lru_next;

		lru_del(old);
		d_free(old);
	}
	lru_trimming = false;
}

void dentry_invalidate(struct dentry *d)
{
	if (d->parent == d || (d->flags & D_NOCACHE))
		return;
	d_unhash(d);
	if (d->refs == 0) {
		lru_del(d);
		d_free(d);
	}
}

static struct dentry *d_alloc(struct dentry *parent, const char *name, size_t len,
			      struct inode *inode)
{
	struct dentry *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->name = strndup(name, len);
	if (!d->name) {
		free(d);
		return NULL;
	}
	d->refs = 1;
	d->inode = inode;
	if (parent) {
		d->parent = parent;
		dentry_get(parent);
		d->sb = parent->sb;
		d_hash_add(d);
	} else {
		d->parent = d;
	}
	return d;
}

struct dentry *dentry_new_root(struct super_block *sb, struct inode *inode)
{
	struct dentry *d = d_alloc(NULL, "/", 1, inode);

	if (!d)
		return NULL;
	d->sb = sb;
	if (!sb->root)
		sb->root = d;
	return d;
}

int sb_set_root(struct super_block *sb, struct inode *root, struct super_block **out)
{
	if (root && dentry_new_root(sb, root)) {
		*out = sb;
		return 0;
	}
	if (root)
		inode_put(root);
	sb_put(sb);
	return -ENOMEM;
}

/* The cached child of parent called name, with a new reference. */
struct dentry *vfs_d_lookup_cached(struct dentry *parent, const char *name)
{
	for (struct dentry *d = dhash[dhash_of(parent, name)]; d; d = d->hash_next) {
		if (d->parent != parent || strcmp(d->name, name))
			continue;
		if (d->sb->ops && d->sb->ops->revalidate && d->sb->ops->revalidate(d) == 0) {
			dentry_invalidate(d);
			return NULL;
		}
		dentry_get(d);
		return d;
	}
	return NULL;
}

/* A new cached child dentry for inode (takes the inode reference). */
struct dentry *vfs_d_add(struct dentry *parent, const char *name, struct inode *inode)
{
	struct dentry *d = d_alloc(parent, name, strlen(name), inode);

	if (!d)
		inode_put(inode);
	return d;
}

/* A rename moved d to newparent/newname. */
int vfs_d_move(struct dentry *d, struct dentry *newparent, const char *newname)
{
	char *n = strdup(newname);
	struct dentry *old = d->parent;

	if (!n)
		return -ENOMEM;
	d_unhash(d);
	d->flags &= ~D_NOCACHE;
	free(d->name);
	d->name = n;
	dentry_get(newparent);
	d->parent = newparent;
	d_hash_add(d);
	dentry_put(old);
	return 0;
}

/* The entry was removed: open files keep it, lookups no longer see it. */
void vfs_d_delete(struct dentry *d)
{
	d_unhash(d);
	d->flags |= D_DELETED;
}

/* ------------------------------------------------------ superblocks */

struct super_block *sb_new(const struct fs_type *type, const struct super_ops *ops)
{
	struct super_block *sb = calloc(1, sizeof(*sb));

	if (!sb)
		return NULL;
	sb->refs = 1;
	sb->type = type;
	sb->ops = ops;
	sb->dev = makedev(0, next_anon_dev++);
	return sb;
}

void sb_get(struct super_block *sb)
{
	sb->refs++;
}

/* Free every unreferenced cached dentry of sb (children before parents). */
static void sb_prune_dentries(struct super_block *sb)
{
	bool again = true;

	while (again) {
		again = false;
		/* Freeing a child may put its parent on the tail of the
		 * list (never evicts: the list just shrank), so the saved next
		 * stays valid; passes repeat until nothing of sb is left. */
		for (struct dentry *d = lru.lru_next, *n; d != &lru; d = n) {
			n = d->lru_next;
			if (d->sb != sb)
				continue;
			lru_del(d);
			d_free(d);
			again = true;
		}
	}
}

void sb_put(struct super_block *sb)
{
	if (!sb || --sb->refs)
		return;
	fsnotify_sb_release(sb);
	sb_prune_dentries(sb);
	if (sb->root) {
		struct dentry *r = sb->root;

		sb->root = NULL;
		dentry_put(r);
	}
	if (sb->ops && sb->ops->release)
		sb->ops->release(sb);
	free(sb);
}

/* ------------------------------------------------------- registries */

#define MAX_FS_TYPES 32
static const struct fs_type *fs_types[MAX_FS_TYPES];
static int nfs_types;

void vfs_register_fs(const struct fs_type *type)
{
	if (nfs_types < MAX_FS_TYPES && !vfs_find_fs(type->name))
		fs_types[nfs_types++] = type;
}

const struct fs_type *vfs_find_fs(const char *name)
{
	for (int i = 0; i < nfs_types; i++)
		if (!strcmp(fs_types[i]->name, name))
			return fs_types[i];
	return NULL;
}

/* /proc/filesystems. */
int vfs_list_fs(char *buf, size_t n)
{
	size_t len = 0;

	for (int i = 0; i < nfs_types && len < n; i++) {
		int w = snprintf(buf + len, n - len, "%s\t%s\n",
				 fs_types[i]->flags & FS_NODEV ? "nodev" : "", fs_types[i]->name);
		if (w < 0)
			break;
		len += (size_t)w;
	}
	return (int)(len < n ? len : n);
}

#define MAX_CHRDEVS 64
static const struct chrdev *chrdevs[MAX_CHRDEVS];
static int nchrdevs;

void vfs_register_chrdev(const struct chrdev *d)
{
	if (nchrdevs < MAX_CHRDEVS)
		chrdevs[nchrdevs++] = d;
}

const struct chrdev *vfs_find_chrdev(dev_t rdev)
{
	unsigned int ma = major(rdev), mi = minor(rdev);

	for (int i = nchrdevs - 1; i >= 0; i--)
		if (chrdevs[i]->major == ma && mi >= chrdevs[i]->minor_first &&
		    mi <= chrdevs[i]->minor_last)
			return chrdevs[i];
	return NULL;
}

void vfs_init(void)
{
	/* Filesystems register from their constructors. */
}

/* ----------------------------------------------------------- mounts */

struct mnt_ns *init_mnt_ns;
static int next_mnt_id = 1;

void mount_get(struct mount *m)
{
	m->refs++;
}

void mount_put(struct mount *m)
{
	if (!m || --m->refs)
		return;
	if (m->parent != m) {
		if (m->ns)
			m->mountpoint->mounted--;
		dentry_put(m->mountpoint);
		mount_put(m->parent);
	}
	dentry_put(m->root);
	sb_put(m->sb);
	free(m->source);
	free(m);
}

static struct mount *mnt_alloc(struct super_block *sb, struct dentry *root, unsigned long flags,
			       const char *source)
{
	struct mount *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->source = strdup(source ? source : "none");
	if (!m->source) {
		free(m);
		return NULL;
	}
	m->refs = 1;
	m->id = next_mnt_id++;
	m->sb = sb;
	sb_get(sb);
	m->root = root;
	dentry_get(root);
	m->flags = flags;
	m->parent = m;
	return m;
}

static void ns_append(struct mnt_ns *ns, struct mount *m)
{
	struct mount **pp = &ns->mounts;

	while (*pp)
		pp = &(*pp)->next;
	m->next = NULL;
	*pp = m;
	m->ns = ns;
}

static void mnt_attach(struct mount *m, struct mount *parent, struct dentry *mp)
{
	m->parent = parent;
	mount_get(parent);
	m->mountpoint = mp;
	dentry_get(mp);
	mp->mounted++;
}

int vfs_mount(struct mnt_ns *ns, const struct path *where, struct super_block *sb,
	      struct dentry *root, unsigned long flags, const char *source, struct mount **out)
{
	struct mount *m = mnt_alloc(sb, root, flags, source);

	if (!m)
		return -ENOMEM;
	if (where) {
		mnt_attach(m, where->mnt, where->dentry);
	} else {
		if (ns->root)
			mount_put(ns->root);
		ns->root = m;
		mount_get(m);
	}
	ns_append(ns, m);
	if (out)
		*out = m;
	return 0;
}

/* The topmost mount on (mnt, d) in mnt's namespace, or NULL. */
struct mount *vfs_mount_at(struct mount *mnt, struct dentry *d)
{
	struct mount *found = NULL;

	if (!d->mounted || !mnt->ns)
		return NULL;
	for (struct mount *m = mnt->ns->mounts; m; m = m->next)
		if (m->parent == mnt && m->mountpoint == d && m != mnt)
			found = m;
	return found;
}

/* Take m out of its namespace (the namespace's reference is dropped). */
void vfs_mnt_detach(struct mount *m)
{
	struct mnt_ns *ns = m->ns;

	if (!ns)
		return;
	for (struct mount **pp = &ns->mounts; *pp; pp = &(*pp)->next) {
		if (*pp == m) {
			*pp = m->next;
			break;
		}
	}
	m->next = NULL;
	if (m->parent != m)
		m->mountpoint->mounted--;
	m->ns = NULL;
	mount_put(m);
}

struct mnt_ns *mnt_ns_new(void)
{
	struct mnt_ns *ns = calloc(1, sizeof(*ns));

	if (ns)
		ns->refs = 1;
	return ns;
}

void mnt_ns_get(struct mnt_ns *ns)
{
	ns->refs++;
}

void mnt_ns_put(struct mnt_ns *ns)
{
	if (!ns || --ns->refs)
		return;
	/* Detach in reverse mount order so children go before parents. */
	while (ns->mounts) {
		struct mount *last = ns->mounts;

		while (last->next)
			last = last->next;
		vfs_mnt_detach(last);
	}
	if (ns->root)
		mount_put(ns->root);
	free(ns);
}

static struct mount *map_mount(struct mount **from, struct mount **to, int n, struct mount *m)
{
	for (int i = 0; i < n; i++)
		if (from[i] == m)
			return to[i];
	return NULL;
}

static void remap_path(struct mount **from, struct mount **to, int n, struct path *p)
{
	struct mount *nm = p->mnt ? map_mount(from, to, n, p->mnt) : NULL;

	if (nm) {
		mount_get(nm);
		mount_put(p->mnt);
		p->mnt = nm;
	}
}

struct mnt_ns *mnt_ns_copy(struct mnt_ns *ns, struct fs_ctx *fs)
{
	struct mnt_ns *nns = mnt_ns_new();
	struct mount **from = NULL, **to = NULL;
	int n = 0, i = 0;

	if (!nns)
		return NULL;
	for (struct mount *m = ns->mounts; m; m = m->next)
		n++;
	from = calloc((size_t)n + 1, sizeof(*from));
	to = calloc((size_t)n + 1, sizeof(*to));
	if (!from || !to)
		goto fail;
	for (struct mount *m = ns->mounts; m; m = m->next, i++) {
		struct mount *c = mnt_alloc(m->sb, m->root, m->flags, m->source);

		if (!c)
			goto fail;
		from[i] = m;
		to[i] = c;
		if (m->parent != m) {
			struct mount *p = map_mount(from, to, i, m->parent);

			if (p)
				mnt_attach(c, p, m->mountpoint);
		}
		ns_append(nns, c);
		if (m == ns->root) {
			nns->root = c;
			mount_get(c);
		}
	}
	if (fs) {
		remap_path(from, to, n, &fs->root);
		remap_path(from, to, n, &fs->cwd);
	}
	free(from);
	free(to);
	return nns;
fail:
	free(from);
	free(to);
	mnt_ns_put(nns);
	return NULL;
}

struct mnt_ns *task_mnt_ns(struct task *t)
{
	return t->fs && t->fs->ns ? t->fs->ns : init_mnt_ns;
}

bool vfs_path_rdonly(const struct path *p)
{
	return (p->mnt->flags & MS_RDONLY) || (p->mnt->sb->flags & SB_RDONLY);
}

/* ------------------------------------------------------ cwd and root */

int vfs_chdir(struct task *t, const struct path *p)
{
	struct path old = t->fs->cwd;

	path_get(p);
	t->fs->cwd = *p;
	path_put(&old);
	return 0;
}

int vfs_chroot(struct task *t, const struct path *p)
{
	struct path old = t->fs->root;

	path_get(p);
	t->fs->root = *p;
	path_put(&old);
	return 0;
}

/* ------------------------------------------------------------ d_path */

long vfs_d_path(struct task *t, const struct path *p, char *buf, size_t n, bool deleted_mark)
{
	const struct path *root = t && t->fs ? &t->fs->root : NULL;
	struct mount *mnt = p->mnt;
	struct dentry *d = p->dentry;
	size_t pos, len;
	char *tmp;

	if (n < 2)
		return -ENAMETOOLONG;
	tmp = malloc(n);
	if (!tmp)
		return -ENOMEM;
	pos = n - 1;
	tmp[pos] = 0;
	for (;;) {
		size_t nl;

		if (root && mnt == root->mnt && d == root->dentry)
			break;
		if (d == mnt->root || d->parent == d) {
			if (mnt->parent == mnt || d != mnt->root)
				break;
			d = mnt->mountpoint;
			mnt = mnt->parent;
			continue;
		}
		nl = strlen(d->name);
		if (pos < nl + 1)
			goto toolong;
		pos -= nl;
		memcpy(tmp + pos, d->name, nl);
		tmp[--pos] = '/';
		d = d->parent;
	}
	if (pos == n - 1)
		tmp[--pos] = '/';
	len = n - 1 - pos;
	if (deleted_mark && (p->dentry->flags & D_DELETED)) {
		if (len + 10 >= n)
			goto toolong;
		memcpy(buf, tmp + pos, len);
		memcpy(buf + len, " (deleted)", 11);
		len += 10;
	} else {
		memcpy(buf, tmp + pos, len + 1);
	}
	free(tmp);
	return (long)len;
toolong:
	free(tmp);
	return -ENAMETOOLONG;
}

/* Is p reachable from the task's root (getcwd's "(unreachable)")? */
bool vfs_path_reachable(struct task *t, const struct path *p)
{
	const struct path *root = &t->fs->root;
	struct mount *mnt = p->mnt;
	struct dentry *d = p->dentry;

	for (;;) {
		if (mnt == root->mnt && d == root->dentry)
			return true;
		if (d == mnt->root) {
			if (mnt->parent == mnt)
				return false;
			d = mnt->mountpoint;
			mnt = mnt->parent;
			continue;
		}
		if (d->parent == d)
			return false;
		d = d->parent;
	}
}

/* ------------------------------------------------------- VFS files */

struct inode *file_inode(struct file *f)
{
	return f && f->dentry ? f->dentry->inode : NULL;
}

const struct path *file_path(struct file *f)
{
	static __thread struct path p;

	if (!f || !f->dentry)
		return NULL;
	p.mnt = f->mnt;
	p.dentry = f->dentry;
	return &p;
}

void vfs_file_closed(struct file *f)
{
	if (f->flags & O_PATH)
		return;
	fsnotify_dentry(f->dentry, (f->flags & O_ACCMODE) == O_RDONLY ? 0x10 /* IN_CLOSE_NOWRITE */
									: 0x08 /* IN_CLOSE_WRITE */);
}

/* ------------------------------------------------ directory file ops */

struct dirent_buf {
	struct dir_ctx ctx;
	char *buf;
	size_t n, used;
	size_t last;          /* offset of the last record, or SIZE_MAX */
	bool old;             /* struct linux_dirent (getdents(2)) */
	long err;
};

struct linux_dirent64_k {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
};

struct linux_dirent_k {
	unsigned long d_ino;
	unsigned long d_off;
	unsigned short d_reclen;
	char d_name[];
};

static void patch_last_off(struct dirent_buf *b)
{
	int64_t off = b->ctx.pos;

	if (b->last == SIZE_MAX)
		return;
	if (b->old)
		memcpy(b->buf + b->last + offsetof(struct linux_dirent_k, d_off), &off, 8);
	else
		memcpy(b->buf + b->last + offsetof(struct linux_dirent64_k, d_off), &off, 8);
}

static bool dir_emit(struct dir_ctx *ctx, const char *name, size_t namelen, uint64_t ino,
		     unsigned int dtype)
{
	struct dirent_buf *b = (struct dirent_buf *)ctx;
	size_t reclen;

	patch_last_off(b);
	if (b->old)
		reclen = (offsetof(struct linux_dirent_k, d_name) + namelen + 2 + 7) & ~(size_t)7;
	else
		reclen = (offsetof(struct linux_dirent64_k, d_name) + namelen + 1 + 7) & ~(size_t)7;
	if (b->used + reclen > b->n) {
		if (b->used == 0)
			b->err = -EINVAL;
		return false;
	}
	memset(b->buf + b->used, 0, reclen);
	if (b->old) {
		struct linux_dirent_k *d = (void *)(b->buf + b->used);

		d->d_ino = ino;
		d->d_reclen = (unsigned short)reclen;
		memcpy(d->d_name, name, namelen);
		b->buf[b->used + reclen - 1] = (char)dtype;
	} else {
		struct linux_dirent64_k *d = (void *)(b->buf + b->used);

		d->d_ino = ino;
		d->d_reclen = (uint16_t)reclen;
		d->d_type = (uint8_t)dtype;
		memcpy(d->d_name, name, namelen);
	}
	b->last = b->used;
	b->used += reclen;
	return true;
}

static long dir_read(struct task *t, struct file *f, void *buf, size_t n, bool old)
{
	struct dirent_buf b = { .ctx = { .emit = dir_emit, .pos = f->pos }, .buf = buf, .n = n,
				.last = SIZE_MAX, .old = old };
	int (*iterate)(struct file *, struct dir_ctx *) = f->ops->iterate;
	struct inode *inode = file_inode(f);
	int r;

	(void)t;
	if (!iterate && inode && inode->fops)
		iterate = inode->fops->iterate;
	if (!iterate)
		return -ENOTDIR;
	if (inode && !S_ISDIR(inode->mode))
		return -ENOTDIR;
	r = iterate(f, &b.ctx);
	patch_last_off(&b);
	f->pos = b.ctx.pos;
	if (r < 0)
		return r;
	if (b.err && !b.used)
		return b.err;
	if (inode)
		fsnotify_dentry(f->dentry, 0x01 /* IN_ACCESS */);
	return (long)b.used;
}

long vfs_dir_getdents(struct task *t, struct file *f, void *buf, size_t n)
{
	return dir_read(t, f, buf, n, false);
}

long vfs_dir_getdents_old(struct task *t, struct file *f, void *buf, size_t n)
{
	return dir_read(t, f, buf, n, true);
}

int64_t vfs_dir_llseek(struct file *f, int64_t off, int whence)
{
	int64_t np;

	switch (whence) {
	case SEEK_SET:
		np = off;
		break;
	case SEEK_CUR:
		np = f->pos + off;
		break;
	default:
		return -EINVAL;
	}
	if (np < 0)
		return -EINVAL;
	f->pos = np;
	return np;
}

const struct file_ops vfs_dir_file_ops = {
	.getdents = vfs_dir_getdents,
	.llseek = vfs_dir_llseek,
};
