/* Unit tests of the VFS core (fs/vfs.c, fs/namei.c, fs/mount.c) over
 * tmpfs with a stand-in task: path walks (symlinks, "..", mounts, trailing
 * slashes), the dentry cache across rename and unlink, d_path, permission
 * checks and mount namespace copies. */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/sysmacros.h>

#include "fs/tmpfs.h"
#include "fs/vfs.h"
#include "sentry/hooks.h"
#include "sentry/memfile.h"
#include "sentry/task.h"

/* ---- the sentry pieces the VFS objects link against, as stand-ins ---- */

__thread struct task *task_current;
struct task_hooks task_hooks;

void sentry_panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	abort();
}

bool capable(struct task *t, int cap)
{
	return true;
}

int copy_from_guest(struct task *t, void *dst, uint64_t src, size_t n)
{
	return -EFAULT;
}

int copy_to_guest(struct task *t, uint64_t dst, const void *src, size_t n)
{
	return -EFAULT;
}

struct cred *cred_root(void)
{
	struct cred *c = calloc(1, sizeof(*c));

	c->refs = 1;
	c->cap_effective = ~0ULL;
	return c;
}

struct cred *cred_copy(const struct cred *src)
{
	struct cred *c = malloc(sizeof(*c));

	*c = *src;
	c->refs = 1;
	return c;
}

void cred_put(struct cred *c)
{
	if (c && --c->refs == 0)
		free(c);
}

void epoll_file_release(struct file *f)
{
}

void for_each_tg(void (*fn)(struct thread_group *tg, void *arg), void *arg)
{
}

void fsnotify_dentry(struct dentry *d, uint32_t mask)
{
}

void fsnotify_sb_release(struct super_block *sb)
{
}

struct inode *memfd_inode(struct file *f)
{
	return NULL;
}

int sig_send(struct task *t, int sig, const siginfo_t *info, bool group)
{
	return 0;
}

int task_sleep(struct task *t, const struct timespec *deadline)
{
	return -EINTR;
}

void waitq_init(struct waitq *q)
{
}

void waitq_add(struct waitq *q, struct waiter *w, struct task *t)
{
}

void waitq_del(struct waiter *w)
{
}

void waitq_wake_all(struct waitq *q)
{
}

/* ---- a task with a tmpfs root ---- */

static struct task *t;
static struct mnt_ns *ns;

static void setup(void)
{
	static bool done;
	struct super_block *sb;
	struct path root;

	if (!done)
		ck_assert_int_eq(memfile_init(4096 * PAGE_SIZE), 0);
	done = true;
	ck_assert_int_eq(tmpfs_sb_new(NULL, &sb), 0);
	ns = mnt_ns_new();
	ck_assert_int_eq(vfs_mount(ns, NULL, sb, sb->root, 0, "tmpfs", NULL), 0);
	sb_put(sb);
	init_mnt_ns = ns;
	t = calloc(1, sizeof(*t));
	t->cred = cred_root();
	t->files = files_new();
	root.mnt = ns->root;
	root.dentry = ns->root->root;
	t->fs = fs_ctx_new_path(&root, &root, ns);
	t->fs->umask = 022;
}

static void teardown(void)
{
	fs_ctx_put(t->fs);
	files_put(t->files);
	cred_put(t->cred);
	free(t);
	mnt_ns_put(ns);
	init_mnt_ns = NULL;
}

static int lookup(const char *p, unsigned int fl)
{
	struct path out;
	int r = vfs_lookup_at(t, AT_FDCWD, p, fl, &out);

	if (r == 0)
		path_put(&out);
	return r;
}

static void dpath_is(const char *p, const char *want)
{
	struct path out;
	char buf[256];

	ck_assert_int_eq(vfs_lookup_at(t, AT_FDCWD, p, LOOKUP_FOLLOW, &out), 0);
	ck_assert_int_ge(vfs_d_path(t, &out, buf, sizeof(buf), true), 0);
	ck_assert_str_eq(buf, want);
	path_put(&out);
}

START_TEST(walk_symlinks_and_dots)
{
	char a[16], b[16];

	ck_assert_int_eq(vfs_mkdir_at(t, AT_FDCWD, "/a", 0755), 0);
	ck_assert_int_eq(vfs_mkdir_at(t, AT_FDCWD, "/a/b", 0755), 0);
	ck_assert_int_eq(vfs_symlink_at(t, "a/b", AT_FDCWD, "/lb"), 0);
	ck_assert_int_eq(vfs_symlink_at(t, "loop", AT_FDCWD, "/loop"), 0);
	ck_assert_int_eq(lookup("/lb", LOOKUP_FOLLOW), 0);
	ck_assert_int_eq(lookup("/lb/../b/../../a", LOOKUP_FOLLOW | LOOKUP_DIRECTORY), 0);
	dpath_is("/lb/..", "/a");
	dpath_is("/../../..", "/");
	ck_assert_int_eq(lookup("/loop", LOOKUP_FOLLOW), -ELOOP);
	ck_assert_int_eq(lookup("/loop", 0), 0);
	ck_assert_int_eq(lookup("/loop/x", 0), -ELOOP);
	ck_assert_int_eq(lookup("/missing/x", 0), -ENOENT);
	ck_assert_int_eq(lookup("/lb/", 0), 0);
	/* 40 links in a chain resolve, 41 do not. */
	for (int i = 1; i <= 41; i++) {
		snprintf(a, sizeof(a), "/c%d", i);
		snprintf(b, sizeof(b), i == 41 ? "a" : "c%d", i + 1);
		ck_assert_int_eq(vfs_symlink_at(t, b, AT_FDCWD, a), 0);
	}
	ck_assert_int_eq(lookup("/c2", LOOKUP_FOLLOW), 0);
	ck_assert_int_eq(lookup("/c1", LOOKUP_FOLLOW), -ELOOP);
}
END_TEST

