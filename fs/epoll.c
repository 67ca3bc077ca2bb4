/* epoll(7): an interest list of (file, fd) watches. Each watch hangs a
 * callback waiter on its file's wait queue; a wake-up moves the watch to
 * the ready list and wakes the epoll's own queue. epoll_wait re-polls the
 * ready watches: level-triggered ones stay listed, edge-triggered ones
 * wait for the next wake-up, one-shot ones are disabled. */
#define _GNU_SOURCE
#include "fs/fdtypes.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

/* Bits that are not events (Linux EP_PRIVATE_BITS). */
#define EP_PRIVATE (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EP_EXCL_OK (EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLRDBAND | EPOLLWRNORM | \
		    EPOLLWRBAND | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE)
#define EP_MAX_NESTS 4

struct eventpoll {
	struct list_head items;
	struct list_head rdlist;
	struct waitq wq;
	struct file *file;
};

struct epitem {
	struct list_head node;    /* in ep->items */
	struct list_head rdnode;  /* in ep->rdlist while on_rdlist */
	bool on_rdlist;
	struct list_head fnode;   /* in the watched file's epoll_links */
	struct eventpoll *ep;
	struct file *file;        /* not referenced: its release drops us */
	int fd;
	uint32_t events;
	uint64_t data;
	struct waiter w;
	bool queued;
};

static const struct file_ops epoll_ops;

bool file_is_epoll(struct file *f)
{
	return f->ops == &epoll_ops;
}

static unsigned int item_poll(struct epitem *it)
{
	struct file *f = it->file;

	if (!f->ops->poll)
		return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
	return f->ops->poll(f, NULL);
}

static void ready_add(struct epitem *it)
{
	if (!it->on_rdlist) {
		list_add_tail(&it->rdnode, &it->ep->rdlist);
		it->on_rdlist = true;
	}
}

/* The watched file's queue was woken (its readiness may have changed). */
static void item_wake(struct waiter *w)
{
	struct epitem *it = container_of(w, struct epitem, w);

	/* A fired one-shot watch sleeps until EPOLL_CTL_MOD re-arms it. */
	if (!(it->events & ~EP_PRIVATE))
		return;
	ready_add(it);
	waitq_wake_all(&it->ep->wq);
}

static void item_free(struct epitem *it)
{
	struct file *f = it->file;

	list_del(&it->node);
	if (it->on_rdlist)
		list_del(&it->rdnode);
	if (it->queued)
		waitq_del(&it->w);
	list_del(&it->fnode);
	if (f->epoll_links && list_empty(f->epoll_links)) {
		free(f->epoll_links);
		f->epoll_links = NULL;
	}
	free(it);
}

void epoll_file_release(struct file *f)
{
	struct list_head *links = f->epoll_links;

	while (f->epoll_links && !list_empty(links))
		item_free(list_first_entry(links, struct epitem, fnode));
}

static struct epitem *item_find(struct eventpoll *ep, struct file *f, int fd)
{
	struct epitem *it;

	list_for_each_entry(it, &ep->items, node)
		if (it->file == f && it->fd == fd)
			return it;
	return NULL;
}

/* Would watching epoll file target from ep close a loop, or nest too
 * deep? (Linux ep_loop_check.) */
static bool reaches(struct eventpoll *target, struct eventpoll *ep, int depth)
{
	struct epitem *it;

	if (target == ep || depth > EP_MAX_NESTS)
		return true;
	list_for_each_entry(it, &target->items, node)
		if (file_is_epoll(it->file) && reaches(it->file->priv, ep, depth + 1))
			return true;
	return false;
}

static int item_add(struct eventpoll *ep, int fd, struct file *tf, const struct epoll_event_k *ev)
{
	struct epitem *it;
	struct waitq *wq = NULL;
	unsigned int mask;

	if (file_is_epoll(tf) && reaches(tf->priv, ep, 0))
		return -ELOOP;
	if (!tf->epoll_links) {
		tf->epoll_links = malloc(sizeof(struct list_head));
		if (!tf->epoll_links)
			return -ENOMEM;
		list_init(tf->epoll_links);
	}
	it = calloc(1, sizeof(*it));
	if (!it) {
		if (list_empty(tf->epoll_links)) {
			free(tf->epoll_links);
			tf->epoll_links = NULL;
		}
		return -ENOMEM;
	}
	it->ep = ep;
	it->file = tf;
	it->fd = fd;
	it->events = ev->events | EPOLLERR | EPOLLHUP;
	it->data = ev->data;
	list_add_tail(&it->node, &ep->items);
	list_add_tail(&it->fnode, tf->epoll_links);
	mask = tf->ops->poll ? tf->ops->poll(tf, &wq) : POLLIN | POLLOUT;
	if (wq) {
		waitq_add_fn(wq, &it->w, item_wake);
		it->queued = true;
	}
	if (mask & it->events) {
		ready_add(it);
		waitq_wake_all(&ep->wq);
	}
	return 0;
}

