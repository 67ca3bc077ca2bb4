/* POSIX message queues: the mqueue filesystem (one superblock per
 * sandbox, the ipc namespace's; every `mount -t mqueue` shows it) and
 * the queue semantics of mq_overview(7) and Linux's ipc/mqueue.c:
 * messages ordered by priority then arrival, blocking send and receive
 * with deadlines, poll readiness, one notification registration per
 * queue, /proc/sys/fs/mqueue limits and RLIMIT_MSGQUEUE accounting. */
#define _GNU_SOURCE
#include "fs/mqueue.h"
#include "fs/vfs.h"
#include "sentry/list.h"
#include "sentry/time.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#define MQUEUE_MAGIC_K 0x19800202
#define CAP_SYS_RESOURCE_K 24
#define CAP_FOWNER_K 3
/* Linux's sizes for RLIMIT_MSGQUEUE accounting (struct msg_msg and
 * struct posix_msg_tree_node on x86-64). */
#define MSG_HDR_K 48
#define TREE_NODE_K 48
#define FILENT_SIZE_K 80
#define DIRENT_SIZE_K 20

struct mq_limits mq_limits = {
	.msg_max = 10, .msgsize_max = 8192, .queues_max = 256,
	.msg_default = 10, .msgsize_default = 8192,
};

struct mq_msg {
	struct list_head node;
	unsigned int prio;
	size_t len;
	char data[];
};

/* Owned by its inode (inode->priv), freed at evict. */
struct mqueue {
	long maxmsg, msgsize;
	long curmsgs;
	uint64_t qsize;                /* bytes of the queued messages */
	struct list_head msgs;         /* highest priority first, FIFO within */
	struct waitq wq;               /* senders, receivers and pollers */
	int recv_waiting;              /* receivers asleep: no notification then */
	/* The registration of mq_notify: the process (tgid) and its event. */
	int notify_pid;
	uint32_t notify_uid;
	struct mq_sigevent_k notify;
	uint32_t owner_uid;            /* whose RLIMIT_MSGQUEUE pays */
	uint64_t mq_bytes;
};

/* One entry of the root directory (the only directory). */
struct mq_dirent {
	struct list_head node;
	uint64_t cookie;
	struct inode *inode;           /* one reference */
	char name[];
};

/* RLIMIT_MSGQUEUE is charged per user, as in Linux's user_struct. */
struct mq_user {
	struct mq_user *next;
	uint32_t uid;
	uint64_t bytes;
};

static struct super_block *mq_sb;
static struct mount *mq_mnt;          /* the internal mount mq_open uses */
static struct list_head mq_dir = LIST_HEAD_INIT(mq_dir);
static uint64_t mq_next_cookie = 1;
static long mq_queues;                /* queues alive (Linux's mq_queues_count) */
static struct mq_user *mq_users;

static const struct inode_ops mq_root_iops;
static const struct inode_ops mq_file_iops;
static const struct file_ops mq_file_fops;
static struct file_ops mq_root_fops;

static struct mq_user *mq_user(uint32_t uid)
{
	struct mq_user *u;

	for (u = mq_users; u; u = u->next)
		if (u->uid == uid)
			return u;
	u = calloc(1, sizeof(*u));
	if (!u)
		return NULL;
	u->uid = uid;
	u->next = mq_users;
	mq_users = u;
	return u;
}

static uint64_t queue_bytes(long maxmsg, long msgsize)
{
	uint64_t tree = (uint64_t)maxmsg * MSG_HDR_K +
			(uint64_t)(maxmsg < MQ_PRIO_MAX_K ? maxmsg : MQ_PRIO_MAX_K) * TREE_NODE_K;

	return tree + (uint64_t)maxmsg * (uint64_t)msgsize;
}

/* ---- the filesystem ---- */

static void mq_inode_init(struct inode *i, uint32_t mode, const struct vfs_owner *o)
{
	i->mode = mode;
	i->uid = o->uid;
	i->gid = o->gid;
	i->nlink = 1;
	inode_touch(i, ATTR_ATIME | ATTR_MTIME | ATTR_CTIME);
}