START_TEST(dcache_follows_rename_and_unlink)
{
	struct path kept;
	char buf[64];
	struct file *f;
	int err = 0;

	ck_assert_int_eq(vfs_mkdir_at(t, AT_FDCWD, "/d", 0755), 0);
	f = vfs_open_at(t, AT_FDCWD, "/d/f", O_CREAT | O_WRONLY, 0644, 0, &err);
	ck_assert_ptr_nonnull(f);
	file_put(f);
	ck_assert_int_eq(vfs_rename_at(t, AT_FDCWD, "/d/f", AT_FDCWD, "/g", 0), 0);
	ck_assert_int_eq(lookup("/d/f", 0), -ENOENT);
	ck_assert_int_eq(vfs_lookup_at(t, AT_FDCWD, "/g", 0, &kept), 0);
	ck_assert_int_eq(vfs_unlink_at(t, AT_FDCWD, "/g", 0), 0);
	ck_assert_int_eq(lookup("/g", 0), -ENOENT);
	ck_assert_int_ge(vfs_d_path(t, &kept, buf, sizeof(buf), true), 0);
	ck_assert_str_eq(buf, "/g (deleted)");
	ck_assert_int_eq(kept.dentry->inode->nlink, 0);
	path_put(&kept);
	ck_assert_int_eq(vfs_unlink_at(t, AT_FDCWD, "/d", AT_REMOVEDIR), 0);
	ck_assert_int_eq(vfs_unlink_at(t, AT_FDCWD, "/d", AT_REMOVEDIR), -ENOENT);
}
END_TEST

START_TEST(many_names_survive_eviction)
{
	char p[32];
	struct file *f;
	int err = 0;

	ck_assert_int_eq(vfs_mkdir_at(t, AT_FDCWD, "/big", 0755), 0);
	for (int i = 0; i < 12000; i++) {
		snprintf(p, sizeof(p), "/big/n%d", i);
		f = vfs_open_at(t, AT_FDCWD, p, O_CREAT | O_EXCL | O_WRONLY, 0600, 0, &err);
		ck_assert_ptr_nonnull(f);
		file_put(f);
	}
	/* More names than the cache keeps: the evicted ones come back from
	 * the filesystem. */
	for (int i = 0; i < 12000; i += 7) {
		snprintf(p, sizeof(p), "/big/n%d", i);
		ck_assert_int_eq(lookup(p, 0), 0);
	}
	ck_assert_int_eq(lookup("/big/n12000", 0), -ENOENT);
}
END_TEST

/* A filesystem whose inodes each pin another dentry (as an overlay inode
 * pins its real dentries): evicting one name releases another into the
 * cache. Trimming the cache must not nest once per released name. */
static int evict_depth, evict_max_depth, evicted;

static void pinning_evict(struct inode *inode)
{
	if (++evict_depth > evict_max_depth)
		evict_max_depth = evict_depth;
	evicted++;
	dentry_put(inode->priv);   /* NULL for the pinned ones */
	evict_depth--;
}

static const struct super_ops pinning_sops = { .evict_inode = pinning_evict };

START_TEST(eviction_cascade_stays_shallow)
{
	struct super_block *sb = sb_new(NULL, &pinning_sops);
	struct dentry *root, *pinned, *d;
	struct inode *inode;
	char name[32];
	int n = 30000;

	ck_assert_ptr_nonnull(sb);
	root = dentry_new_root(sb, inode_new(sb, NULL, NULL, S_IFDIR | 0755, 0));
	ck_assert_ptr_nonnull(root);
	evict_depth = evict_max_depth = evicted = 0;
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "pinned%d", i);
		pinned = vfs_d_add(root, name, inode_new(sb, NULL, NULL, S_IFREG | 0644, 0));
		ck_assert_ptr_nonnull(pinned);
		inode = inode_new(sb, NULL, NULL, S_IFREG | 0644, 0);
		inode->priv = pinned;   /* the only reference on it */
		snprintf(name, sizeof(name), "pinner%d", i);
		d = vfs_d_add(root, name, inode);
		ck_assert_ptr_nonnull(d);
		dentry_put(d);   /* to the cache; past its size the oldest go */
	}
	/* Every pinner evicted but the cache's worth releases its pinned
	 * name, which evicts the next pinner: one long cascade, done in a
	 * loop rather than by recursion. */
	ck_assert_int_gt(evicted, n);
	ck_assert_int_le(evict_max_depth, 1);
	dentry_put(root);
	sb_put(sb);
}
END_TEST

