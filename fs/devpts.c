/* devpts: the "devpts" filesystem of pseudo-terminal slaves. Every mount
 * is its own instance (Linux's newinstance behaviour, the only one since
 * 4.7): its ptmx node opens a new pair, whose slave appears as pts/N
 * while the master is open. The pairs themselves are fs/tty.c's. */
#define _GNU_SOURCE
#include "fs/tty.h"
#include "fs/vfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <time.h>

#define DEVPTS_MAGIC 0x1cd1
#define PTMX_MAJOR 5
#define PTMX_MINOR 2
#define PTS_MAJOR 136
/* Linux's kernel.pty.max default. */
#define DEVPTS_MAX 4096

/* sb->priv: the mount options and the live pairs by index. */
struct devpts_sb {
	uint32_t mode;          /* of slaves: mode= (default 0600) */
	uint32_t ptmxmode;      /* ptmxmode= (default 0) */
	bool setuid, setgid;
	uint32_t uid, gid;
	int max;
	struct inode *ptmx;
	struct pty **ptys;      /* [max], NULL when free */
	struct inode **nodes;   /* the pts/N inodes of live pairs */
};

/* The owner of a pair: which instance, and the mount its master was
 * opened through (for TIOCGPTPEER). */
struct devpts_pair {
	struct super_block *sb;
	struct mount *mnt;
};

static const struct fs_type devpts_type;
static const struct inode_ops devpts_dir_iops, devpts_node_iops;
static const struct file_ops devpts_dir_fops;

static struct devpts_sb *DSB(struct super_block *sb)
{
	return sb->priv;
}

static void stamp(struct inode *i)
{
	clock_gettime(CLOCK_REALTIME, &i->mtime);
	i->atime = i->ctime = i->mtime;
}

static int devpts_lookup(struct inode *dir, const char *name, struct inode **out)
{
	struct devpts_sb *ds = DSB(dir->sb);
	long n = 0;

	if (!strcmp(name, "ptmx")) {
		inode_get(ds->ptmx);
		*out = ds->ptmx;
		return 0;
	}
	/* A decimal number without leading zeros. */
	if (!name[0] || (name[0] == '0' && name[1]))
		return -ENOENT;
	for (const char *p = name; *p; p++) {
		if (*p < '0' || *p > '9')
			return -ENOENT;
		n = n * 10 + (*p - '0');
		if (n >= ds->max)
			return -ENOENT;
	}
	if (!ds->nodes[n])
		return -ENOENT;
	inode_get(ds->nodes[n]);
	*out = ds->nodes[n];
	return 0;
}

/* Cookies: 0 ".", 1 "..", 2 "ptmx", 3 + N for pts/N. */
static int devpts_iterate(struct file *f, struct dir_ctx *ctx)
{
	struct inode *dir = file_inode(f);
	struct devpts_sb *ds = DSB(dir->sb);

	if (ctx->pos == 0) {
		if (!ctx->emit(ctx, ".", 1, dir->ino, 4))
			return 0;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		if (!ctx->emit(ctx, "..", 2, dir->ino, 4))
			return 0;
		ctx->pos = 2;
	}
	if (ctx->pos == 2) {
		if (!ctx->emit(ctx, "ptmx", 4, ds->ptmx->ino, 2))
			return 0;
		ctx->pos = 3;
	}
	for (; ctx->pos < 3 + ds->max; ctx->pos++) {
		int n = (int)(ctx->pos - 3);
		char name[16];
		int len;

		if (!ds->nodes[n])
			continue;
		len = snprintf(name, sizeof(name), "%d", n);
		if (!ctx->emit(ctx, name, (size_t)len, ds->nodes[n]->ino, 2))
			return 0;
	}
	return 0;
}

/* chmod/chown/utimes on the nodes and the root, as Linux allows. */
static int devpts_setattr(struct inode *inode, const struct iattr *a)
{
	if (a->valid & ATTR_SIZE)
		return -EINVAL;
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
	else
		clock_gettime(CLOCK_REALTIME, &inode->ctime);
	return 0;
}

