/* Unit tests of inotify's queue (fs/inotify.c) driven through fsnotify()
 * on bare inodes: record layout and name padding, coalescing, overflow,
 * IN_ONESHOT, IN_MASK_ADD/IN_MASK_CREATE, IN_IGNORED on removal and on
 * DELETE_SELF, inode references held by watches, FIONREAD and poll. The
 * VFS and task helpers inotify uses are stubbed here. */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>

#include "fs/inotify.h"
#include "fs/proc.h"
#include "fs/vfs.h"

#ifndef IN_MASK_CREATE
#define IN_MASK_CREATE 0x10000000
#endif

/* ---- stubs ---- */

__thread struct task *task_current;

void inode_get(struct inode *inode)
{
	inode->refs++;
}

void inode_put(struct inode *inode)
{
	inode->refs--;
}

struct file *file_new(const struct file_ops *ops, int flags, void *priv, const char *path)
{
	struct file *f = calloc(1, sizeof(*f));

	f->refs = 1;
	f->ops = ops;
	f->flags = flags;
	f->priv = priv;
	return f;
}

static int wakeups;

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
	wakeups++;
}

int task_sleep(struct task *t, const struct timespec *deadline)
{
	return -EINTR;
}

/* fdinfo text is procfs's; not exercised here. */
void pbuf_printf(struct pbuf *b, const char *fmt, ...)
{
	b->oom = true;
}

static int fionread;

int copy_to_guest(struct task *t, uint64_t dst, const void *src, size_t n)
{
	memcpy(&fionread, src, sizeof(fionread));
	return 0;
}

/* ---- helpers ---- */

/* The test's stand-in inodes live for the whole test process (kept here,
 * so the leak checker of sanitizer builds sees them owned). */
static struct inode *test_inodes[16];
static unsigned int ntest_inodes;

static struct inode *mkinode(uint32_t mode)
{
	struct inode *i = calloc(1, sizeof(*i));

	ck_assert_ptr_nonnull(i);
	i->refs = 1;
	i->mode = mode;
	if (ntest_inodes < sizeof(test_inodes) / sizeof(test_inodes[0]))
		test_inodes[ntest_inodes++] = i;
	return i;
}

struct ev {
	int wd;
	uint32_t mask, cookie, len;
	char name[64];
};

/* Read every queued event (the instance is nonblocking). */
static int drain(struct file *f, struct ev *out, int max)
{
	char buf[1 << 16] __attribute__((aligned(8)));
	ssize_t r = f->ops->read(NULL, f, buf, sizeof(buf), NULL);
	int n = 0;

	if (r < 0)
		return (int)r;
	for (char *p = buf; p < buf + r && n < max; n++) {
		struct inotify_event *e = (struct inotify_event *)p;

		out[n].wd = e->wd;
		out[n].mask = e->mask;
		out[n].cookie = e->cookie;
		out[n].len = e->len;
		snprintf(out[n].name, sizeof(out[n].name), "%s", e->len ? e->name : "");
		p += sizeof(*e) + e->len;
	}
	return n;
}

static struct file *instance(void)
{
	return inotify_new(O_NONBLOCK);
}

static void close_instance(struct file *f)
{
	f->ops->release(f);
	free(f);
}

/* ---- tests ---- */

START_TEST(names_are_padded_to_16)
{
	struct file *f = instance();
	struct inode *dir = mkinode(S_IFDIR | 0755);
	struct ev e[4];
	int wd = inotify_watch_add(f, dir, IN_CREATE);

	ck_assert_int_eq(wd, 1);
	fsnotify(dir, IN_CREATE, "a", 0);
	fsnotify(dir, IN_CREATE, "exactly-15-char", 0);
	fsnotify(dir, IN_CREATE, "sixteen-chars-xx", 0);
	ck_assert_int_eq(drain(f, e, 4), 3);
	ck_assert_uint_eq(e[0].len, 16);
	ck_assert_str_eq(e[0].name, "a");
	ck_assert_uint_eq(e[1].len, 16);
	ck_assert_uint_eq(e[2].len, 32);
	close_instance(f);
	ck_assert_int_eq(dir->refs, 1);
}
END_TEST

