/* Unit tests of the overlay (fs/overlay.c) as boot builds it:
 * overlay_sb_new over two tmpfs superblocks, with the real VFS objects
 * (fs/vfs.c) and no task (the boot path), driving the inode and file
 * operations the way the VFS does. The mount(2) side is covered by the
 * conformance tests in tests/syscalls/overlay/. */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "fs/overlay.h"
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

/* ---- helpers: what the VFS does around the inode operations ---- */

static struct super_block *lower, *upper, *ovl;

static void setup(void)
{
	static bool done;

	if (!done)
		ck_assert_int_eq(memfile_init(4096 * PAGE_SIZE), 0);
	done = true;
	ck_assert_int_eq(tmpfs_sb_new(NULL, &lower), 0);
	ck_assert_int_eq(tmpfs_sb_new(NULL, &upper), 0);
}

static void teardown(void)
{
	if (ovl)
		sb_put(ovl);
	sb_put(upper);
	sb_put(lower);
	ovl = upper = lower = NULL;
}

static struct dentry *child(struct dentry *dir, const char *name)
{
	struct dentry *d = NULL;
	int r = vfs_lookup_child(dir, name, &d);

	return r == 0 ? d : NULL;
}

static struct dentry *make(struct dentry *dir, const char *name, uint32_t mode)
{
	struct vfs_owner o = { 0, 0 };
	struct inode *di = dir->inode, *ni = NULL;
	int r = S_ISDIR(mode) ? di->iops->mkdir(di, name, mode & 07777, &o, &ni)
			      : di->iops->create(di, name, mode, 0, &o, &ni);

	ck_assert_int_eq(r, 0);
	return vfs_d_add(dir, name, ni);
}

static struct file *open_d(struct dentry *d, int flags)
{
	struct inode *inode = d->inode;
	struct file *f = file_new(inode->fops, flags, NULL, NULL);

	f->dentry = d;
	dentry_get(d);
	if (inode->iops->open)
		ck_assert_int_eq(inode->iops->open(inode, f), 0);
	return f;
}

static void put_text(struct dentry *d, const char *text)
{
	struct file *f = open_d(d, O_WRONLY);
	int64_t pos = 0;

	ck_assert_int_eq(f->ops->write(NULL, f, text, strlen(text), &pos), (ssize_t)strlen(text));
	file_put(f);
}

static void expect_text(struct dentry *d, const char *text)
{
	struct file *f = open_d(d, O_RDONLY);
	char buf[256] = { 0 };
	int64_t pos = 0;

	ck_assert_int_eq(f->ops->read(NULL, f, buf, sizeof(buf) - 1, &pos), (ssize_t)strlen(text));
	ck_assert_str_eq(buf, text);
	file_put(f);
}

struct names {
	struct dir_ctx ctx;
	char *v[32];
	int n;
};

