/* inotify(7): an instance is an anonymous-inode file holding a queue of
 * struct inotify_event records; a watch ties an instance to an inode with
 * an event mask. The VFS reports every event with fsnotify(), which queues
 * it on each matching watch of the inode (Linux's fs/notify/inotify). */
#define _GNU_SOURCE
#include "fs/inotify.h"
#include "fs/proc.h"
#include "fs/vfs.h"
#include "sentry/list.h"

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>

#ifndef IN_MASK_CREATE
#define IN_MASK_CREATE 0x10000000
#endif

/* /proc/sys/fs/inotify/max_queued_events: events past it are dropped and
 * one IN_Q_OVERFLOW is queued in their place. */
#define INOTIFY_MAX_EVENTS 16384
/* /proc/sys/fs/inotify/max_user_watches (per instance here). */
#define INOTIFY_MAX_WATCHES 65536

#define IN_EVENT_HDR 16   /* sizeof(struct inotify_event) */

struct in_event {
	struct list_head node;
	int32_t wd;
	uint32_t mask, cookie;
	uint32_t len;         /* name bytes padded to a multiple of 16, 0 without */
	char name[];
};

/* One instance. Owner: its file (f->priv), freed at release. */
struct in_group {
	struct list_head events;     /* struct in_event, oldest first */
	unsigned int nevents;
	size_t bytes;                /* FIONREAD */
	struct waitq wq;             /* readers and pollers */
	struct list_head watches;    /* struct in_watch.gnode */
	int nwatches;
	int next_wd;
};

/* One watch: holds a reference on its inode while it lives. */
struct in_watch {
	struct list_head anode;      /* in all_watches */
	struct list_head gnode;      /* in the group */
	struct list_head inode_node; /* in the inode's marks */
	struct in_group *g;
	struct inode *inode;
	int wd;
	uint32_t mask;
};

/* Every watch, oldest first (unmount walks them). */
static struct list_head all_watches = LIST_HEAD_INIT(all_watches);

/* inode->watches: the list of watches on the inode, NULL when none. */
struct in_marks {
	struct list_head watches;
};

static size_t name_space(const char *name)
{
	size_t n;

	if (!name)
		return 0;
	n = strlen(name) + 1;
	return (n + IN_EVENT_HDR - 1) & ~(size_t)(IN_EVENT_HDR - 1);
}

static struct in_event *last_event(struct in_group *g)
{
	if (list_empty(&g->events))
		return NULL;
	return list_entry(g->events.prev, struct in_event, node);
}

static void queue_event(struct in_group *g, int32_t wd, uint32_t mask, uint32_t cookie,
			const char *name)
{
	size_t len = name_space(name);
	struct in_event *last = last_event(g), *e;

	if (g->nevents >= INOTIFY_MAX_EVENTS) {
		if (last && last->mask == IN_Q_OVERFLOW)
			return;
		wd = -1;
		mask = IN_Q_OVERFLOW;
		cookie = 0;
		name = NULL;
		len = 0;
	} else if (last && last->wd == wd && last->mask == mask && last->cookie == cookie &&
		   (name ? last->len && !strcmp(last->name, name) : !last->len)) {
		/* Identical to the newest queued event: coalesced. */
		return;
	}
	e = calloc(1, sizeof(*e) + len);
	if (!e)
		return;
	e->wd = wd;
	e->mask = mask;
	e->cookie = cookie;
	e->len = (uint32_t)len;
	if (name)
		strcpy(e->name, name);
	list_add_tail(&e->node, &g->events);
	g->nevents++;
	g->bytes += IN_EVENT_HDR + len;
	waitq_wake_all(&g->wq);
}

static struct in_marks *marks_of(struct inode *inode, bool create)
{
	struct in_marks *m = inode->watches;

	if (!m && create) {
		m = calloc(1, sizeof(*m));
		if (!m)
			return NULL;
		list_init(&m->watches);
		inode->watches = m;
	}
	return m;
}

/* Unhook a watch from its group and inode and free it. ignored queues
 * IN_IGNORED first (any removal but the instance's own close). */
static void watch_destroy(struct in_watch *w, bool ignored)
{
	struct inode *inode = w->inode;

	if (ignored)
		queue_event(w->g, w->wd, IN_IGNORED, 0, NULL);
	list_del(&w->anode);
	list_del(&w->gnode);
	list_del(&w->inode_node);
	w->g->nwatches--;
	free(w);
	/* The inode keeps its (empty) mark list until marks_trim(): a
	 * caller may be iterating it. */
	inode_put(inode);
}

static void marks_trim(struct inode *inode)
{
	struct in_marks *m = inode->watches;

	if (m && list_empty(&m->watches)) {
		inode->watches = NULL;
		free(m);
	}
}

/* unlinked: the event is about an entry already unlinked from inode (a
 * directory), which watches with IN_EXCL_UNLINK do not hear. */