START_TEST(identical_events_merge)
{
	struct file *f = instance();
	struct inode *i = mkinode(S_IFREG | 0644);
	struct ev e[8];

	inotify_watch_add(f, i, IN_MODIFY | IN_ACCESS);
	for (int k = 0; k < 5; k++)
		fsnotify(i, IN_MODIFY, NULL, 0);
	fsnotify(i, IN_ACCESS, NULL, 0);
	fsnotify(i, IN_MODIFY, NULL, 0);
	ck_assert_int_eq(drain(f, e, 8), 3);
	ck_assert_uint_eq(e[0].mask, IN_MODIFY);
	ck_assert_uint_eq(e[1].mask, IN_ACCESS);
	ck_assert_uint_eq(e[2].mask, IN_MODIFY);
	close_instance(f);
}
END_TEST

START_TEST(unwatched_events_are_dropped)
{
	struct file *f = instance();
	struct inode *i = mkinode(S_IFREG | 0644);
	struct ev e[2];

	inotify_watch_add(f, i, IN_OPEN);
	fsnotify(i, IN_MODIFY, NULL, 0);
	ck_assert_int_eq(drain(f, e, 2), -EAGAIN);
	close_instance(f);
}
END_TEST

START_TEST(overflow_once_at_the_limit)
{
	struct file *f = instance();
	struct inode *i = mkinode(S_IFREG | 0644);
	struct ev *e = calloc(20000, sizeof(*e));
	int n = 0, r;

	inotify_watch_add(f, i, IN_MODIFY | IN_ACCESS);
	for (int k = 0; k < 17000; k++)
		fsnotify(i, k & 1 ? IN_MODIFY : IN_ACCESS, NULL, 0);
	f->ops->ioctl(NULL, f, FIONREAD, 0);
	ck_assert_int_eq(fionread, 16385 * 16);
	while ((r = drain(f, e + n, 20000 - n)) > 0)
		n += r;
	ck_assert_int_eq(n, 16385);
	ck_assert_int_eq(e[16384].wd, -1);
	ck_assert_uint_eq(e[16384].mask, IN_Q_OVERFLOW);
	ck_assert_uint_eq(e[16383].mask, IN_MODIFY);
	free(e);
	close_instance(f);
}
END_TEST

START_TEST(oneshot_then_ignored)
{
	struct file *f = instance();
	struct inode *i = mkinode(S_IFREG | 0644);
	struct ev e[4];
	int wd = inotify_watch_add(f, i, IN_MODIFY | IN_ONESHOT);

	ck_assert_int_eq(i->refs, 2);
	fsnotify(i, IN_MODIFY, NULL, 0);
	fsnotify(i, IN_MODIFY, NULL, 0);
	ck_assert_int_eq(drain(f, e, 4), 2);
	ck_assert_int_eq(e[0].wd, wd);
	ck_assert_uint_eq(e[1].mask, IN_IGNORED);
	ck_assert_int_eq(i->refs, 1);
	ck_assert_ptr_null(i->watches);
	ck_assert_int_eq(inotify_watch_rm(f, wd), -EINVAL);
	close_instance(f);
}
END_TEST

START_TEST(mask_add_and_create)
{
	struct file *f = instance();
	struct inode *i = mkinode(S_IFREG | 0644);
	struct ev e[4];
	int wd = inotify_watch_add(f, i, IN_OPEN);

	ck_assert_int_eq(inotify_watch_add(f, i, IN_CLOSE_WRITE), wd);
	fsnotify(i, IN_OPEN, NULL, 0);
	ck_assert_int_eq(drain(f, e, 4), -EAGAIN);
	ck_assert_int_eq(inotify_watch_add(f, i, IN_OPEN | IN_MASK_ADD), wd);
	fsnotify(i, IN_OPEN, NULL, 0);
	fsnotify(i, IN_CLOSE_WRITE, NULL, 0);
	ck_assert_int_eq(drain(f, e, 4), 2);
	ck_assert_int_eq(inotify_watch_add(f, i, IN_OPEN | IN_MASK_CREATE), -EEXIST);
	ck_assert_int_eq(i->refs, 2);
	close_instance(f);
	ck_assert_int_eq(i->refs, 1);
}
END_TEST