/* A new queue inode; the caller checked the attributes. */
static int mq_new_queue(struct task *t, struct inode *dir, const char *name, uint32_t mode,
			const struct vfs_owner *o, long maxmsg, long msgsize, struct inode **out)
{
	struct mqueue *q;
	struct mq_dirent *e;
	struct mq_user *u;
	struct inode *i;
	uint64_t bytes = queue_bytes(maxmsg, msgsize);
	uint64_t lim = t ? t->tg->rlim[RLIMIT_MSGQUEUE].rlim_cur : RLIM_INFINITY;

	if (mq_queues >= mq_limits.queues_max && !(t && capable(t, CAP_SYS_RESOURCE_K)))
		return -ENOSPC;
	u = mq_user(o->uid);
	if (!u)
		return -ENOMEM;
	if (lim != RLIM_INFINITY && (u->bytes + bytes < u->bytes || u->bytes + bytes > lim))
		return -EMFILE;
	q = calloc(1, sizeof(*q));
	e = calloc(1, sizeof(*e) + strlen(name) + 1);
	i = q && e ? inode_new(dir->sb, &mq_file_iops, &mq_file_fops, S_IFREG | (mode & 07777), 0)
		   : NULL;
	if (!i) {
		free(q);
		free(e);
		return -ENOMEM;
	}
	q->maxmsg = maxmsg;
	q->msgsize = msgsize;
	list_init(&q->msgs);
	waitq_init(&q->wq);
	q->owner_uid = o->uid;
	q->mq_bytes = bytes;
	u->bytes += bytes;
	mq_queues++;
	mq_inode_init(i, S_IFREG | (mode & 07777), o);
	i->size = FILENT_SIZE_K;
	i->priv = q;
	strcpy(e->name, name);
	e->cookie = mq_next_cookie++;
	e->inode = i;
	inode_get(i);
	list_add_tail(&e->node, &mq_dir);
	dir->size += DIRENT_SIZE_K;
	inode_touch(dir, ATTR_MTIME | ATTR_CTIME);
	*out = i;
	return 0;
}

static struct mq_dirent *mq_find(const char *name)
{
	struct mq_dirent *e;

	list_for_each_entry(e, &mq_dir, node)
		if (!strcmp(e->name, name))
			return e;
	return NULL;
}

static int mq_lookup(struct inode *dir, const char *name, struct inode **out)
{
	struct mq_dirent *e = mq_find(name);

	if (strlen(name) > NAME_MAX)
		return -ENAMETOOLONG;
	if (!e)
		return -ENOENT;
	inode_get(e->inode);
	*out = e->inode;
	return 0;
}

/* open(O_CREAT) or mknod in the mount: a queue with the default sizes. */
static int mq_create(struct inode *dir, const char *name, uint32_t mode, dev_t rdev,
		     const struct vfs_owner *o, struct inode **out)
{
	long maxmsg = mq_limits.msg_default < mq_limits.msg_max ? mq_limits.msg_default :
								   mq_limits.msg_max;
	long msgsize = mq_limits.msgsize_default < mq_limits.msgsize_max ?
			       mq_limits.msgsize_default : mq_limits.msgsize_max;

	(void)rdev;
	if (!S_ISREG(mode))
		return -EINVAL;
	return mq_new_queue(NULL, dir, name, mode, o, maxmsg, msgsize, out);
}

static int mq_unlink_ent(struct inode *dir, const char *name, struct inode *victim)
{
	struct mq_dirent *e = mq_find(name);

	if (!e || e->inode != victim)
		return -ENOENT;
	list_del(&e->node);
	victim->nlink = 0;
	inode_touch(victim, ATTR_CTIME);
	inode_touch(dir, ATTR_MTIME | ATTR_CTIME);
	dir->size -= DIRENT_SIZE_K;
	inode_put(e->inode);
	free(e);
	return 0;
}