int epoll_ctl_do(struct file *epf, int op, int fd, struct file *tf,
		 const struct epoll_event_k *ev)
{
	struct eventpoll *ep = epf->priv;
	struct epitem *it;
	uint32_t events = ev ? ev->events : 0;

	if (epf == tf || !file_is_epoll(epf))
		return -EINVAL;
	if (events & EPOLLEXCLUSIVE) {
		if (op == EPOLL_CTL_MOD)
			return -EINVAL;
		if (op == EPOLL_CTL_ADD && (file_is_epoll(tf) || (events & ~EP_EXCL_OK)))
			return -EINVAL;
	}
	it = item_find(ep, tf, fd);
	switch (op) {
	case EPOLL_CTL_ADD:
		if (it)
			return -EEXIST;
		return item_add(ep, fd, tf, ev);
	case EPOLL_CTL_DEL:
		if (!it)
			return -ENOENT;
		item_free(it);
		return 0;
	case EPOLL_CTL_MOD:
		if (!it)
			return -ENOENT;
		if (it->events & EPOLLEXCLUSIVE)
			return -EINVAL;
		it->events = events | EPOLLERR | EPOLLHUP;
		it->data = ev->data;
		if (item_poll(it) & it->events) {
			ready_add(it);
			waitq_wake_all(&ep->wq);
		}
		return 0;
	default:
		return -EINVAL;
	}
}

/* Report the ready watches, at most max. */
static int collect(struct eventpoll *ep, struct epoll_event_k *out, int max)
{
	struct list_head tx;
	int n = 0;

	if (list_empty(&ep->rdlist))
		return 0;
	/* Move the ready list aside: level-triggered watches go back to
	 * the tail of ep->rdlist as they are reported. */
	tx = ep->rdlist;
	tx.next->prev = &tx;
	tx.prev->next = &tx;
	list_init(&ep->rdlist);
	while (!list_empty(&tx) && n < max) {
		struct epitem *it = list_first_entry(&tx, struct epitem, rdnode);
		unsigned int revents;

		list_del(&it->rdnode);
		it->on_rdlist = false;
		revents = item_poll(it) & it->events;
		if (!revents)
			continue;
		out[n].events = revents;
		out[n].data = it->data;
		n++;
		if (it->events & EPOLLONESHOT)
			it->events &= EP_PRIVATE;
		else if (!(it->events & EPOLLET))
			ready_add(it);
	}
	/* What was not looked at stays first in line. */
	while (!list_empty(&tx)) {
		struct epitem *it = list_entry(tx.prev, struct epitem, rdnode);

		list_del(&it->rdnode);
		list_add(&it->rdnode, &ep->rdlist);
	}
	return n;
}

long epoll_wait_do(struct task *t, struct file *epf, struct epoll_event_k *out, int max,
		   const struct timespec *deadline, bool zero)
{
	struct eventpoll *ep = epf->priv;

	for (;;) {
		struct waiter w;
		int n = collect(ep, out, max), r;

		if (n || zero)
			return n;
		waitq_add(&ep->wq, &w, t);
		r = task_sleep(t, deadline);
		waitq_del(&w);
		if (r == -ETIMEDOUT)
			return collect(ep, out, max);
		if (r == -EINTR)
			return -EINTR;
	}
}

/* An epoll file is readable when a watch on its ready list is. */
static unsigned int ep_poll(struct file *f, struct waitq **wq)
{
	struct eventpoll *ep = f->priv;
	struct epitem *it;

	if (wq)
		*wq = &ep->wq;
	list_for_each_entry(it, &ep->rdlist, rdnode)
		if (item_poll(it) & it->events)
			return POLLIN | POLLRDNORM;
	return 0;
}

static int ep_fstat(struct file *f, struct stat *st)
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

static void ep_release(struct file *f)
{
	struct eventpoll *ep = f->priv;

	while (!list_empty(&ep->items))
		item_free(list_first_entry(&ep->items, struct epitem, node));
	free(ep);
}

/* Anonymous inodes accept lseek and stay at 0 (Linux noop_llseek). */
static int64_t ep_llseek(struct file *f, int64_t off, int whence)
{
	return 0;
}

static const struct file_ops epoll_ops = {
	.llseek = ep_llseek,
	.poll = ep_poll,
	.fstat = ep_fstat,
	.release = ep_release,
};

struct file *epoll_new(void)
{
	struct eventpoll *ep = calloc(1, sizeof(*ep));
	struct file *f;

	if (!ep)
		return NULL;
	list_init(&ep->items);
	list_init(&ep->rdlist);
	waitq_init(&ep->wq);
	f = file_new(&epoll_ops, O_RDWR, ep, "anon_inode:[eventpoll]");
	if (!f)
		free(ep);
	else
		ep->file = f;
	return f;
}
