/* Anonymous pipes. Like Linux, a pipe is a ring of page-sized buffers
 * (16 by default, F_SETPIPE_SZ changes the count): small writes merge into
 * the last buffer only when they fit whole, a write of at most PIPE_BUF
 * bytes is atomic, and a buffer written in packet mode (O_DIRECT) is read
 * as one message. Everything runs under the BKL; one wait queue serves
 * readers, writers and pollers and is woken on every state change. */
#define _GNU_SOURCE
#include "fs/pipe.h"
#include "fs/vfs.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#define PIPE_PAGE 4096u
#define PIPE_DEF_SLOTS 16u
/* /proc/sys/fs/pipe-max-size: the limit for tasks without CAP_SYS_RESOURCE. */
#define PIPE_MAX_SIZE (1u << 20)
/* A sentry limit even for privileged tasks, so a guest cannot make us
 * allocate without bound. */
#define PIPE_HARD_MAX (1u << 26)
#define F_SETPIPE_SZ_K 1031
#define F_GETPIPE_SZ_K 1032
#define PIPE_FCNTL(cmd) (0x40000000u | (cmd))

struct pipe_slot {
	uint8_t *page;   /* allocated on first use, kept for reuse */
	uint32_t off;    /* start of the unread data in page */
	uint32_t len;    /* bytes of unread data */
	bool packet;     /* written in packet mode: read as one message */
	bool nomerge;    /* spliced in: later writes never join it */
};

/* Shared by the two ends; freed when both files are released. */
struct pipe {
	struct pipe_slot *slots;
	uint32_t nslots;  /* capacity in buffers */
	uint32_t head;    /* index of the oldest buffer */
	uint32_t used;    /* buffers holding data */
	int readers, writers;
	struct waitq wq;
	uint64_t ino;
	uid_t uid;
	gid_t gid;
	struct timespec ctime;
	/* A FIFO's pipe: the inode's slot to clear when it goes, and how many
	 * readers/writers ever opened (fifo(7) open waits on these). */
	void **fifo_slot;
	unsigned int r_opens, w_opens;
};

static uint64_t pipe_next_ino = 1;

static struct pipe_slot *slot_at(struct pipe *p, uint32_t i)
{
	return &p->slots[(p->head + i) % p->nslots];
}

static bool pipe_full(struct pipe *p)
{
	return p->used >= p->nslots;
}

static size_t pipe_bytes(struct pipe *p)
{
	size_t n = 0;

	for (uint32_t i = 0; i < p->used; i++)
		n += slot_at(p, i)->len;
	return n;
}

/* Sleep on the pipe's queue; the caller holds a file reference, so the
 * pipe outlives the wait. */
static int pipe_wait(struct task *t, struct pipe *p)
{
	struct waiter w;
	int err;

	waitq_add(&p->wq, &w, t);
	err = task_sleep(t, NULL);
	waitq_del(&w);
	return err;
}

static ssize_t pipe_read(struct task *t, struct file *f, void *buf, size_t n, int64_t *pos)
{
	struct pipe *p = f->priv;
	uint8_t *dst = buf;
	size_t done = 0;

	if (!n)
		return 0;
	for (;;) {
		while (p->used && done < n) {
			struct pipe_slot *s = slot_at(p, 0);
			size_t c = s->len < n - done ? s->len : n - done;

			memcpy(dst + done, s->page + s->off, c);
			done += c;
			s->off += (uint32_t)c;
			s->len -= (uint32_t)c;
			if (s->packet) {
				/* A message is read whole; what did not fit is lost. */
				s->len = 0;
				n = done;
			}
			if (!s->len) {
				s->off = 0;
				s->packet = false;
				p->head = (p->head + 1) % p->nslots;
				p->used--;
			}
		}
		if (done) {
			waitq_wake_all(&p->wq);
			return (ssize_t)done;
		}
		if (!p->writers)
			return 0;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (pipe_wait(t, p) == -EINTR)
			return -ERESTARTSYS;
	}
}

/* Copy into a fresh buffer at the tail; the caller checked for room. */
static size_t pipe_push(struct pipe *p, const uint8_t *src, size_t n, bool packet)
{
	struct pipe_slot *s = slot_at(p, p->used);
	size_t c = n < PIPE_PAGE ? n : PIPE_PAGE;

	if (!s->page) {
		s->page = malloc(PIPE_PAGE);
		if (!s->page)
			return 0;
	}
	memcpy(s->page, src, c);
	s->off = 0;
	s->len = (uint32_t)c;
	s->packet = packet;
	s->nomerge = false;
	p->used++;
	return c;
}

