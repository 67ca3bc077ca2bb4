/* Unit tests of tmpfs (fs/tmpfs.c), the page-cache file operations
 * (fs/pagecache.c) and file locks (fs/lock.c), driving the inode and file
 * operations directly over a minimal stand-in for the VFS core. */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>

#include "fs/lock.h"
#include "fs/pagecache.h"
#include "fs/tmpfs.h"
#include "fs/vfs.h"
#include "sentry/memfile.h"
#include "sentry/memobj.h"

/* ---- the parts of the VFS and sentry tmpfs uses, in miniature ---- */

void sentry_panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	abort();
}

static const struct fs_type *registered;
void vfs_register_fs(const struct fs_type *type)
{
	registered = type;
}

struct inode *inode_new(struct super_block *sb, const struct inode_ops *iops,
			const struct file_ops *fops, uint32_t mode, uint64_t ino)
{
	struct inode *i = calloc(1, sizeof(*i));

	i->refs = 1;
	i->sb = sb;
	i->iops = iops;
	i->fops = fops;
	i->mode = mode;
	i->ino = ino ? ino : ++sb->next_ino;
	sb->refs++;
	return i;
}

void inode_get(struct inode *inode)
{
	inode->refs++;
}

static int evicted;
void inode_put(struct inode *inode)
{
	struct super_block *sb = inode->sb;

	if (--inode->refs)
		return;
	sb->ops->evict_inode(inode);
	evicted++;
	free(inode);
	sb_put(sb);
}

struct super_block *sb_new(const struct fs_type *type, const struct super_ops *ops)
{
	struct super_block *sb = calloc(1, sizeof(*sb));

	sb->refs = 1;
	sb->type = type;
	sb->ops = ops;
	sb->dev = 42;
	return sb;
}

void sb_get(struct super_block *sb)
{
	sb->refs++;
}

void sb_put(struct super_block *sb)
{
	if (--sb->refs)
		return;
	if (sb->ops->release)
		sb->ops->release(sb);
	free(sb);
}

struct dentry *dentry_new_root(struct super_block *sb, struct inode *inode)
{
	struct dentry *d = calloc(1, sizeof(*d));

	d->refs = 1;
	d->inode = inode;
	d->sb = sb;
	d->parent = d;
	d->name = strdup("/");
	return d;
}

/* The VFS's mount ending, over the stand-in above. */
int sb_set_root(struct super_block *sb, struct inode *root, struct super_block **out)
{
	if (!root)
		return -ENOMEM;
	sb->root = dentry_new_root(sb, root);
	*out = sb;
	return 0;
}

const struct file_ops vfs_dir_file_ops;

struct inode *memfd_inode(struct file *f)
{
	return NULL;
}

long vfs_d_path(struct task *t, const struct path *p, char *buf, size_t n, bool deleted_mark)
{
	return -ENAMETOOLONG;
}

__thread struct task *task_current;
bool capable(struct task *t, int cap)
{
	return true;
}

int sig_send(struct task *t, int sig, const siginfo_t *info, bool group)
{
	return 0;
}

void waitq_init(struct waitq *q)
{
	list_init(&q->waiters);
}

void waitq_add(struct waitq *q, struct waiter *w, struct task *t)
{
	list_add_tail(&w->node, &q->waiters);
}

void waitq_del(struct waiter *w)
{
	list_del(&w->node);
}

void waitq_wake_all(struct waitq *q)
{
}

int task_sleep(struct task *t, const struct timespec *deadline)
{
	return -EINTR;   /* the tests never wait */
}

int copy_from_guest(struct task *t, void *dst, uint64_t src, size_t n)
{
	memcpy(dst, (void *)src, n);
	return 0;
}

int copy_to_guest(struct task *t, uint64_t dst, const void *src, size_t n)
{
	memcpy((void *)dst, src, n);
	return 0;
}

/* ---- helpers ---- */

static struct super_block *mount_opts(const char *opts)
{
	struct super_block *sb = NULL;

	ck_assert_ptr_nonnull(registered);
	ck_assert_int_eq(registered->mount(registered, "tmpfs", 0, opts, &sb), 0);
	return sb;
}

static void umount_sb(struct super_block *sb)
{
	struct dentry *d = sb->root;

	inode_put(d->inode);
	free(d->name);
	free(d);
	sb_put(sb);
}

static struct inode *root_of(struct super_block *sb)
{
	return sb->root->inode;
}

