/* File locks, as Linux's fs/locks.c behaves: flock(2) locks belong to an
 * open file description; POSIX record locks belong to the process's fd
 * table (Linux's fl_owner = current->files) and go away when it closes ANY
 * fd of the inode; OFD record locks belong to an open file description.
 * Record locks of one owner never overlap: setting a range splits, trims
 * and merges the owner's others. Blocked F_SETLKW callers are recorded so
 * that a POSIX wait closing a cycle fails with EDEADLK. All under the BKL;
 * every change wakes the inode's one wait queue. */
#define _GNU_SOURCE
#include "fs/lock.h"
#include "fs/fdtypes.h"
#include "fs/vfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>

#define OFFSET_MAX INT64_MAX
/* Linux's MAX_DEADLK_ITERATIONS. */
#define MAX_DEADLK_ITERATIONS 10

#ifndef F_OFD_GETLK
#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#define F_OFD_SETLKW 38
#endif

/* struct flock as the x86-64 guest lays it out. */
struct kflock {
	int16_t l_type;
	int16_t l_whence;
	int64_t l_start;
	int64_t l_len;
	int32_t l_pid;
	int32_t pad;
};

struct flock_ent {
	struct list_head node;
	struct file *file;
	int type;               /* F_RDLCK (shared) or F_WRLCK (exclusive) */
};

/* A POSIX or OFD record lock on [start, end] (inclusive). */
struct rec_lock {
	struct list_head node;
	const void *owner;      /* struct files * (POSIX) or struct file * (OFD) */
	bool ofd;
	int pid;                /* tgid of the locker, for F_GETLK (POSIX) */
	int type;               /* F_RDLCK or F_WRLCK */
	int64_t start, end;
};

/* Per inode (inode->locks); freed when empty and nobody waits. */
struct file_locks {
	struct list_head flocks;
	struct list_head recs;
	struct waitq wq;
	int waiting;
};

/* A POSIX owner blocked in F_SETLKW and the owner it waits for. */
struct blocked_owner {
	struct list_head node;
	const void *owner;
	const void *blocker;
};

static struct list_head blocked_list = LIST_HEAD_INIT(blocked_list);

/* Files without a VFS inode (pipes, sockets, eventfds...) still take
 * locks, as Linux's do on their anonymous inodes: a stand-in inode keyed
 * by the object behind the file (f->priv, which both ends of a pipe
 * share), alive only while it holds lock state. Every lock on it goes
 * when the files are closed, so a key never outlives its object with
 * state attached. */
struct pseudo {
	struct pseudo *next;
	const void *key;
	struct inode inode;
};

static struct pseudo *pseudos;

static struct inode *pseudo_inode(struct file *f, bool create)
{
	struct pseudo *p;

	for (p = pseudos; p; p = p->next)
		if (p->key == f->priv)
			return &p->inode;
	if (!create || !f->priv)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->key = f->priv;
	p->inode.refs = 1;
	p->next = pseudos;
	pseudos = p;
	return &p->inode;
}

static void pseudo_drop(struct inode *inode)
{
	for (struct pseudo **pp = &pseudos; *pp; pp = &(*pp)->next) {
		if (&(*pp)->inode == inode) {
			struct pseudo *p = *pp;

			*pp = p->next;
			free(p);
			return;
		}
	}
}

static struct inode *lock_inode_of(struct file *f, bool create)
{
	struct inode *inode = f->dentry ? f->dentry->inode : memfd_inode(f);

	return inode ? inode : pseudo_inode(f, create);
}

static struct inode *lock_inode(struct file *f)
{
	return lock_inode_of(f, false);
}

static struct file_locks *locks_get(struct inode *inode)
{
	struct file_locks *fl = inode->locks;

	if (fl)
		return fl;
	fl = calloc(1, sizeof(*fl));
	if (!fl)
		return NULL;
	list_init(&fl->flocks);
	list_init(&fl->recs);
	waitq_init(&fl->wq);
	inode->locks = fl;
	return fl;
}

/* Free the inode's lock state once it holds nothing. */
static void locks_maybe_free(struct inode *inode)
{
	struct file_locks *fl = inode->locks;

	if (fl && !fl->waiting && list_empty(&fl->flocks) && list_empty(&fl->recs) &&
	    list_empty(&fl->wq.waiters)) {
		inode->locks = NULL;
		free(fl);
	}
	if (!inode->locks && !inode->sb && !inode->iops)
		pseudo_drop(inode);
}