static ssize_t pipe_write(struct task *t, struct file *f, const void *buf, size_t n,
			  int64_t *pos)
{
	struct pipe *p = f->priv;
	const uint8_t *src = buf;
	bool packet = f->flags & O_DIRECT;
	size_t done = 0, head_part = n & (PIPE_PAGE - 1);
	ssize_t ret;

	if (!n)
		return 0;
	if (!p->readers)
		return -EPIPE;
	/* Like Linux, only the sub-page head of a write may join the last
	 * buffer, and only if it fits whole: this keeps PIPE_BUF atomicity. */
	if (head_part && p->used) {
		struct pipe_slot *s = slot_at(p, p->used - 1);

		if (!s->packet && !s->nomerge && s->off + s->len + head_part <= PIPE_PAGE) {
			memcpy(s->page + s->off + s->len, src, head_part);
			s->len += (uint32_t)head_part;
			done = head_part;
			waitq_wake_all(&p->wq);
		}
	}
	while (done < n) {
		if (!p->readers) {
			ret = -EPIPE;
			goto partial;
		}
		if (!pipe_full(p)) {
			size_t c = pipe_push(p, src + done, n - done, packet);

			if (!c) {
				ret = -ENOMEM;
				goto partial;
			}
			done += c;
			waitq_wake_all(&p->wq);
			continue;
		}
		if (f->flags & O_NONBLOCK) {
			ret = -EAGAIN;
			goto partial;
		}
		if (pipe_wait(t, p) == -EINTR) {
			ret = -ERESTARTSYS;
			goto partial;
		}
	}
	return (ssize_t)done;
partial:
	return done ? (ssize_t)done : ret;
}

static unsigned int pipe_poll(struct file *f, struct waitq **wq)
{
	struct pipe *p = f->priv;
	unsigned int mask = 0;
	int acc = f->flags & O_ACCMODE;

	if (wq)
		*wq = &p->wq;
	if (acc == O_RDONLY || acc == O_RDWR) {
		if (p->used)
			mask |= POLLIN | POLLRDNORM;
		if (!p->writers)
			mask |= POLLHUP;
	}
	if (acc == O_WRONLY || acc == O_RDWR) {
		if (!pipe_full(p))
			mask |= POLLOUT | POLLWRNORM;
		if (!p->readers)
			mask |= POLLERR;
	}
	return mask;
}