static void notify(struct inode *inode, uint32_t mask, const char *name, uint32_t cookie,
		   bool unlinked)
{
	struct in_marks *m;
	struct in_watch *w, *n;
	bool gone;

	if (!inode || !(m = inode->watches))
		return;
	/* A directory's own events say IN_ISDIR (not DELETE_SELF or
	 * MOVE_SELF, as Linux shows them); for entry events the caller says
	 * whether the entry is a directory. */
	if (!name && S_ISDIR(inode->mode) && !(mask & (IN_DELETE_SELF | IN_MOVE_SELF)))
		mask |= IN_ISDIR;
	/* Keep the inode alive while its last watches go. */
	inode_get(inode);
	gone = mask & (IN_DELETE_SELF | IN_UNMOUNT);
	list_for_each_entry_safe(w, n, &m->watches, inode_node) {
		uint32_t want = w->mask & (IN_ALL_EVENTS | IN_UNMOUNT);

		if (!(mask & want) && !(mask & IN_UNMOUNT))
			continue;
		if (unlinked && (w->mask & IN_EXCL_UNLINK))
			continue;
		/* IN_EXCL_UNLINK: the VFS reports nothing about unlinked
		 * children to their old directory, which is what it asks. */
		queue_event(w->g, w->wd, mask & (IN_ALL_EVENTS | IN_ISDIR | IN_UNMOUNT), cookie,
			    name);
		if ((w->mask & IN_ONESHOT) && !gone)
			watch_destroy(w, true);
	}
	if (gone) {
		m = inode->watches;
		if (m)
			list_for_each_entry_safe(w, n, &m->watches, inode_node)
				watch_destroy(w, true);
	}
	marks_trim(inode);
	inode_put(inode);
}

void fsnotify(struct inode *inode, uint32_t mask, const char *name, uint32_t cookie)
{
	notify(inode, mask, name, cookie, false);
}

/* ---- the instance file ---- */

static int in_wait(struct task *t, struct in_group *g)
{
	struct waiter w;
	int err;

	waitq_add(&g->wq, &w, t);
	err = task_sleep(t, NULL);
	waitq_del(&w);
	return err;
}

static ssize_t in_read(struct task *t, struct file *f, void *buf, size_t n, int64_t *pos)
{
	struct in_group *g = f->priv;
	size_t done = 0;

	(void)pos;
	while (list_empty(&g->events)) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (in_wait(t, g) == -EINTR)
			return -ERESTARTSYS;
	}
	while (!list_empty(&g->events)) {
		struct in_event *e = list_first_entry(&g->events, struct in_event, node);
		size_t sz = IN_EVENT_HDR + e->len;

		if (sz > n - done)
			break;
		memcpy((char *)buf + done, &e->wd, 4);
		memcpy((char *)buf + done + 4, &e->mask, 4);
		memcpy((char *)buf + done + 8, &e->cookie, 4);
		memcpy((char *)buf + done + 12, &e->len, 4);
		memset((char *)buf + done + IN_EVENT_HDR, 0, e->len);
		if (e->len)
			memcpy((char *)buf + done + IN_EVENT_HDR, e->name, strlen(e->name));
		done += sz;
		list_del(&e->node);
		g->nevents--;
		g->bytes -= sz;
		free(e);
	}
	/* The first event does not fit: Linux says EINVAL. */
	return done ? (ssize_t)done : -EINVAL;
}

static unsigned int in_poll(struct file *f, struct waitq **wq)
{
	struct in_group *g = f->priv;

	if (wq)
		*wq = &g->wq;
	return list_empty(&g->events) ? 0 : POLLIN | POLLRDNORM;
}

static long in_ioctl(struct task *t, struct file *f, unsigned int cmd, uint64_t arg)
{
	struct in_group *g = f->priv;
	int n;

	if (cmd != FIONREAD)
		return -ENOTTY;
	n = g->bytes > INT32_MAX ? INT32_MAX : (int)g->bytes;
	return copy_to_guest(t, arg, &n, sizeof(n));
}

/* Anonymous inodes: mode 0600 with no file type bits, like Linux. */
static int in_fstat(struct file *f, struct stat *st)
{
	(void)f;
	memset(st, 0, sizeof(*st));
	st->st_dev = 0xe;
	st->st_ino = 1;
	st->st_mode = 0600;
	st->st_nlink = 1;
	st->st_blksize = 4096;
	return 0;
}

/* Anonymous inodes accept lseek and stay at 0 (Linux noop_llseek). */
static int64_t in_llseek(struct file *f, int64_t off, int whence)
{
	return 0;
}

static void in_release(struct file *f)
{
	struct in_group *g = f->priv;
	struct in_watch *w, *wn;
	struct in_event *e, *en;

	list_for_each_entry_safe(w, wn, &g->watches, gnode) {
		struct inode *inode = w->inode;

		inode_get(inode);
		watch_destroy(w, false);
		marks_trim(inode);
		inode_put(inode);
	}
	list_for_each_entry_safe(e, en, &g->events, node)
		free(e);
	free(g);
}