/* Sleep on fl's queue; the caller holds a file reference (so the inode
 * lives) and fl->waiting keeps fl. */
static int locks_wait(struct task *t, struct file_locks *fl)
{
	struct waiter w;
	int err;

	fl->waiting++;
	waitq_add(&fl->wq, &w, t);
	err = task_sleep(t, NULL);
	waitq_del(&w);
	fl->waiting--;
	return err;
}

/* ---------------------------------------------------------------- flock */

static struct flock_ent *flock_conflict(struct file_locks *fl, struct file *f, int type)
{
	struct flock_ent *e;

	list_for_each_entry(e, &fl->flocks, node)
		if (e->file != f && (type == F_WRLCK || e->type == F_WRLCK))
			return e;
	return NULL;
}

static void flock_remove(struct file_locks *fl, struct file *f)
{
	struct flock_ent *e, *n;

	list_for_each_entry_safe(e, n, &fl->flocks, node) {
		if (e->file == f) {
			list_del(&e->node);
			free(e);
			waitq_wake_all(&fl->wq);
		}
	}
}

long lock_flock(struct task *t, struct file *f, int op)
{
	struct inode *inode;
	struct file_locks *fl;
	struct flock_ent *e;
	int cmd = op & ~LOCK_NB, type;
	long r = 0;

	if (cmd == LOCK_UN)
		type = F_UNLCK;
	else if (cmd == LOCK_SH)
		type = F_RDLCK;
	else if (cmd == LOCK_EX)
		type = F_WRLCK;
	else
		return -EINVAL;
	if (f->flags & O_PATH)
		return -EBADF;
	inode = lock_inode_of(f, true);
	if (!inode)
		return -ENOLCK;
	fl = locks_get(inode);
	if (!fl) {
		locks_maybe_free(inode);
		return -ENOLCK;
	}
	/* Same type held already: nothing to do. A conversion first drops
	 * the old lock (and may then wait), as Linux's flock_lock_inode. */
	list_for_each_entry(e, &fl->flocks, node) {
		if (e->file == f && e->type == type)
			return 0;
	}
	flock_remove(fl, f);
	if (type == F_UNLCK)
		goto out;
	while (flock_conflict(fl, f, type)) {
		if (op & LOCK_NB) {
			r = -EWOULDBLOCK;
			goto out;
		}
		if (locks_wait(t, fl) == -EINTR) {
			r = -ERESTARTSYS;
			goto out;
		}
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		r = -ENOLCK;
		goto out;
	}
	e->file = f;
	e->type = type;
	list_add_tail(&e->node, &fl->flocks);
out:
	locks_maybe_free(inode);
	return r;
}

/* --------------------------------------------------------- record locks */

static bool ranges_overlap(const struct rec_lock *l, int64_t start, int64_t end)
{
	return l->start <= end && start <= l->end;
}

static struct rec_lock *rec_conflict(struct file_locks *fl, const void *owner, int type,
				     int64_t start, int64_t end)
{
	struct rec_lock *l, *best = NULL;

	/* Linux keeps each owner's locks ordered by start: report the
	 * lowest conflicting range. */
	list_for_each_entry(l, &fl->recs, node) {
		if (l->owner == owner || !ranges_overlap(l, start, end))
			continue;
		if ((type == F_WRLCK || l->type == F_WRLCK) && (!best || l->start < best->start))
			best = l;
	}
	return best;
}

static struct blocked_owner *blocked_find(const void *owner)
{
	struct blocked_owner *b;

	list_for_each_entry(b, &blocked_list, node)
		if (b->owner == owner)
			return b;
	return NULL;
}

/* Would owner waiting for blocker close a cycle of POSIX waiters? */
static bool posix_deadlock(const void *owner, const void *blocker)
{
	for (int i = 0; i <= MAX_DEADLK_ITERATIONS; i++) {
		struct blocked_owner *b = blocked_find(blocker);

		if (!b)
			return false;
		blocker = b->blocker;
		if (blocker == owner)
			return true;
	}
	return false;
}

static struct rec_lock *rec_new(const void *owner, bool ofd, int pid, int type, int64_t start,
				int64_t end)
{
	struct rec_lock *l = calloc(1, sizeof(*l));

	if (l) {
		l->owner = owner;
		l->ofd = ofd;
		l->pid = pid;
		l->type = type;
		l->start = start;
		l->end = end;
	}
	return l;
}