/* F_SETPIPE_SZ: a power-of-two number of pages holding at least size. */
static long pipe_set_size(struct task *t, struct pipe *p, uint64_t arg)
{
	unsigned int size = (unsigned int)arg;
	uint32_t nslots = 1;
	struct pipe_slot *ns;

	if (size > (1u << 31))
		return -EINVAL;
	while ((uint64_t)nslots * PIPE_PAGE < size)
		nslots <<= 1;
	if ((uint64_t)nslots * PIPE_PAGE > PIPE_MAX_SIZE && !capable(t, 24 /* CAP_SYS_RESOURCE */))
		return -EPERM;
	if ((uint64_t)nslots * PIPE_PAGE > PIPE_HARD_MAX)
		return -ENOMEM;
	if (nslots == p->nslots)
		return (long)nslots * PIPE_PAGE;
	if (p->used > nslots)
		return -EBUSY;
	ns = calloc(nslots, sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	for (uint32_t i = 0; i < p->used; i++)
		ns[i] = *slot_at(p, i);
	/* Keep spare pages of the old ring where they fit; free the rest. */
	for (uint32_t i = p->used, j = p->used; i < p->nslots; i++) {
		struct pipe_slot *s = slot_at(p, i);

		if (j < nslots && s->page)
			ns[j++].page = s->page;
		else
			free(s->page);
	}
	free(p->slots);
	p->slots = ns;
	p->nslots = nslots;
	p->head = 0;
	waitq_wake_all(&p->wq);
	return (long)nslots * PIPE_PAGE;
}

static long pipe_ioctl(struct task *t, struct file *f, unsigned int cmd, uint64_t arg)
{
	struct pipe *p = f->priv;
	int n;

	switch (cmd) {
	case FIONREAD:
		n = (int)pipe_bytes(p);
		return copy_to_guest(t, arg, &n, sizeof(n));
	case PIPE_FCNTL(F_GETPIPE_SZ_K):
		return (long)p->nslots * PIPE_PAGE;
	case PIPE_FCNTL(F_SETPIPE_SZ_K):
		return pipe_set_size(t, p, arg);
	default:
		return -ENOTTY;
	}
}

static int pipe_fstat(struct file *f, struct stat *st)
{
	struct pipe *p = f->priv;

	memset(st, 0, sizeof(*st));
	st->st_dev = 0xd; /* an anonymous device, like Linux's pipefs */
	st->st_ino = p->ino;
	st->st_mode = S_IFIFO | 0600;
	st->st_nlink = 1;
	st->st_uid = p->uid;
	st->st_gid = p->gid;
	st->st_blksize = PIPE_PAGE;
	st->st_atim = st->st_mtim = st->st_ctim = p->ctime;
	return 0;
}

static void pipe_release(struct file *f)
{
	struct pipe *p = f->priv;
	int acc = f->flags & O_ACCMODE;

	if (acc == O_RDONLY || acc == O_RDWR)
		p->readers--;
	if (acc == O_WRONLY || acc == O_RDWR)
		p->writers--;
	if (p->readers || p->writers) {
		waitq_wake_all(&p->wq);
		return;
	}
	if (p->fifo_slot)
		*p->fifo_slot = NULL;
	for (uint32_t i = 0; i < p->nslots; i++)
		free(p->slots[i].page);
	free(p->slots);
	free(p);
}

static const struct file_ops pipe_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.fstat = pipe_fstat,
	.ioctl = pipe_ioctl,
	.poll = pipe_poll,
	.release = pipe_release,
};

int pipe_create(struct task *t, int flags, struct file **rd, struct file **wr)
{
	struct pipe *p = calloc(1, sizeof(*p));
	char name[40];

	if (!p)
		return -ENOMEM;
	p->nslots = PIPE_DEF_SLOTS;
	p->slots = calloc(p->nslots, sizeof(*p->slots));
	if (!p->slots) {
		free(p);
		return -ENOMEM;
	}
	waitq_init(&p->wq);
	p->ino = pipe_next_ino++;
	p->uid = t->cred->euid;
	p->gid = t->cred->egid;
	clock_gettime(CLOCK_REALTIME, &p->ctime);
	snprintf(name, sizeof(name), "pipe:[%llu]", (unsigned long long)p->ino);
	flags &= O_NONBLOCK | O_DIRECT;
	*rd = file_new(&pipe_ops, O_RDONLY | flags, p, name);
	if (!*rd) {
		free(p->slots);
		free(p);
		return -ENOMEM;
	}
	p->readers = 1;
	*wr = file_new(&pipe_ops, O_WRONLY | flags, p, name);
	if (!*wr) {
		file_put(*rd); /* frees the pipe: no writer, no reader left */
		return -ENOMEM;
	}
	p->writers = 1;
	return 0;
}

/* ---- splice(2), tee(2), vmsplice(2) (syscalls/sys_splice.c) ---- */

bool pipe_file_is_pipe(struct file *f)
{
	return f->ops == &pipe_ops;
}

bool pipe_same(struct file *a, struct file *b)
{
	return pipe_file_is_pipe(a) && pipe_file_is_pipe(b) && a->priv == b->priv;
}

long pipe_wait_data(struct task *t, struct file *f, bool nonblock)
{
	struct pipe *p = f->priv;

	for (;;) {
		if (p->used)
			return (long)pipe_bytes(p);
		if (!p->writers)
			return 0;
		if (nonblock)
			return -EAGAIN;
		if (pipe_wait(t, p) == -EINTR)
			return -ERESTARTSYS;
	}
}

long pipe_wait_room(struct task *t, struct file *f, bool nonblock)
{
	struct pipe *p = f->priv;

	for (;;) {
		if (!p->readers)
			return -EPIPE;
		if (!pipe_full(p))
			return (long)(p->nslots - p->used) * PIPE_PAGE;
		if (nonblock)
			return -EAGAIN;
		if (pipe_wait(t, p) == -EINTR)
			return -ERESTARTSYS;
	}
}