static const struct vfs_owner owner = { 1000, 1000 };

static struct inode *mkfile(struct inode *dir, const char *name)
{
	struct inode *i = NULL;

	ck_assert_int_eq(dir->iops->create(dir, name, S_IFREG | 0644, 0, &owner, &i), 0);
	return i;
}

static struct dentry fake_dentry[8];
static struct file *open_inode(struct inode *inode, int flags)
{
	static int n;
	struct file *f = calloc(1, sizeof(*f));
	struct dentry *d = &fake_dentry[n++ % 8];

	d->inode = inode;
	f->refs = 1;
	f->ops = inode->fops;
	f->flags = flags;
	f->dentry = d;
	return f;
}

static void setup(void)
{
	static bool done;

	if (!done)
		ck_assert_int_eq(memfile_init(4096 * PAGE_SIZE), 0);
	done = true;
}

/* ---- tests ---- */

START_TEST(options_and_statfs)
{
	struct super_block *sb = NULL;
	struct statfs st;
	char buf[256];

	sb = mount_opts("size=1m,nr_inodes=10,mode=0755,uid=5,gid=6");
	ck_assert_int_eq(sb->ops->statfs(sb, &st), 0);
	ck_assert_int_eq(st.f_type, TMPFS_MAGIC_K);
	ck_assert_int_eq(st.f_blocks, 256);
	ck_assert_int_eq(st.f_bfree, 256);
	ck_assert_int_eq(st.f_files, 10);
	ck_assert_int_eq(st.f_ffree, 9);
	ck_assert_uint_eq(root_of(sb)->mode, S_IFDIR | 0755);
	ck_assert_uint_eq(root_of(sb)->uid, 5);
	ck_assert_int_eq(sb->ops->show_options(sb, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "size=1024k,nr_inodes=10,mode=755,uid=5,gid=6");
	umount_sb(sb);
	ck_assert_int_eq(registered->mount(registered, "t", 0, "bogus=1", &sb), -EINVAL);
	ck_assert_int_eq(registered->mount(registered, "t", 0, "size=12q", &sb), -EINVAL);
	ck_assert_int_eq(registered->mount(registered, "t", 0, "mode=9", &sb), -EINVAL);
	sb = mount_opts("size=8k,nr_inodes=1k,huge=never");
	ck_assert_int_eq(sb->ops->statfs(sb, &st), 0);
	ck_assert_int_eq(st.f_blocks, 2);
	ck_assert_int_eq(st.f_files, 1024);
	umount_sb(sb);
}
END_TEST

START_TEST(write_read_enospc_blocks)
{
	struct super_block *sb = mount_opts("size=16k");
	struct inode *f = mkfile(root_of(sb), "a");
	struct file *fp = open_inode(f, O_RDWR);
	char buf[20000], out[20000];
	int64_t pos = 0;
	struct statfs st;

	memset(buf, 'x', sizeof(buf));
	/* 16 KiB fit; the fifth page does not: a short write, then ENOSPC. */
	ck_assert_int_eq(fp->ops->write(NULL, fp, buf, sizeof(buf), &pos), 16384);
	ck_assert_int_eq(fp->ops->write(NULL, fp, buf, 10, &pos), -ENOSPC);
	ck_assert_uint_eq(f->size, 16384);
	ck_assert_uint_eq(f->blocks, 32);
	sb->ops->statfs(sb, &st);
	ck_assert_int_eq(st.f_bfree, 0);
	pos = 100;
	ck_assert_int_eq(fp->ops->read(NULL, fp, out, sizeof(out), &pos), 16284);
	ck_assert_int_eq(memcmp(out, buf, 16284), 0);
	/* Truncating gives the pages back. */
	ck_assert_int_eq(fp->ops->truncate(fp, 5000), 0);
	ck_assert_uint_eq(f->blocks, 16);
	sb->ops->statfs(sb, &st);
	ck_assert_int_eq(st.f_bfree, 2);
	pos = 4096;
	ck_assert_int_eq(fp->ops->read(NULL, fp, out, 100, &pos), 100);
	ck_assert_int_eq(fp->ops->truncate(fp, 8192), 0);
	pos = 5000;
	ck_assert_int_eq(fp->ops->read(NULL, fp, out, 100, &pos), 100);
	ck_assert_int_eq(out[0], 0);   /* the tail was zeroed */
	/* O_APPEND writes at the end. */
	fp->flags |= O_APPEND;
	pos = 0;
	ck_assert_int_eq(fp->ops->write(NULL, fp, "yy", 2, &pos), 2);
	ck_assert_int_eq(pos, 8194);
	free(fp);
	inode_put(f);
	umount_sb(sb);
}
END_TEST

START_TEST(holes_seek_data)
{
	struct super_block *sb = mount_opts(NULL);
	struct inode *f = mkfile(root_of(sb), "sparse");
	struct file *fp = open_inode(f, O_RDWR);
	int64_t pos = 1 << 20;
	char c = 0;

	ck_assert_int_eq(fp->ops->write(NULL, fp, "z", 1, &pos), 1);
	ck_assert_uint_eq(f->size, (1 << 20) + 1);
	ck_assert_uint_eq(f->blocks, 8);
	ck_assert_int_eq(fp->ops->llseek(fp, 0, SEEK_DATA), 1 << 20);
	ck_assert_int_eq(fp->ops->llseek(fp, 0, SEEK_HOLE), 0);
	ck_assert_int_eq(fp->ops->llseek(fp, 1 << 20, SEEK_HOLE), (1 << 20) + 1);
	ck_assert_int_eq(fp->ops->llseek(fp, (1 << 20) + 1, SEEK_DATA), -ENXIO);
	ck_assert_int_eq(fp->ops->llseek(fp, -1, SEEK_SET), -EINVAL);
	pos = 4096;
	ck_assert_int_eq(fp->ops->read(NULL, fp, &c, 1, &pos), 1);
	ck_assert_uint_eq(f->blocks, 8);   /* reading a hole creates nothing */
	ck_assert_int_eq(pagecache_fallocate(f, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE,
					     1 << 20, 4096), 0);
	ck_assert_uint_eq(f->blocks, 0);
	ck_assert_int_eq(pagecache_fallocate(f, 0, 0, 8192), 0);
	ck_assert_uint_eq(f->blocks, 16);
	ck_assert_int_eq(pagecache_fallocate(f, FALLOC_FL_COLLAPSE_RANGE, 0, 4096), -EOPNOTSUPP);
	free(fp);
	inode_put(f);
	umount_sb(sb);
}
END_TEST

START_TEST(dirs_links_rename)
{
	struct super_block *sb = mount_opts("nr_inodes=6");
	struct inode *root = root_of(sb), *d, *a, *b, *x;
	struct statfs st;

	ck_assert_int_eq(root->iops->mkdir(root, "d", 0755, &owner, &d), 0);
	ck_assert_uint_eq(root->nlink, 3);
	ck_assert_uint_eq(root->size, 60);
	a = mkfile(d, "a");
	ck_assert_int_eq(d->iops->link(root, "a2", a), 0);
	ck_assert_uint_eq(a->nlink, 2);
	sb->ops->statfs(sb, &st);
	ck_assert_int_eq(st.f_ffree, 2);   /* root, d, a, and a's second name */
	ck_assert_int_eq(root->iops->rmdir(root, "d", d), -ENOTEMPTY);
	b = mkfile(root, "b");
	ck_assert_int_eq(root->iops->create(root, "c", S_IFREG | 0600, 0, &owner, &x), 0);
	inode_put(x);
	ck_assert_int_eq(root->iops->create(root, "e", S_IFREG | 0600, 0, &owner, &x), -ENOSPC);
	/* NOREPLACE, EXCHANGE, replace. */
	ck_assert_int_eq(root->iops->rename(root, "b", d, "a", RENAME_NOREPLACE), -EEXIST);
	ck_assert_int_eq(root->iops->rename(root, "b", root, "d", RENAME_EXCHANGE), 0);
	ck_assert_int_eq(root->iops->lookup(root, "d", &x), 0);
	ck_assert_ptr_eq(x, b);
	inode_put(x);
	ck_assert_int_eq(root->iops->rename(root, "b", root, "d", RENAME_EXCHANGE), 0);
	ck_assert_int_eq(root->iops->rename(root, "a2", d, "a", 0), 0);   /* same inode */
	ck_assert_uint_eq(a->nlink, 2);
	ck_assert_int_eq(root->iops->rename(root, "b", d, "a", 0), 0);
	ck_assert_uint_eq(a->nlink, 1);
	ck_assert_int_eq(root->iops->lookup(root, "b", &x), -ENOENT);
	/* Whiteout: a 0:0 character device where the source was. */
	ck_assert_int_eq(d->iops->rename(d, "a", root, "w", RENAME_WHITEOUT), 0);
	ck_assert_int_eq(d->iops->lookup(d, "a", &x), 0);
	ck_assert_uint_eq(x->mode & S_IFMT, S_IFCHR);
	ck_assert_uint_eq(x->rdev, 0);
	inode_put(x);
	/* Moving a directory fixes link counts. */
	ck_assert_int_eq(root->iops->unlink(root, "a2", a), 0);
	ck_assert_uint_eq(a->nlink, 0);
	inode_put(a);
	inode_put(b);
	inode_put(d);
	umount_sb(sb);
}
END_TEST

struct collect {
	struct dir_ctx ctx;
	char names[32][16];
	int n, limit;
};

static bool collect_emit(struct dir_ctx *ctx, const char *name, size_t len, uint64_t ino,
			 unsigned int type)
{
	struct collect *c = (struct collect *)ctx;

	if (c->n >= c->limit)
		return false;
	snprintf(c->names[c->n++], 16, "%.*s", (int)len, name);
	return true;
}

START_TEST(readdir_cookies_survive_unlink)
{
	struct super_block *sb = mount_opts(NULL);
	struct inode *root = root_of(sb), *f[6];
	struct file *dirf = open_inode(root, O_RDONLY);
	struct collect c = { .ctx.emit = collect_emit, .limit = 4 };
	char name[16];

	for (int i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		f[i] = mkfile(root, name);
	}
	ck_assert_int_eq(root->fops->iterate(dirf, &c.ctx), 0);
	ck_assert_int_eq(c.n, 4);   /* . .. f5 f4 (newest first) */
	ck_assert_str_eq(c.names[2], "f5");
	/* Remove one already seen and one not yet seen; add one. */
	ck_assert_int_eq(root->iops->unlink(root, "f5", f[5]), 0);
	ck_assert_int_eq(root->iops->unlink(root, "f2", f[2]), 0);
	inode_put(mkfile(root, "new"));
	c.limit = 32;
	ck_assert_int_eq(root->fops->iterate(dirf, &c.ctx), 0);
	ck_assert_int_eq(c.n, 7);
	ck_assert_str_eq(c.names[4], "f3");
	ck_assert_str_eq(c.names[5], "f1");
	ck_assert_str_eq(c.names[6], "f0");
	for (int i = 0; i < 6; i++)
		inode_put(f[i]);
	free(dirf);
	umount_sb(sb);
}
END_TEST

START_TEST(xattr_rules)
{
	struct super_block *sb = mount_opts(NULL);
	struct inode *root = root_of(sb), *f = mkfile(root, "f"), *l;
	char buf[64];

	ck_assert_int_eq(root->iops->symlink(root, "l", "f", &owner, &l), 0);
	ck_assert_int_eq(f->iops->setxattr(f, "user.a", "1", 1, 0), 0);
	ck_assert_int_eq(f->iops->setxattr(f, "user.a", "2", 1, 1 /* CREATE */), -EEXIST);
	ck_assert_int_eq(f->iops->setxattr(f, "user.b", "2", 1, 2 /* REPLACE */), -ENODATA);
	ck_assert_int_eq(f->iops->setxattr(f, "trusted.t", "xyz", 3, 0), 0);
	ck_assert_int_eq(f->iops->setxattr(f, "bogus.t", "xyz", 3, 0), -EOPNOTSUPP);
	ck_assert_int_eq(l->iops->setxattr(l, "user.a", "1", 1, 0), -EPERM);
	ck_assert_int_eq(l->iops->getxattr(l, "user.a", buf, sizeof(buf)), -ENODATA);
	ck_assert_int_eq(f->iops->getxattr(f, "trusted.t", NULL, 0), 3);
	ck_assert_int_eq(f->iops->getxattr(f, "trusted.t", buf, 2), -ERANGE);
	ck_assert_int_eq(f->iops->listxattr(f, NULL, 0), 17);
	ck_assert_int_eq(f->iops->listxattr(f, buf, 5), -ERANGE);
	ck_assert_int_eq(f->iops->listxattr(f, buf, sizeof(buf)), 17);
	ck_assert_str_eq(buf, "user.a");
	ck_assert_int_eq(f->iops->removexattr(f, "user.a"), 0);
	ck_assert_int_eq(f->iops->removexattr(f, "user.a"), -ENODATA);
	ck_assert_int_eq(l->iops->readlink(l, buf, sizeof(buf)), 1);
	inode_put(l);
	inode_put(f);
	umount_sb(sb);
}
END_TEST

START_TEST(record_locks_split_and_conflict)
{
	struct super_block *sb = mount_opts(NULL);
	struct inode *f = mkfile(root_of(sb), "l");
	struct file *a = open_inode(f, O_RDWR), *b = open_inode(f, O_RDWR);
	struct files fa, fb;
	struct thread_group tga = { .tgid = 10 }, tgb = { .tgid = 20 };
	struct task ta = { .files = &fa, .tg = &tga }, tb = { .files = &fb, .tg = &tgb };
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 100 };

	ck_assert_int_eq(lock_fcntl(&ta, a, F_SETLK, (uint64_t)&fl), 0);
	/* Unlock the middle: two pieces stay. */
	fl.l_type = F_UNLCK;
	fl.l_start = 40;
	fl.l_len = 20;
	ck_assert_int_eq(lock_fcntl(&ta, a, F_SETLK, (uint64_t)&fl), 0);
	fl.l_type = F_WRLCK;
	fl.l_start = 45;
	fl.l_len = 5;
	ck_assert_int_eq(lock_fcntl(&tb, b, F_GETLK, (uint64_t)&fl), 0);
	ck_assert_int_eq(fl.l_type, F_UNLCK);
	fl.l_type = F_RDLCK;
	fl.l_start = 50;
	fl.l_len = 0;
	ck_assert_int_eq(lock_fcntl(&tb, b, F_GETLK, (uint64_t)&fl), 0);
	ck_assert_int_eq(fl.l_type, F_WRLCK);
	ck_assert_int_eq(fl.l_start, 60);
	ck_assert_int_eq(fl.l_len, 40);
	ck_assert_int_eq(fl.l_pid, 10);
	fl = (struct flock){ .l_type = F_WRLCK, .l_start = 0, .l_len = 10 };
	ck_assert_int_eq(lock_fcntl(&tb, b, F_SETLK, (uint64_t)&fl), -EAGAIN);
	ck_assert_int_eq(lock_fcntl(&tb, b, F_SETLKW, (uint64_t)&fl), -ERESTARTSYS);
	/* OFD locks conflict with the POSIX lock of the same process too. */
	ck_assert_int_eq(lock_fcntl(&ta, b, F_OFD_SETLK, (uint64_t)&fl), -EAGAIN);
	fl.l_pid = 1;
	ck_assert_int_eq(lock_fcntl(&ta, b, F_OFD_SETLK, (uint64_t)&fl), -EINVAL);
	/* Closing any fd of the inode drops the process's POSIX locks. */
	lock_close_posix(&ta, b);
	fl = (struct flock){ .l_type = F_WRLCK, .l_start = 0, .l_len = 0 };
	ck_assert_int_eq(lock_fcntl(&tb, b, F_SETLK, (uint64_t)&fl), 0);
	lock_close_posix(&tb, b);
	ck_assert_ptr_null(f->locks);
	/* flock: shared together, exclusive alone, released with the file. */
	ck_assert_int_eq(lock_flock(&ta, a, LOCK_SH), 0);
	ck_assert_int_eq(lock_flock(&tb, b, LOCK_SH), 0);
	ck_assert_int_eq(lock_flock(&tb, b, LOCK_EX | LOCK_NB), -EWOULDBLOCK);
	lock_release_file(a);
	ck_assert_int_eq(lock_flock(&tb, b, LOCK_EX | LOCK_NB), 0);
	ck_assert_int_eq(lock_flock(&ta, a, LOCK_SH | LOCK_NB), -EWOULDBLOCK);
	ck_assert_int_eq(lock_flock(&ta, a, 99), -EINVAL);
	lock_release_file(b);
	ck_assert_ptr_null(f->locks);
	free(a);
	free(b);
	inode_put(f);
	umount_sb(sb);
}
END_TEST