static int mq_setattr(struct inode *i, const struct iattr *a)
{
	if (a->valid & ATTR_SIZE)
		return -EINVAL;
	if (a->valid & ATTR_MODE)
		i->mode = (i->mode & S_IFMT) | (a->mode & 07777);
	if (a->valid & ATTR_UID)
		i->uid = a->uid;
	if (a->valid & ATTR_GID)
		i->gid = a->gid;
	if (a->valid & ATTR_ATIME)
		i->atime = a->atime;
	if (a->valid & ATTR_MTIME)
		i->mtime = a->mtime;
	if (a->valid & ATTR_CTIME)
		i->ctime = a->ctime;
	else
		inode_touch(i, ATTR_CTIME);
	return 0;
}

static int mq_iterate(struct file *f, struct dir_ctx *ctx)
{
	struct inode *dir = f->dentry ? f->dentry->inode : NULL;
	struct mq_dirent *e;

	if (!dir)
		return -ENOTDIR;
	if (ctx->pos == 0) {
		if (!ctx->emit(ctx, ".", 1, dir->ino, DT_DIR))
			return 0;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		if (!ctx->emit(ctx, "..", 2, dir->ino, DT_DIR))
			return 0;
		ctx->pos = 2;
	}
	/* Positions after "..": 2 + the cookie of the last entry given. */
	list_for_each_entry(e, &mq_dir, node) {
		if ((int64_t)e->cookie + 2 <= ctx->pos)
			continue;
		if (!ctx->emit(ctx, e->name, strlen(e->name), e->inode->ino, DT_REG))
			return 0;
		ctx->pos = (int64_t)e->cookie + 2;
	}
	return 0;
}

static void mq_free_msgs(struct mqueue *q)
{
	struct mq_msg *m, *n;

	list_for_each_entry_safe(m, n, &q->msgs, node) {
		list_del(&m->node);
		free(m);
	}
}

static void mq_evict(struct inode *i)
{
	struct mqueue *q = i->priv;
	struct mq_user *u;

	if (!q || !S_ISREG(i->mode))
		return;
	mq_free_msgs(q);
	u = mq_user(q->owner_uid);
	if (u)
		u->bytes -= u->bytes >= q->mq_bytes ? q->mq_bytes : u->bytes;
	mq_queues--;
	free(q);
	i->priv = NULL;
}

static int mq_statfs(struct super_block *sb, struct statfs *st)
{
	(void)sb;
	memset(st, 0, sizeof(*st));
	st->f_type = MQUEUE_MAGIC_K;
	st->f_bsize = 4096;
	st->f_frsize = 4096;
	st->f_namelen = NAME_MAX;
	return 0;
}

static const struct super_ops mq_super_ops = {
	.statfs = mq_statfs,
	.evict_inode = mq_evict,
};

static const struct inode_ops mq_root_iops = {
	.lookup = mq_lookup,
	.create = mq_create,
	.unlink = mq_unlink_ent,
	.setattr = mq_setattr,
};

static const struct inode_ops mq_file_iops = {
	.setattr = mq_setattr,
};

/* The superblock and its internal mount, made on first use. */
static int mq_sb_get(void)
{
	const struct vfs_owner root = { 0, 0 };
	struct mnt_ns *ns;
	struct inode *ri;
	int r;

	if (mq_sb)
		return 0;
	mq_sb = sb_new(vfs_find_fs("mqueue"), &mq_super_ops);
	if (!mq_sb)
		return -ENOMEM;
	ri = inode_new(mq_sb, &mq_root_iops, &mq_root_fops, S_IFDIR | 01777, 0);
	if (!ri)
		goto nomem;
	mq_inode_init(ri, S_IFDIR | 01777, &root);
	ri->nlink = 2;
	ri->size = 2 * DIRENT_SIZE_K;
	mq_sb->root = dentry_new_root(mq_sb, ri);
	if (!mq_sb->root)
		goto nomem;
	ns = mnt_ns_new();
	if (!ns)
		goto nomem;
	r = vfs_mount(ns, NULL, mq_sb, mq_sb->root, 0, "mqueue", &mq_mnt);
	if (r < 0) {
		mnt_ns_put(ns);
		sb_put(mq_sb);
		mq_sb = NULL;
		return r;
	}
	return 0;
nomem:
	sb_put(mq_sb);
	mq_sb = NULL;
	return -ENOMEM;
}