/* Apply owner's lock (or unlock) of [start, end] with no conflict left:
 * merge with its touching locks of the same type, cut its others. */
static int rec_apply(struct file_locks *fl, const void *owner, bool ofd, int pid, int type,
		     int64_t start, int64_t end)
{
	struct rec_lock *l, *n, *split = NULL, *nl = NULL;
	int64_t s = start, e = end;

	/* Allocate first so a failure changes nothing. */
	if (type != F_UNLCK) {
		nl = rec_new(owner, ofd, pid, type, start, end);
		if (!nl)
			return -ENOLCK;
	}
	list_for_each_entry(l, &fl->recs, node) {
		if (l->owner == owner && l->type != type && l->start < start && l->end > end) {
			split = rec_new(owner, ofd, l->pid, l->type, end + 1, l->end);
			if (!split) {
				free(nl);
				return -ENOLCK;
			}
			break;
		}
	}
	list_for_each_entry_safe(l, n, &fl->recs, node) {
		if (l->owner != owner)
			continue;
		if (l->type == type) {
			/* Touching (adjacent or overlapping): merge. */
			bool touch = l->start <= (e == OFFSET_MAX ? e : e + 1) &&
				     s <= (l->end == OFFSET_MAX ? l->end : l->end + 1);

			if (touch) {
				if (l->start < s)
					s = l->start;
				if (l->end > e)
					e = l->end;
				list_del(&l->node);
				free(l);
			}
			continue;
		}
		if (!ranges_overlap(l, start, end))
			continue;
		if (l->start < start && l->end > end) {
			/* The new range is inside l: l keeps the head, split
			 * takes the tail. */
			l->end = start - 1;
			list_add(&split->node, &l->node);
			split = NULL;
		} else if (l->start < start) {
			l->end = start - 1;
		} else if (l->end > end) {
			l->start = end + 1;
		} else {
			list_del(&l->node);
			free(l);
		}
	}
	free(split);
	if (nl) {
		nl->start = s;
		nl->end = e;
		list_add_tail(&nl->node, &fl->recs);
	}
	waitq_wake_all(&fl->wq);
	return 0;
}

/* struct flock -> [start, end], as flock_to_posix_lock. */
static int flock_range(struct file *f, struct inode *inode, const struct kflock *k,
		       int64_t *start, int64_t *end)
{
	int64_t base;

	switch (k->l_whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = f->pos;
		break;
	case SEEK_END:
		base = (int64_t)inode->size;
		break;
	default:
		return -EINVAL;
	}
	if (k->l_start > OFFSET_MAX - base)
		return -EOVERFLOW;
	base += k->l_start;
	if (base < 0)
		return -EINVAL;
	if (k->l_len > 0) {
		if (k->l_len - 1 > OFFSET_MAX - base)
			return -EOVERFLOW;
		*start = base;
		*end = base + (k->l_len - 1);
	} else if (k->l_len < 0) {
		if (base + k->l_len < 0)
			return -EINVAL;
		*end = base - 1;
		*start = base + k->l_len;
	} else {
		*start = base;
		*end = OFFSET_MAX;
	}
	return 0;
}

static long lock_getlk(struct task *t, struct file *f, struct inode *inode, bool ofd,
		       uint64_t arg, struct kflock *k)
{
	const void *owner = ofd ? (const void *)f : (const void *)t->files;
	struct rec_lock *l = NULL;
	int64_t start, end;
	int r;

	if (k->l_type != F_RDLCK && k->l_type != F_WRLCK)
		return -EINVAL;
	if (ofd && k->l_pid)
		return -EINVAL;
	r = flock_range(f, inode, k, &start, &end);
	if (r < 0)
		return r;
	if (inode->locks)
		l = rec_conflict(inode->locks, owner, k->l_type, start, end);
	if (!l) {
		k->l_type = F_UNLCK;
	} else {
		k->l_type = (int16_t)l->type;
		k->l_whence = SEEK_SET;
		k->l_start = l->start;
		k->l_len = l->end == OFFSET_MAX ? 0 : l->end - l->start + 1;
		k->l_pid = l->ofd ? -1 : l->pid;
	}
	return copy_to_guest(t, arg, k, sizeof(*k)) < 0 ? -EFAULT : 0;
}