size_t pipe_peek(struct file *f, void *buf, size_t n)
{
	struct pipe *p = f->priv;
	size_t done = 0;

	for (uint32_t i = 0; i < p->used && done < n; i++) {
		struct pipe_slot *s = slot_at(p, i);
		size_t c = s->len < n - done ? s->len : n - done;

		memcpy((uint8_t *)buf + done, s->page + s->off, c);
		done += c;
	}
	return done;
}

size_t pipe_buffer_len(struct file *f, uint32_t i)
{
	struct pipe *p = f->priv;

	return i < p->used ? slot_at(p, i)->len : 0;
}

ssize_t pipe_push_piece(struct file *f, const void *buf, size_t n)
{
	struct pipe *p = f->priv;
	size_t c;

	if (!p->readers)
		return -EPIPE;
	if (pipe_full(p))
		return -EAGAIN;
	c = pipe_push(p, buf, n, false);
	if (!c)
		return -ENOMEM;
	slot_at(p, p->used - 1)->nomerge = true;
	waitq_wake_all(&p->wq);
	return (ssize_t)c;
}

void pipe_consume(struct file *f, size_t n)
{
	struct pipe *p = f->priv;

	while (n && p->used) {
		struct pipe_slot *s = slot_at(p, 0);
		size_t c = s->len < n ? s->len : n;

		s->off += (uint32_t)c;
		s->len -= (uint32_t)c;
		n -= c;
		if (!s->len) {
			s->off = 0;
			s->packet = false;
			p->head = (p->head + 1) % p->nslots;
			p->used--;
		}
	}
	waitq_wake_all(&p->wq);
}


/* ---- named pipes (fifo(7)); the VFS calls this when a FIFO inode is
 * opened. inode->fifo holds the pipe while it has openers. ---- */

static struct pipe *fifo_pipe(struct task *t, struct inode *inode)
{
	struct pipe *p = inode->fifo;

	if (p)
		return p;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->nslots = PIPE_DEF_SLOTS;
	p->slots = calloc(p->nslots, sizeof(*p->slots));
	if (!p->slots) {
		free(p);
		return NULL;
	}
	waitq_init(&p->wq);
	p->ino = inode->ino;
	p->uid = t->cred->euid;
	p->gid = t->cred->egid;
	clock_gettime(CLOCK_REALTIME, &p->ctime);
	p->fifo_slot = &inode->fifo;
	inode->fifo = p;
	return p;
}

/* Sleep until the other side has opened (its open count moved past
 * seen); a signal undoes this open. */
static int fifo_wait_peer(struct task *t, struct pipe *p, unsigned int *counter, unsigned int seen)
{
	while (*counter == seen) {
		int err = pipe_wait(t, p);

		if (err < 0)
			return -ERESTARTSYS;
	}
	return 0;
}

int pipe_fifo_open(struct task *t, struct inode *inode, struct file *f)
{
	int acc = f->flags & O_ACCMODE;
	bool nonblock = f->flags & O_NONBLOCK;
	struct pipe *p;
	int err = 0;

	if (acc == O_WRONLY && nonblock && (!inode->fifo || !((struct pipe *)inode->fifo)->readers))
		return -ENXIO;
	p = fifo_pipe(t, inode);
	if (!p)
		return -ENOMEM;
	f->ops = &pipe_ops;
	f->priv = p;
	switch (acc) {
	case O_RDONLY:
		p->readers++;
		p->r_opens++;
		waitq_wake_all(&p->wq);
		if (!nonblock && !p->writers)
			err = fifo_wait_peer(t, p, &p->w_opens, p->w_opens);
		break;
	case O_WRONLY:
		p->writers++;
		p->w_opens++;
		waitq_wake_all(&p->wq);
		if (!p->readers)
			err = fifo_wait_peer(t, p, &p->r_opens, p->r_opens);
		break;
	default:
		/* O_RDWR never waits (Linux's extension to POSIX). */
		p->readers++;
		p->writers++;
		p->r_opens++;
		p->w_opens++;
		waitq_wake_all(&p->wq);
	}
	if (err < 0) {
		/* Undo through the release path (frees an unused pipe). */
		pipe_release(f);
		f->priv = NULL;
	}
	return err;
}