static int mq_mount(const struct fs_type *type, const char *source, unsigned long flags,
		    const char *data, struct super_block **out)
{
	int r;

	(void)type;
	(void)source;
	(void)flags;
	(void)data;   /* Linux's mqueue takes no options and ignores what it gets */
	r = mq_sb_get();
	if (r < 0)
		return r;
	sb_get(mq_sb);
	*out = mq_sb;
	return 0;
}

static const struct fs_type mqueue_type = {
	.name = "mqueue",
	.flags = FS_USERMOUNT | FS_NODEV,
	.mount = mq_mount,
};

/* ---- queue files ---- */

struct mqueue *mqueue_of(struct file *f)
{
	struct inode *i;

	if (!f || f->ops != &mq_file_fops || !(i = file_inode(f)))
		return NULL;
	return i->priv;
}

/* Reading a queue file: Linux's one status line. */
static ssize_t mq_read(struct task *t, struct file *f, void *buf, size_t n, int64_t *pos)
{
	struct mqueue *q = mqueue_of(f);
	char line[128];
	int len;

	(void)t;
	if (!q)
		return -EBADF;
	len = snprintf(line, sizeof(line), "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n",
		       (unsigned long)q->qsize, q->notify_pid ? q->notify.notify : 0,
		       q->notify_pid && q->notify.notify == SIGEV_SIGNAL ? q->notify.signo : 0,
		       q->notify_pid);
	if (*pos < 0)
		return -EINVAL;
	if (*pos >= len)
		return 0;
	if (n > (size_t)(len - *pos))
		n = (size_t)(len - *pos);
	memcpy(buf, line + *pos, n);
	*pos += (int64_t)n;
	inode_touch(file_inode(f), ATTR_ATIME);
	return (ssize_t)n;
}

static int64_t mq_llseek(struct file *f, int64_t off, int whence)
{
	int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? f->pos : -1;

	if (base < 0 || base + off < 0)
		return -EINVAL;
	f->pos = base + off;
	return f->pos;
}

static unsigned int mq_poll(struct file *f, struct waitq **wq)
{
	struct mqueue *q = mqueue_of(f);
	unsigned int m = 0;

	if (!q)
		return 0;
	if (wq)
		*wq = &q->wq;
	if (q->curmsgs)
		m |= POLLIN | POLLRDNORM;
	if (q->curmsgs < q->maxmsg)
		m |= POLLOUT | POLLWRNORM;
	return m;
}

static const struct file_ops mq_file_fops = {
	.read = mq_read,
	.llseek = mq_llseek,
	.poll = mq_poll,
};

/* ---- the syscalls' operations ---- */

/* Linux's mq_attr_ok. */
static int attr_ok(struct task *t, const struct mq_attr_k *a)
{
	uint64_t total;

	if (a->mq_maxmsg <= 0 || a->mq_msgsize <= 0)
		return -EINVAL;
	if (capable(t, CAP_SYS_RESOURCE_K)) {
		if (a->mq_maxmsg > MQ_HARD_MSGMAX || a->mq_msgsize > MQ_HARD_MSGSIZEMAX)
			return -EINVAL;
	} else if (a->mq_maxmsg > mq_limits.msg_max || a->mq_msgsize > mq_limits.msgsize_max) {
		return -EINVAL;
	}
	if ((uint64_t)a->mq_msgsize > ULONG_MAX / (uint64_t)a->mq_maxmsg)
		return -EOVERFLOW;
	total = (uint64_t)a->mq_maxmsg * (uint64_t)a->mq_msgsize;
	if (total + queue_bytes(a->mq_maxmsg, 0) < total)
		return -EOVERFLOW;
	return 0;
}

/* Linux's lookup_one_len rules for a queue name. */
static int name_ok(const char *name)
{
	if (!name[0])
		return -ENOENT;   /* getname() refuses "" */
	if (!strcmp(name, ".") || !strcmp(name, "..") || strchr(name, '/'))
		return -EACCES;
	if (strlen(name) > NAME_MAX)
		return -ENAMETOOLONG;
	return 0;
}