static const struct inode_ops devpts_dir_iops = {
	.lookup = devpts_lookup,
	.setattr = devpts_setattr,
};

static const struct inode_ops devpts_node_iops = {
	.setattr = devpts_setattr,
};

static int dir_fstat(struct file *f, struct stat *st)
{
	vfs_fill_stat(file_inode(f), st);
	return 0;
}

static const struct file_ops devpts_dir_fops = {
	.getdents = vfs_dir_getdents,
	.llseek = vfs_dir_llseek,
	.fstat = dir_fstat,
	.iterate = devpts_iterate,
};

/* ---- pairs ---- */

static void pair_release(struct pty *p, void *owner)
{
	struct devpts_pair *dp = owner;
	struct devpts_sb *ds = DSB(dp->sb);
	int n = pty_index(p);
	struct inode *node = ds->nodes[n];
	char name[16];
	struct dentry *d;

	snprintf(name, sizeof(name), "%d", n);
	d = vfs_d_lookup_cached(dp->sb->root, name);
	if (d) {
		vfs_d_delete(d);
		dentry_put(d);
	}
	ds->nodes[n] = NULL;
	ds->ptys[n] = NULL;
	if (node) {
		node->nlink = 0;
		inode_put(node);
	}
	mount_put(dp->mnt);
	sb_put(dp->sb);
	free(dp);
}

static int pair_open_peer(struct task *t, struct pty *p, void *owner, int flags)
{
	struct devpts_pair *dp = owner;
	struct dentry *d;
	struct path path;
	struct file *f;
	char name[16];
	int err, fd;

	snprintf(name, sizeof(name), "%d", pty_index(p));
	err = vfs_lookup_child(dp->sb->root, name, &d);
	if (err < 0)
		return err;
	path.mnt = dp->mnt;
	path.dentry = d;
	f = vfs_open_path_internal(t, &path, (flags & ~O_CLOEXEC), &err);
	dentry_put(d);
	if (!f)
		return err;
	fd = fd_alloc(t->files, f, 0, flags & O_CLOEXEC,
		      (int)t->tg->rlim[RLIMIT_NOFILE].rlim_cur);
	file_put(f);
	return fd;
}

static const struct pty_owner_ops pair_ops = {
	.release = pair_release,
	.open_peer = pair_open_peer,
};

/* The devpts instance a ptmx node opens into: its own when the node is
 * pts/ptmx, else the one mounted on "pts" beside it (/dev/ptmx). */
static int find_instance(struct file *f, struct inode *inode, struct mount **mnt,
			 struct super_block **sb)
{
	struct dentry *d;
	struct mount *m;

	if (inode->sb->type == &devpts_type) {
		*sb = inode->sb;
		*mnt = f->mnt;
		mount_get(*mnt);
		return 0;
	}
	if (!f->dentry || !f->mnt)
		return -ENODEV;
	if (vfs_lookup_child(f->dentry->parent, "pts", &d) < 0)
		return -ENODEV;
	m = vfs_mount_at(f->mnt, d);
	dentry_put(d);
	if (!m || m->sb->type != &devpts_type)
		return -ENODEV;
	*sb = m->sb;
	*mnt = m;
	mount_get(m);
	return 0;
}