/* Unmounting a very deep tree frees it without deep recursion. */
START_TEST(deep_tree_eviction)
{
	struct super_block *sb = mount_opts(NULL);
	struct inode *dir = root_of(sb), *sub;
	int before = evicted;

	for (int i = 0; i < 200000; i++) {
		ck_assert_int_eq(dir->iops->mkdir(dir, "d", 0755, &owner, &sub), 0);
		if (dir != root_of(sb))
			inode_put(dir);
		dir = sub;
	}
	inode_put(dir);
	umount_sb(sb);
	ck_assert_int_eq(evicted - before, 200001);
}
END_TEST

/* Random POSIX lock operations of two processes against a byte model:
 * conflicts, coverage, and ranges reported whole (merged) by F_GETLK. */
START_TEST(record_locks_match_a_byte_model)
{
	enum { N = 48 };
	struct super_block *sb = mount_opts(NULL);
	struct inode *f = mkfile(root_of(sb), "r");
	struct file *fa = open_inode(f, O_RDWR), *fb = open_inode(f, O_RDWR);
	struct files files[2];
	struct thread_group tg[2] = { { .tgid = 1 }, { .tgid = 2 } };
	struct task t[2] = { { .files = &files[0], .tg = &tg[0] }, { .files = &files[1], .tg = &tg[1] } };
	struct file *fp[2] = { fa, fb };
	int model[2][N] = { { 0 } };   /* 0 none, F_RDLCK + 1, F_WRLCK + 1 */
	unsigned seed = 12345;

	for (int step = 0; step < 3000; step++) {
		int o = (seed = seed * 1103515245 + 12345) >> 16 & 1;
		int start = (seed = seed * 1103515245 + 12345) >> 16 & 31;
		int len = ((seed = seed * 1103515245 + 12345) >> 16) % 17;
		int pick = ((seed = seed * 1103515245 + 12345) >> 16) % 3;
		short type = pick == 0 ? F_RDLCK : pick == 1 ? F_WRLCK : F_UNLCK;
		struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
		int end = len ? start + len : N, conflict = 0;
		long r;

		for (int i = start; i < end && type != F_UNLCK; i++) {
			int other = model[!o][i];

			if (other && (type == F_WRLCK || other == F_WRLCK + 1))
				conflict = 1;
		}
		r = lock_fcntl(&t[o], fp[o], F_SETLK, (uint64_t)&fl);
		ck_assert_int_eq(r, conflict ? -EAGAIN : 0);
		if (!conflict)
			for (int i = start; i < end; i++)
				model[o][i] = type == F_UNLCK ? 0 : type + 1;
		/* Check the other owner's view of every byte. */
		for (int q = 0; q < 2; q++) {
			for (int i = 0; i < N; i++) {
				struct flock g = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = i, .l_len = 1 };
				int lo = i, hi = i;

				ck_assert_int_eq(lock_fcntl(&t[!q], fp[!q], F_GETLK, (uint64_t)&g), 0);
				if (!model[q][i]) {
					ck_assert_int_eq(g.l_type, F_UNLCK);
					continue;
				}
				ck_assert_int_eq(g.l_type + 1, model[q][i]);
				while (lo > 0 && model[q][lo - 1] == model[q][i])
					lo--;
				while (hi < N - 1 && model[q][hi + 1] == model[q][i])
					hi++;
				ck_assert_int_eq(g.l_start, lo);
				if (hi == N - 1)
					ck_assert(g.l_len == 0 || g.l_start + g.l_len - 1 >= hi);
				else
					ck_assert_int_eq(g.l_start + g.l_len - 1, hi);
			}
		}
	}
	lock_close_posix(&t[0], fa);
	lock_close_posix(&t[1], fb);
	ck_assert_ptr_null(f->locks);
	free(fa);
	free(fb);
	inode_put(f);
	umount_sb(sb);
}
END_TEST

static Suite *tmpfs_suite(void)
{
	Suite *s = suite_create("tmpfs");
	TCase *fs = tcase_create("tmpfs");
	TCase *lk = tcase_create("locks");

	tcase_add_checked_fixture(fs, setup, NULL);
	tcase_add_test(fs, options_and_statfs);
	tcase_add_test(fs, write_read_enospc_blocks);
	tcase_add_test(fs, holes_seek_data);
	tcase_add_test(fs, dirs_links_rename);
	tcase_add_test(fs, readdir_cookies_survive_unlink);
	tcase_add_test(fs, xattr_rules);
	tcase_add_test(fs, deep_tree_eviction);
	suite_add_tcase(s, fs);
	tcase_add_checked_fixture(lk, setup, NULL);
	tcase_add_test(lk, record_locks_split_and_conflict);
	tcase_add_test(lk, record_locks_match_a_byte_model);
	suite_add_tcase(s, lk);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tmpfs_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