static long lock_setlk(struct task *t, struct file *f, struct inode *inode, bool ofd, bool wait,
		       struct kflock *k)
{
	const void *owner = ofd ? (const void *)f : (const void *)t->files;
	int acc = f->flags & O_ACCMODE;
	struct file_locks *fl;
	struct rec_lock *c;
	int64_t start, end;
	long r;

	if (k->l_type != F_RDLCK && k->l_type != F_WRLCK && k->l_type != F_UNLCK)
		r = -EINVAL;
	else if (ofd && k->l_pid)
		r = -EINVAL;
	else if (k->l_type == F_RDLCK && acc == O_WRONLY)
		r = -EBADF;
	else if (k->l_type == F_WRLCK && acc == O_RDONLY)
		r = -EBADF;
	else
		r = flock_range(f, inode, k, &start, &end);
	if (r < 0)
		goto out;
	fl = locks_get(inode);
	if (!fl) {
		r = -ENOLCK;
		goto out;
	}
	while (k->l_type != F_UNLCK &&
	       (c = rec_conflict(fl, owner, k->l_type, start, end)) != NULL) {
		struct blocked_owner b;
		int err;

		if (!wait) {
			r = -EAGAIN;
			goto out;
		}
		if (!ofd && !c->ofd && posix_deadlock(owner, c->owner)) {
			r = -EDEADLK;
			goto out;
		}
		b.owner = owner;
		b.blocker = c->ofd ? NULL : c->owner;
		if (!ofd)
			list_add_tail(&b.node, &blocked_list);
		err = locks_wait(t, fl);
		if (!ofd)
			list_del(&b.node);
		if (err == -EINTR) {
			r = -ERESTARTSYS;
			goto out;
		}
	}
	r = rec_apply(fl, owner, ofd, t->tg->tgid, k->l_type, start, end);
out:
	locks_maybe_free(inode);
	return r;
}

long lock_fcntl(struct task *t, struct file *f, int cmd, uint64_t arg)
{
	struct inode *inode, none = { 0 };
	struct kflock k;
	bool ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
	bool get = cmd == F_GETLK || cmd == F_OFD_GETLK;

	if (f->flags & O_PATH)
		return -EBADF;
	if (copy_from_guest(t, &k, arg, sizeof(k)) < 0)
		return -EFAULT;
	inode = lock_inode_of(f, !get);
	if (!inode && get)
		inode = &none;   /* an inode-less file nobody locked */
	if (!inode)
		return -ENOLCK;
	switch (cmd) {
	case F_GETLK:
	case F_OFD_GETLK:
		return lock_getlk(t, f, inode, ofd, arg, &k);
	case F_SETLK:
	case F_OFD_SETLK:
		return lock_setlk(t, f, inode, ofd, false, &k);
	case F_SETLKW:
	case F_OFD_SETLKW:
		return lock_setlk(t, f, inode, ofd, true, &k);
	default:
		return -EINVAL;
	}
}

/* Drop every record lock of owner on the inode. */
static void rec_remove_owner(struct file_locks *fl, const void *owner)
{
	struct rec_lock *l, *n;
	bool any = false;

	list_for_each_entry_safe(l, n, &fl->recs, node) {
		if (l->owner == owner) {
			list_del(&l->node);
			free(l);
			any = true;
		}
	}
	if (any)
		waitq_wake_all(&fl->wq);
}

void lock_close_files(struct files *owner, struct file *f)
{
	struct inode *inode = f ? lock_inode(f) : NULL;

	if (!inode || !inode->locks || !owner)
		return;
	rec_remove_owner(inode->locks, owner);
	locks_maybe_free(inode);
}

void lock_close_posix(struct task *t, struct file *f)
{
	if (t)
		lock_close_files(t->files, f);
}

void lock_release_file(struct file *f)
{
	struct inode *inode = lock_inode(f);

	if (!inode || !inode->locks)
		return;
	rec_remove_owner(inode->locks, f);
	flock_remove(inode->locks, f);
	locks_maybe_free(inode);
}

void lock_inode_free(struct inode *inode)
{
	struct file_locks *fl = inode->locks;
	struct flock_ent *e, *en;
	struct rec_lock *l, *ln;

	if (!fl)
		return;
	list_for_each_entry_safe(e, en, &fl->flocks, node)
		free(e);
	list_for_each_entry_safe(l, ln, &fl->recs, node)
		free(l);
	inode->locks = NULL;
	free(fl);
}