static int ptmx_open(struct task *t, struct inode *inode, struct file *f)
{
	struct devpts_pair *dp = NULL;
	struct devpts_sb *ds;
	struct super_block *sb;
	struct mount *mnt;
	struct inode *node;
	struct pty *p;
	int n, r;

	r = find_instance(f, inode, &mnt, &sb);
	if (r < 0)
		return r;
	ds = DSB(sb);
	for (n = 0; n < ds->max && ds->ptys[n]; n++)
		;
	if (n == ds->max) {
		mount_put(mnt);
		return -ENOSPC;
	}
	dp = calloc(1, sizeof(*dp));
	node = inode_new(sb, &devpts_node_iops, NULL, S_IFCHR | ds->mode, (uint64_t)n + 3);
	if (!dp || !node) {
		free(dp);
		if (node)
			inode_put(node);
		mount_put(mnt);
		return -ENOMEM;
	}
	node->rdev = makedev(PTS_MAJOR, (unsigned int)n);
	node->uid = ds->setuid ? ds->uid : t->cred->fsuid;
	node->gid = ds->setgid ? ds->gid : t->cred->fsgid;
	node->nlink = 1;
	stamp(node);
	dp->sb = sb;
	sb_get(sb);
	dp->mnt = mnt;
	p = pty_new(n, &pair_ops, dp);
	if (!p) {
		inode_put(node);
		sb_put(sb);
		mount_put(mnt);
		free(dp);
		return -ENOMEM;
	}
	pty_get(p);             /* the node's */
	node->priv = p;
	ds->ptys[n] = p;
	ds->nodes[n] = node;
	stamp(sb->root->inode);
	return pty_open_master(t, p, f);
}

/* pts/N: only the devpts node reaches its pair (a mknod'd 136:N
 * elsewhere has no instance, as on Linux). */
static int pts_open(struct task *t, struct inode *inode, struct file *f)
{
	struct pty *p;

	if (inode->sb->type != &devpts_type || !S_ISCHR(inode->mode) || !inode->priv)
		return -ENXIO;
	p = inode->priv;
	if (!pty_alive(p))
		return -EIO;
	return pty_open_slave(t, p, f);
}

static const struct chrdev ptmx_dev = {
	.major = PTMX_MAJOR, .minor_first = PTMX_MINOR, .minor_last = PTMX_MINOR,
	.open = ptmx_open,
};

static const struct chrdev pts_dev = {
	.major = PTS_MAJOR, .minor_first = 0, .minor_last = DEVPTS_MAX - 1,
	.open = pts_open,
};

/* ---- superblocks ---- */

static int devpts_statfs(struct super_block *sb, struct statfs *st)
{
	memset(st, 0, sizeof(*st));
	st->f_type = DEVPTS_MAGIC;
	st->f_bsize = 4096;
	st->f_namelen = 255;
	st->f_frsize = 4096;
	return 0;
}

static void devpts_evict(struct inode *inode)
{
	if (S_ISCHR(inode->mode) && inode->priv && inode != DSB(inode->sb)->ptmx)
		pty_put(inode->priv);
	inode->priv = NULL;
}

static int devpts_show_options(struct super_block *sb, char *buf, size_t n)
{
	struct devpts_sb *ds = DSB(sb);
	int len = 0, w;

	buf[0] = 0;
	if (ds->setuid && (w = snprintf(buf + len, n - (size_t)len, ",uid=%u", ds->uid)) > 0)
		len += w;
	if (ds->setgid && (size_t)len < n &&
	    (w = snprintf(buf + len, n - (size_t)len, ",gid=%u", ds->gid)) > 0)
		len += w;
	if ((size_t)len < n)
		snprintf(buf + len, n - (size_t)len, ",mode=%03o,ptmxmode=%03o", ds->mode,
			 ds->ptmxmode);
	/* Drop the leading comma. */
	if (buf[0] == ',')
		memmove(buf, buf + 1, strlen(buf));
	return 0;
}

static void devpts_release(struct super_block *sb)
{
	struct devpts_sb *ds = DSB(sb);

	if (!ds)
		return;
	if (ds->ptmx)
		inode_put(ds->ptmx);
	free(ds->ptys);
	free(ds->nodes);
	free(ds);
	sb->priv = NULL;
}

static const struct super_ops devpts_sops = {
	.statfs = devpts_statfs,
	.evict_inode = devpts_evict,
	.show_options = devpts_show_options,
	.release = devpts_release,
};

static int parse_num(const char *v, int base, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long x;

	if (!*v || *v == '-')
		return -EINVAL;
	errno = 0;
	x = strtoull(v, &end, base);
	if (errno || *end || x > max)
		return -EINVAL;
	*out = x;
	return 0;
}