struct file *mqueue_open(struct task *t, const char *name, int oflag, uint32_t mode,
			 const struct mq_attr_k *attr, int *err)
{
	struct path p = { 0 };
	struct dentry *d = NULL;
	struct file *f = NULL;
	int r = name_ok(name), acc = oflag & O_ACCMODE;
	bool created = false;

	if (r == 0)
		r = mq_sb_get();
	if (r < 0)
		goto out;
	r = vfs_lookup_child(mq_sb->root, name, &d);
	if (r == -ENOENT) {
		struct vfs_owner o = { t->cred->fsuid, t->cred->fsgid };
		struct inode *dir = mq_sb->root->inode, *i = NULL;
		long maxmsg, msgsize;

		if (!(oflag & O_CREAT))
			goto out;
		if (attr) {
			if ((r = attr_ok(t, attr)) < 0)
				goto out;
			maxmsg = attr->mq_maxmsg;
			msgsize = attr->mq_msgsize;
		} else {
			maxmsg = mq_limits.msg_default < mq_limits.msg_max ? mq_limits.msg_default
									    : mq_limits.msg_max;
			msgsize = mq_limits.msgsize_default < mq_limits.msgsize_max
					  ? mq_limits.msgsize_default : mq_limits.msgsize_max;
		}
		if ((r = vfs_permission(t->cred, dir, MAY_WRITE | MAY_EXEC)) < 0)
			goto out;
		r = mq_new_queue(t, dir, name, mode & ~t->fs->umask & 07777, &o, maxmsg, msgsize, &i);
		if (r < 0)
			goto out;
		d = vfs_d_add(mq_sb->root, name, i);
		if (!d) {
			r = -ENOMEM;
			goto out;
		}
		created = true;
	} else if (r < 0) {
		goto out;
	} else if ((oflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) {
		r = -EEXIST;
		goto out;
	}
	if (acc == O_ACCMODE) {
		r = -EINVAL;
		goto out;
	}
	p.mnt = mq_mnt;
	p.dentry = d;
	oflag &= O_ACCMODE | O_NONBLOCK;
	f = created ? vfs_open_path_internal(t, &p, oflag, &r) : vfs_open_path(t, &p, oflag, &r);
out:
	if (d)
		dentry_put(d);
	if (!f)
		*err = r;
	return f;
}

int mqueue_unlink(struct task *t, const char *name)
{
	struct dentry *d = NULL;
	struct inode *dir, *vi;
	int r = name_ok(name);

	if (r == 0)
		r = mq_sb_get();
	if (r < 0)
		return r;
	r = vfs_lookup_child(mq_sb->root, name, &d);
	if (r < 0)
		return r;
	dir = mq_sb->root->inode;
	vi = d->inode;
	r = vfs_permission(t->cred, dir, MAY_WRITE | MAY_EXEC);
	/* The sticky directory: owner of the queue or of the directory. */
	if (r == 0 && (dir->mode & S_ISVTX) && t->cred->fsuid != vi->uid &&
	    t->cred->fsuid != dir->uid && !capable(t, CAP_FOWNER_K))
		r = -EPERM;
	if (r == 0)
		r = mq_unlink_ent(dir, name, vi);
	if (r == 0)
		vfs_d_delete(d);
	dentry_put(d);
	return r;
}

/* Sleep on the queue until woken, a signal or the deadline. */
static int mq_wait(struct task *t, struct mqueue *q, uint64_t deadline)
{
	struct timespec ts, *tp = NULL;
	struct waiter w;
	int r;

	if (deadline) {
		ts.tv_sec = (time_t)(deadline / 1000000000ULL);
		ts.tv_nsec = (long)(deadline % 1000000000ULL);
		tp = &ts;
	}
	waitq_add(&q->wq, &w, t);
	r = task_sleep(t, tp);
	waitq_del(&w);
	return r;
}

/* The queue went from empty to one message with nobody waiting to take
 * it: the registered process hears of it, and the registration ends. */
static void mq_do_notify(struct task *t, struct mqueue *q)
{
	struct thread_group *tg;

	if (!q->notify_pid || q->curmsgs != 1 || q->recv_waiting)
		return;
	if (q->notify.notify == SIGEV_SIGNAL && (tg = tg_lookup(q->notify_pid)) && !tg->zombie) {
		siginfo_t si;

		memset(&si, 0, sizeof(si));
		si.si_signo = q->notify.signo;
		si.si_code = SI_MESGQ;
		si.si_pid = t->tg->tgid;
		si.si_uid = t->cred->uid;
		si.si_value.sival_ptr = (void *)(uintptr_t)q->notify.value;
		sig_send_tg(tg, q->notify.signo, &si);
	}
	q->notify_pid = 0;
}

long mqueue_send(struct task *t, struct file *f, const void *buf, size_t len, unsigned int prio,
		 uint64_t deadline)
{
	struct mqueue *q = mqueue_of(f);
	struct mq_msg *m, *pos;
	int r;

	if (!q || (f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	if (len > (size_t)q->msgsize)
		return -EMSGSIZE;
	while (q->curmsgs >= q->maxmsg) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		r = mq_wait(t, q, deadline);
		if (r == -EINTR)
			return -ERESTARTSYS;
		if (r == -ETIMEDOUT)
			return -ETIMEDOUT;
	}
	m = malloc(sizeof(*m) + len);
	if (!m)
		return -ENOMEM;
	m->prio = prio;
	m->len = len;
	memcpy(m->data, buf, len);
	/* After the last message of a priority at least as high. */
	list_for_each_entry(pos, &q->msgs, node)
		if (pos->prio < prio)
			break;
	list_add_tail(&m->node, &pos->node);
	q->curmsgs++;
	q->qsize += len;
	inode_touch(file_inode(f), ATTR_ATIME | ATTR_MTIME | ATTR_CTIME);
	mq_do_notify(t, q);
	waitq_wake_all(&q->wq);
	return 0;
}

long mqueue_receive(struct task *t, struct file *f, void *buf, size_t len, unsigned int *prio,
		    uint64_t deadline)
{
	struct mqueue *q = mqueue_of(f);
	struct mq_msg *m;
	size_t n;
	int r;

	if (!q || (f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	if (len < (size_t)q->msgsize)
		return -EMSGSIZE;
	while (!q->curmsgs) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		q->recv_waiting++;
		r = mq_wait(t, q, deadline);
		q->recv_waiting--;
		if (r == -EINTR)
			return -ERESTARTSYS;
		if (r == -ETIMEDOUT)
			return -ETIMEDOUT;
	}
	m = list_first_entry(&q->msgs, struct mq_msg, node);
	list_del(&m->node);
	q->curmsgs--;
	q->qsize -= m->len;
	n = m->len;
	memcpy(buf, m->data, n);
	*prio = m->prio;
	free(m);
	inode_touch(file_inode(f), ATTR_ATIME | ATTR_MTIME | ATTR_CTIME);
	waitq_wake_all(&q->wq);
	return (long)n;
}

int mqueue_notify(struct task *t, struct file *f, const struct mq_sigevent_k *sev)
{
	struct mqueue *q = mqueue_of(f);

	if (!q)
		return -EBADF;
	if (!sev) {
		if (q->notify_pid == t->tg->tgid)
			q->notify_pid = 0;
		return 0;
	}
	if (q->notify_pid)
		return -EBUSY;
	q->notify = *sev;
	q->notify_pid = t->tg->tgid;
	q->notify_uid = t->cred->uid;
	return 0;
}

void mqueue_getattr(struct file *f, struct mq_attr_k *out)
{
	struct mqueue *q = mqueue_of(f);

	memset(out, 0, sizeof(*out));
	out->mq_flags = f->flags & O_NONBLOCK;
	out->mq_maxmsg = q->maxmsg;
	out->mq_msgsize = q->msgsize;
	out->mq_curmsgs = q->curmsgs;
}

static void __attribute__((constructor)) mqueue_register(void)
{
	mq_root_fops = vfs_dir_file_ops;
	mq_root_fops.iterate = mq_iterate;
	vfs_register_fs(&mqueue_type);
}