START_TEST(mounts_and_namespaces)
{
	struct fs_ctx *saved;
	struct mnt_ns *copy;
	struct path p;
	char buf[64];
	struct file *f;
	int err = 0;

	ck_assert_int_eq(vfs_mkdir_at(t, AT_FDCWD, "/m", 0755), 0);
	ck_assert_int_eq(vfs_do_mount(t, "tmpfs", "/m", "tmpfs", 0, ""), 0);
	f = vfs_open_at(t, AT_FDCWD, "/m/inside", O_CREAT | O_WRONLY, 0644, 0, &err);
	ck_assert_ptr_nonnull(f);
	file_put(f);
	dpath_is("/m/inside", "/m/inside");
	dpath_is("/m/..", "/");
	ck_assert_int_eq(vfs_lookup_at(t, AT_FDCWD, "/m", LOOKUP_FOLLOW, &p), 0);
	ck_assert_ptr_ne(p.mnt, ns->root);
	path_put(&p);
	ck_assert_int_eq(vfs_rename_at(t, AT_FDCWD, "/m/inside", AT_FDCWD, "/out", 0), -EXDEV);
	ck_assert_int_eq(vfs_unlink_at(t, AT_FDCWD, "/m", AT_REMOVEDIR), -EBUSY);
	/* A copy of the namespace: unmounting there leaves ours alone. */
	saved = t->fs;
	t->fs = fs_ctx_dup(saved);
	copy = mnt_ns_copy(saved->ns, t->fs);
	ck_assert_ptr_nonnull(copy);
	mnt_ns_put(t->fs->ns);
	t->fs->ns = copy;
	ck_assert_int_eq(vfs_do_umount(t, "/m", 0), 0);
	ck_assert_int_eq(lookup("/m/inside", 0), -ENOENT);
	fs_ctx_put(t->fs);
	t->fs = saved;
	ck_assert_int_eq(lookup("/m/inside", 0), 0);
	ck_assert_int_ge(vfs_d_path(t, &t->fs->root, buf, sizeof(buf), false), 0);
	ck_assert_str_eq(buf, "/");
	ck_assert_int_eq(vfs_do_umount(t, "/m", 0), 0);
	ck_assert_int_eq(vfs_do_umount(t, "/m", 0), -EINVAL);
}
END_TEST

START_TEST(permissions)
{
	struct cred c = { .fsuid = 1000, .fsgid = 1000 };
	struct inode i = { .mode = S_IFREG | 0640, .uid = 0, .gid = 1000 };

	ck_assert_int_eq(vfs_permission(&c, &i, MAY_READ), 0);
	ck_assert_int_eq(vfs_permission(&c, &i, MAY_WRITE), -EACCES);
	i.uid = 1000;
	i.mode = S_IFREG | 0077;
	/* The owner class decides even when group and other allow more. */
	ck_assert_int_eq(vfs_permission(&c, &i, MAY_READ), -EACCES);
	c.cap_effective = 1ULL << CAP_DAC_OVERRIDE;
	ck_assert_int_eq(vfs_permission(&c, &i, MAY_READ | MAY_WRITE), 0);
	ck_assert_int_eq(vfs_permission(&c, &i, MAY_EXEC), 0);
	i.mode = S_IFREG | 0600;
	ck_assert_int_eq(vfs_permission(&c, &i, MAY_EXEC), -EACCES);
	c.cap_effective = 1ULL << CAP_DAC_READ_SEARCH;
	i.uid = 0;
	i.mode = S_IFDIR | 0700;
	ck_assert_int_eq(vfs_permission(&c, &i, MAY_READ | MAY_EXEC), 0);
	ck_assert_int_eq(vfs_permission(&c, &i, MAY_WRITE), -EACCES);
	c.ngroups = 1;
	c.groups[0] = 7;
	c.cap_effective = 0;
	i.gid = 7;
	i.mode = S_IFDIR | 0070;
	ck_assert_int_eq(vfs_permission(&c, &i, MAY_WRITE | MAY_EXEC), 0);
}
END_TEST

static Suite *vfs_suite(void)
{
	Suite *s = suite_create("vfs");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, walk_symlinks_and_dots);
	tcase_add_test(tc, dcache_follows_rename_and_unlink);
	tcase_add_test(tc, many_names_survive_eviction);
	tcase_add_test(tc, eviction_cascade_stays_shallow);
	tcase_add_test(tc, mounts_and_namespaces);
	tcase_add_test(tc, permissions);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(vfs_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