/* Options as Linux's devpts: uid=, gid=, mode=, ptmxmode=, max=,
 * newinstance; anything else is EINVAL. */
static int parse_options(struct devpts_sb *ds, const char *data)
{
	char *copy, *opt, *save = NULL;
	int r = 0;

	if (!data || !*data)
		return 0;
	copy = strdup(data);
	if (!copy)
		return -ENOMEM;
	for (opt = strtok_r(copy, ",", &save); opt && !r; opt = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(opt, '=');
		const char *v = eq ? eq + 1 : NULL;
		uint64_t x;

		if (eq)
			*eq = 0;
		if (!strcmp(opt, "newinstance") && !v)
			continue;
		if (!v) {
			r = -EINVAL;
		} else if (!strcmp(opt, "uid")) {
			r = parse_num(v, 10, UINT32_MAX - 1, &x);
			ds->setuid = true;
			ds->uid = (uint32_t)x;
		} else if (!strcmp(opt, "gid")) {
			r = parse_num(v, 10, UINT32_MAX - 1, &x);
			ds->setgid = true;
			ds->gid = (uint32_t)x;
		} else if (!strcmp(opt, "mode")) {
			r = parse_num(v, 8, 07777, &x);
			ds->mode = (uint32_t)x & 0777;
		} else if (!strcmp(opt, "ptmxmode")) {
			r = parse_num(v, 8, 07777, &x);
			ds->ptmxmode = (uint32_t)x & 0777;
		} else if (!strcmp(opt, "max")) {
			r = parse_num(v, 10, UINT32_MAX, &x);
			ds->max = x < DEVPTS_MAX ? (int)x : DEVPTS_MAX;
		} else {
			r = -EINVAL;
		}
	}
	free(copy);
	return r;
}

static int devpts_mount(const struct fs_type *type, const char *source, unsigned long flags,
			const char *data, struct super_block **out)
{
	struct devpts_sb *ds = calloc(1, sizeof(*ds));
	struct super_block *sb;
	struct inode *root;
	int r;

	if (!ds)
		return -ENOMEM;
	ds->mode = 0600;
	ds->max = DEVPTS_MAX;
	r = parse_options(ds, data);
	if (r < 0) {
		free(ds);
		return r;
	}
	ds->ptys = calloc((size_t)ds->max + 1, sizeof(*ds->ptys));
	ds->nodes = calloc((size_t)ds->max + 1, sizeof(*ds->nodes));
	sb = sb_new(type, &devpts_sops);
	if (!sb || !ds->ptys || !ds->nodes) {
		free(ds->ptys);
		free(ds->nodes);
		free(ds);
		if (sb)
			sb_put(sb);
		return -ENOMEM;
	}
	sb->priv = ds;
	root = inode_new(sb, &devpts_dir_iops, &devpts_dir_fops, S_IFDIR | 0755, 1);
	ds->ptmx = inode_new(sb, &devpts_node_iops, NULL, S_IFCHR | ds->ptmxmode, 2);
	if (!root || !ds->ptmx) {
		if (root)
			inode_put(root);
		sb_put(sb);
		return -ENOMEM;
	}
	root->nlink = 2;
	stamp(root);
	ds->ptmx->rdev = makedev(PTMX_MAJOR, PTMX_MINOR);
	ds->ptmx->nlink = 1;
	if (ds->setuid)
		ds->ptmx->uid = ds->uid;
	if (ds->setgid)
		ds->ptmx->gid = ds->gid;
	stamp(ds->ptmx);
	return sb_set_root(sb, root, out);
}

static const struct fs_type devpts_type = {
	.name = "devpts",
	.flags = FS_USERMOUNT | FS_NODEV,
	.mount = devpts_mount,
};

static void __attribute__((constructor)) devpts_register(void)
{
	vfs_register_fs(&devpts_type);
	vfs_register_chrdev(&ptmx_dev);
	vfs_register_chrdev(&pts_dev);
}