START_TEST(delete_self_removes_every_watch)
{
	struct file *f = instance(), *g = instance();
	struct inode *i = mkinode(S_IFDIR | 0755);
	struct ev e[4];
	int wf = inotify_watch_add(f, i, IN_DELETE_SELF);
	int wg = inotify_watch_add(g, i, IN_OPEN);

	ck_assert_int_eq(i->refs, 3);
	fsnotify(i, IN_DELETE_SELF, NULL, 0);
	ck_assert_int_eq(drain(f, e, 4), 2);
	ck_assert_int_eq(e[0].wd, wf);
	/* Directories' own events carry IN_ISDIR, except DELETE_SELF. */
	ck_assert_uint_eq(e[0].mask, IN_DELETE_SELF);
	ck_assert_uint_eq(e[1].mask, IN_IGNORED);
	ck_assert_int_eq(drain(g, e, 4), 1);
	ck_assert_int_eq(e[0].wd, wg);
	ck_assert_uint_eq(e[0].mask, IN_IGNORED);
	ck_assert_int_eq(i->refs, 1);
	ck_assert_ptr_null(i->watches);
	close_instance(f);
	close_instance(g);
}
END_TEST

START_TEST(directory_self_events_say_isdir)
{
	struct file *f = instance();
	struct inode *d = mkinode(S_IFDIR | 0755);
	struct ev e[4];

	inotify_watch_add(f, d, IN_OPEN | IN_CREATE);
	fsnotify(d, IN_OPEN, NULL, 0);
	fsnotify(d, IN_CREATE, "file", 0);
	ck_assert_int_eq(drain(f, e, 4), 2);
	ck_assert_uint_eq(e[0].mask, IN_OPEN | IN_ISDIR);
	ck_assert_uint_eq(e[1].mask, IN_CREATE);
	close_instance(f);
}
END_TEST

START_TEST(short_buffer_and_poll)
{
	struct file *f = instance();
	struct inode *d = mkinode(S_IFDIR | 0755);
	char buf[20];
	struct waitq *wq = NULL;

	inotify_watch_add(f, d, IN_CREATE);
	ck_assert_uint_eq(f->ops->poll(f, &wq), 0);
	ck_assert_ptr_nonnull(wq);
	wakeups = 0;
	fsnotify(d, IN_CREATE, "name", 0);
	ck_assert_int_gt(wakeups, 0);
	ck_assert_uint_eq(f->ops->poll(f, NULL), POLLIN | POLLRDNORM);
	/* 16 + 16 bytes do not fit in 20. */
	ck_assert_int_eq(f->ops->read(NULL, f, buf, sizeof(buf), NULL), -EINVAL);
	ck_assert_int_eq(inotify_watch_rm(f, 1), 0);
	ck_assert_int_eq(inotify_watch_rm(f, 1), -EINVAL);
	close_instance(f);
	ck_assert_int_eq(d->refs, 1);
}
END_TEST

START_TEST(watch_descriptors_are_not_reused)
{
	struct file *f = instance();
	struct inode *a = mkinode(S_IFREG | 0644), *b = mkinode(S_IFREG | 0644);

	ck_assert_int_eq(inotify_watch_add(f, a, IN_OPEN), 1);
	ck_assert_int_eq(inotify_watch_rm(f, 1), 0);
	ck_assert_int_eq(inotify_watch_add(f, a, IN_OPEN), 2);
	ck_assert_int_eq(inotify_watch_add(f, b, IN_OPEN), 3);
	close_instance(f);
	ck_assert_int_eq(a->refs, 1);
	ck_assert_int_eq(b->refs, 1);
}
END_TEST

static Suite *inotify_suite(void)
{
	Suite *s = suite_create("inotify");
	TCase *tc = tcase_create("queue");

	tcase_add_test(tc, names_are_padded_to_16);
	tcase_add_test(tc, identical_events_merge);
	tcase_add_test(tc, unwatched_events_are_dropped);
	tcase_add_test(tc, overflow_once_at_the_limit);
	tcase_add_test(tc, oneshot_then_ignored);
	tcase_add_test(tc, mask_add_and_create);
	tcase_add_test(tc, delete_self_removes_every_watch);
	tcase_add_test(tc, directory_self_events_say_isdir);
	tcase_add_test(tc, short_buffer_and_poll);
	tcase_add_test(tc, watch_descriptors_are_not_reused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(inotify_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