static const struct file_ops inotify_ops = {
	.read = in_read,
	.llseek = in_llseek,
	.poll = in_poll,
	.ioctl = in_ioctl,
	.fstat = in_fstat,
	.release = in_release,
};

struct file *inotify_new(int oflags)
{
	struct in_group *g = calloc(1, sizeof(*g));
	struct file *f;

	if (!g)
		return NULL;
	list_init(&g->events);
	list_init(&g->watches);
	waitq_init(&g->wq);
	g->next_wd = 1;
	f = file_new(&inotify_ops, O_RDONLY | (oflags & O_NONBLOCK), g, "anon_inode:inotify");
	if (!f)
		free(g);
	return f;
}

bool file_is_inotify(struct file *f)
{
	return f->ops == &inotify_ops;
}

static struct in_watch *find_wd(struct in_group *g, int wd)
{
	struct in_watch *w;

	list_for_each_entry(w, &g->watches, gnode)
		if (w->wd == wd)
			return w;
	return NULL;
}

int inotify_watch_add(struct file *f, struct inode *inode, uint32_t mask)
{
	struct in_group *g = f->priv;
	struct in_marks *m = inode->watches;
	struct in_watch *w;
	uint32_t keep = mask & (IN_ALL_EVENTS | IN_ONESHOT | IN_EXCL_UNLINK | IN_ONLYDIR |
				IN_DONT_FOLLOW);

	if (m)
		list_for_each_entry(w, &m->watches, inode_node) {
			if (w->g != g)
				continue;
			if (mask & IN_MASK_CREATE)
				return -EEXIST;
			w->mask = (mask & IN_MASK_ADD) ? (w->mask | keep) : keep;
			return w->wd;
		}
	if (g->nwatches >= INOTIFY_MAX_WATCHES)
		return -ENOSPC;
	w = calloc(1, sizeof(*w));
	m = marks_of(inode, true);
	if (!w || !m) {
		free(w);
		return -ENOMEM;
	}
	/* Watch descriptors are never reused within an instance (Linux's
	 * idr_alloc_cyclic), until they wrap. */
	do {
		w->wd = g->next_wd++;
		if (g->next_wd <= 0)
			g->next_wd = 1;
	} while (find_wd(g, w->wd));
	w->g = g;
	w->inode = inode;
	w->mask = keep;
	inode_get(inode);
	list_add_tail(&w->anode, &all_watches);
	list_add_tail(&w->gnode, &g->watches);
	list_add_tail(&w->inode_node, &m->watches);
	g->nwatches++;
	return w->wd;
}

int inotify_watch_rm(struct file *f, int wd)
{
	struct in_watch *w = find_wd(f->priv, wd);

	struct inode *inode;

	if (!w)
		return -EINVAL;
	inode = w->inode;
	inode_get(inode);
	watch_destroy(w, true);
	marks_trim(inode);
	inode_put(inode);
	return 0;
}

void fsnotify_dentry(struct dentry *d, uint32_t mask)
{
	struct dentry *parent = d->parent;

	/* The directory's watchers hear about the entry by name first, then
	 * the file's own watchers (Linux's fsnotify_parent order). An
	 * unlinked entry keeps its old parent and name. */
	if (parent && parent != d)
		notify(parent->inode, mask | (S_ISDIR(d->inode->mode) ? IN_ISDIR : 0), d->name, 0,
		       d->flags & D_DELETED);
	fsnotify(d->inode, mask, NULL, 0);
}

void fsnotify_sb_release(struct super_block *sb)
{
	struct list_head *pos;

	/* Newest first, as Linux walks a superblock's inodes. Each removal
	 * may free entries around it: start over after every one. */
again:
	for (pos = all_watches.prev; pos != &all_watches; pos = pos->prev) {
		struct in_watch *w = list_entry(pos, struct in_watch, anode);
		struct inode *inode = w->inode;

		if (inode->sb != sb)
			continue;
		inode_get(inode);
		queue_event(w->g, w->wd, IN_UNMOUNT | (S_ISDIR(inode->mode) ? IN_ISDIR : 0), 0, NULL);
		watch_destroy(w, true);
		marks_trim(inode);
		inode_put(inode);
		goto again;
	}
}

void inotify_show_fdinfo(struct file *f, struct pbuf *b)
{
	struct in_group *g = f->priv;
	struct in_watch *w;

	list_for_each_entry(w, &g->watches, gnode) {
		dev_t dev = w->inode->sb ? w->inode->sb->dev : 0;

		/* sdev in the kernel's encoding (major << 20 | minor). */
		pbuf_printf(b, "inotify wd:%x ino:%" PRIx64 " sdev:%x mask:%x ignored_mask:0\n", w->wd,
			    w->inode->ino, (unsigned int)(major(dev) << 20 | minor(dev)), w->mask);
	}
}