static bool collect(struct dir_ctx *ctx, const char *name, size_t len, uint64_t ino,
		    unsigned int dtype)
{
	struct names *n = (struct names *)ctx;

	if (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.')))
		return true;
	ck_assert_int_lt(n->n, 32);
	n->v[n->n++] = strndup(name, len);
	return true;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of an overlay directory, sorted, against want. */
static void expect_listing(struct dentry *dir, const char *want)
{
	struct file *f = open_d(dir, O_RDONLY | O_DIRECTORY);
	struct names n = { .ctx = { .emit = collect } };
	char list[512] = "";

	ck_assert_int_eq(f->ops->iterate(f, &n.ctx), 0);
	qsort(n.v, (size_t)n.n, sizeof(n.v[0]), by_name);
	for (int i = 0; i < n.n; i++) {
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? " " : "",
			 n.v[i]);
		free(n.v[i]);
	}
	ck_assert_str_eq(list, want);
	file_put(f);
}

/* lower: a ("lower a"), d/ with x; upper: empty. */
static void populate(void)
{
	struct dentry *a = make(lower->root, "a", S_IFREG | 0644);
	struct dentry *d = make(lower->root, "d", S_IFDIR | 0755);
	struct dentry *x = make(d, "x", S_IFREG | 0600);

	put_text(a, "lower a");
	put_text(x, "x");
	dentry_put(x);
	dentry_put(d);
	dentry_put(a);
	ck_assert_int_eq(overlay_sb_new(lower, lower->root, upper, &ovl), 0);
}

/* ---- tests ---- */

START_TEST(boot_overlay_reads_lower)
{
	struct dentry *a, *d, *x;

	populate();
	ck_assert(S_ISDIR(ovl->root->inode->mode));
	ck_assert(!(ovl->flags & SB_RDONLY));
	a = child(ovl->root, "a");
	ck_assert_ptr_nonnull(a);
	expect_text(a, "lower a");
	ck_assert_ptr_null(child(upper->root, "a"));
	d = child(ovl->root, "d");
	x = child(d, "x");
	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(x->inode->mode, S_IFREG | 0600);
	ck_assert_uint_eq(x->inode->sb->dev, ovl->dev);
	expect_listing(ovl->root, "a d");
	dentry_put(x);
	dentry_put(d);
	dentry_put(a);
}
END_TEST

START_TEST(copy_up_on_write_open)
{
	struct dentry *d, *x, *ux, *ud, *ld, *lx;
	struct file *f;
	int64_t pos = 1;

	populate();
	d = child(ovl->root, "d");
	x = child(d, "x");
	f = open_d(x, O_WRONLY);
	ck_assert_int_eq(f->ops->write(NULL, f, "Y", 1, &pos), 1);
	file_put(f);
	ud = child(upper->root, "d");
	ck_assert_ptr_nonnull(ud);
	ck_assert_int_eq(ud->inode->mode, S_IFDIR | 0755);
	ux = child(ud, "x");
	ck_assert_ptr_nonnull(ux);
	ck_assert_int_eq(ux->inode->mode, S_IFREG | 0600);
	expect_text(ux, "xY");
	expect_text(x, "xY");
	ld = child(lower->root, "d");
	lx = child(ld, "x");
	expect_text(lx, "x");
	/* The number of the lower file is kept. */
	ck_assert_uint_eq(x->inode->ino, lx->inode->ino);
	dentry_put(lx);
	dentry_put(ld);
	dentry_put(ux);
	dentry_put(ud);
	dentry_put(x);
	dentry_put(d);
}
END_TEST

START_TEST(unlink_leaves_whiteout)
{
	struct dentry *root, *a, *wo;
	struct inode *ri;

	populate();
	root = ovl->root;
	ri = root->inode;
	a = child(root, "a");
	ck_assert_int_eq(ri->iops->unlink(ri, "a", a->inode), 0);
	vfs_d_delete(a);
	dentry_put(a);
	wo = child(upper->root, "a");
	ck_assert_ptr_nonnull(wo);
	ck_assert(S_ISCHR(wo->inode->mode));
	ck_assert_uint_eq(wo->inode->rdev, makedev(0, 0));
	dentry_put(wo);
	ck_assert_ptr_null(child(root, "a"));
	expect_listing(root, "d");
	/* Made again: a plain upper file replaces the whiteout. */
	a = make(root, "a", S_IFREG | 0644);
	put_text(a, "again");
	expect_listing(root, "a d");
	wo = child(upper->root, "a");
	ck_assert(S_ISREG(wo->inode->mode));
	dentry_put(wo);
	dentry_put(a);
}
END_TEST

START_TEST(rmdir_mkdir_opaque)
{
	struct dentry *root = NULL, *d, *x, *ud;
	struct inode *ri;
	char v[4] = { 0 };

	populate();
	root = ovl->root;
	ri = root->inode;
	d = child(root, "d");
	x = child(d, "x");
	ck_assert_int_eq(d->inode->iops->unlink(d->inode, "x", x->inode), 0);
	vfs_d_delete(x);
	dentry_put(x);
	expect_listing(d, "");
	ck_assert_int_eq(ri->iops->rmdir(ri, "d", d->inode), 0);
	vfs_d_delete(d);
	dentry_put(d);
	d = make(root, "d", S_IFDIR | 0700);
	expect_listing(d, "");
	ud = child(upper->root, "d");
	ck_assert_int_eq(ud->inode->iops->getxattr(ud->inode, "trusted.overlay.opaque", v, 1), 1);
	ck_assert_str_eq(v, "y");
	/* Not visible through the overlay (Linux 6.7+ escaping). */
	ck_assert_int_eq(d->inode->iops->getxattr(d->inode, "trusted.overlay.opaque", v, 1),
			 -ENODATA);
	dentry_put(ud);
	dentry_put(d);
}
END_TEST

START_TEST(rename_lower_dir_exdev)
{
	struct inode *ri;

	populate();
	ri = ovl->root->inode;
	ck_assert_int_eq(ri->iops->rename(ri, "d", ri, "e", 0), -EXDEV);
	ck_assert_int_eq(ri->iops->rename(ri, "a", ri, "b", RENAME_WHITEOUT), -EINVAL);
	ck_assert_int_eq(ri->iops->rename(ri, "a", ri, "b", 0), 0);
	expect_listing(ovl->root, "b d");
}
END_TEST

START_TEST(read_only_without_upper)
{
	struct dentry *a;
	struct inode *ri;
	struct vfs_owner o = { 0, 0 };
	struct inode *ni = NULL;
	struct iattr at = { .valid = ATTR_MODE, .mode = 0600 };

	a = make(lower->root, "a", S_IFREG | 0644);
	dentry_put(a);
	ck_assert_int_eq(overlay_sb_new(lower, lower->root, NULL, &ovl), 0);
	ck_assert(ovl->flags & SB_RDONLY);
	ri = ovl->root->inode;
	ck_assert_int_eq(ri->iops->create(ri, "n", S_IFREG | 0644, 0, &o, &ni), -EROFS);
	a = child(ovl->root, "a");
	ck_assert_int_eq(a->inode->iops->setattr(a->inode, &at), -EROFS);
	dentry_put(a);
}
END_TEST

START_TEST(references_return)
{
	int lrefs = lower->refs, urefs = upper->refs;
	struct dentry *d, *x;

	populate();
	d = child(ovl->root, "d");
	x = child(d, "x");
	put_text(x, "copied");
	dentry_put(x);
	dentry_put(d);
	ck_assert_int_gt(lower->refs, lrefs);
	sb_put(ovl);
	ovl = NULL;
	ck_assert_int_eq(lower->refs, lrefs);
	ck_assert_int_eq(upper->refs, urefs);
}
END_TEST

static Suite *overlay_suite(void)
{
	Suite *s = suite_create("overlay");
	TCase *tc = tcase_create("boot");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, boot_overlay_reads_lower);
	tcase_add_test(tc, copy_up_on_write_open);
	tcase_add_test(tc, unlink_leaves_whiteout);
	tcase_add_test(tc, rmdir_mkdir_opaque);
	tcase_add_test(tc, rename_lower_dir_exdev);
	tcase_add_test(tc, read_only_without_upper);
	tcase_add_test(tc, references_return);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(overlay_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
