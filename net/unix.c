/* AF_UNIX sockets (unix(7)) in the sentry. Each socket has a receive
 * queue of messages (skbs) charged to their sender until read, so a
 * sender blocks, and polls writable, by its own unread bytes as in Linux.
 * A connect or send to a path with no sandbox socket bound, whose walk
 * ends on a host socket of a gofer bind mount, connects to that host
 * socket through the gofer: the guest socket then does its I/O on the
 * donated host fd (net/hostunix.c). bind(2) always makes a sandbox
 * socket, also on a bind mount (gVisor's default, --host-uds=none). */
#define _GNU_SOURCE
#include "net/unix.h"
#include "net/hostunix.h"
#include "net/route.h"
#include "fs/vfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

/* Linux's RCV_SHUTDOWN and SEND_SHUTDOWN: shutdown(how) sets how + 1. */
#define RCV_SHUT 1
#define SEND_SHUT 2
#define SHUT_ALL (SEND_SHUT | RCV_SHUT)

/* Linux defaults: net.core.[rw]mem_default, wmem_max, somaxconn,
 * net.unix.max_dgram_qlen, SOCK_MIN_SNDBUF/RCVBUF. */
#define UNIX_BUF_DEFAULT 212992
#define UNIX_BUF_MAX 212992
#define UNIX_SOMAXCONN 4096
#define UNIX_DGRAM_QLEN 10
#define UNIX_MIN_SNDBUF 4608
#define UNIX_MIN_RCVBUF 2304
#define CAP_NET_ADMIN_K 12
/* The largest stream skb (Linux: SKB_MAX_HEAD(0) + UNIX_SKB_FRAGS_SZ). */
#define UNIX_STREAM_SKB_MAX (32768 + 3776)

enum unix_state { US_CLOSE, US_LISTEN, US_CONNECTED };

struct unix_sock;

/* One queued message; its bytes count against sender->wmem. */
struct unix_skb {
	struct list_head node;
	struct unix_sock *sender;   /* a reference */
	uint8_t *data;
	size_t len, off;
	struct file **fds;          /* references, SCM_RIGHTS */
	int nfds;
	struct ucred cred;
	struct sockaddr_un addr;    /* the sender's name when sent */
	socklen_t addrlen;
	bool peeked;                /* an empty datagram already peeked */
};

/* Owned by its socket file; also referenced by its peer, by skbs it sent
 * and, while an embryo, by the listener's accept queue. */
struct unix_sock {
	struct socket sock;
	int refs;
	enum unix_state state;
	int shutdown;
	int err;                    /* SO_ERROR, positive */
	bool dead;                  /* the file is gone */
	struct unix_sock *peer;     /* a reference */
	struct list_head rcvq;
	int rcv_qlen;
	struct list_head acceptq;   /* embryos, each holding a reference */
	struct list_head accept_node;
	int backlog, nacc;
	size_t wmem;                /* bytes sent, not yet read */
	int sndbuf, rcvbuf;
	bool passcred;
	int bool_opts;              /* SO_REUSEADDR & co, bit per option */
	int priority;               /* SO_PRIORITY, stored only */
	int rcvlowat;               /* SO_RCVLOWAT: a stream read's minimum */
	int peek_off;               /* SO_PEEK_OFF, -1: off */
	struct linger linger;       /* SO_LINGER, stored only */
	struct timespec rcvtimeo, sndtimeo; /* 0: forever */
	bool rcvtimeo_neg, sndtimeo_neg;
	struct sockaddr_un addr;
	socklen_t addrlen;          /* 0: unbound */
	struct list_head bound_node;
	struct inode *path_inode;   /* a pathname bind's socket inode (a reference) */
	struct ucred peercred;
	bool has_peercred;
	/* Connected to a host socket (host.fd >= 0): I/O goes to it, and
	 * host_addr is the name the guest connected to. */
	struct hostsock host;
	struct sockaddr_un host_addr;
	socklen_t host_addrlen;
	struct waitq wq;
};

static struct list_head unix_abstract = LIST_HEAD_INIT(unix_abstract);
static unsigned int unix_autobind_next = 1;
static const struct sock_ops unix_ops;

static struct unix_sock *us_of(struct socket *s)
{
	return (struct unix_sock *)s;
}

static bool connection_based(struct unix_sock *u)
{
	return u->sock.type != SOCK_DGRAM;
}

static void us_get(struct unix_sock *u)
{
	u->refs++;
}

static void skb_free(struct unix_skb *skb);

static void us_put(struct unix_sock *u)
{
	struct unix_skb *skb, *n;

	if (!u || --u->refs)
		return;
	list_for_each_entry_safe(skb, n, &u->rcvq, node) {
		list_del(&skb->node);
		skb_free(skb);
	}
	free(u);
}

static void skb_free(struct unix_skb *skb)
{
	struct unix_sock *s = skb->sender;

	for (int i = 0; i < skb->nfds; i++)
		file_put(skb->fds[i]);
	free(skb->fds);
	free(skb->data);
	s->wmem -= skb->len;
	waitq_wake_all(&s->wq);
	us_put(s);
	free(skb);
}

static struct unix_sock *us_alloc(struct task *t, int type)
{
	struct unix_sock *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	socket_init(&u->sock, &unix_ops, AF_UNIX, type, 0);
	u->refs = 1;
	list_init(&u->rcvq);
	list_init(&u->acceptq);
	list_init(&u->accept_node);
	list_init(&u->bound_node);
	u->sndbuf = UNIX_BUF_DEFAULT;
	u->rcvbuf = UNIX_BUF_DEFAULT;
	u->rcvlowat = 1;
	u->peek_off = -1;
	u->host.fd = -1;
	waitq_init(&u->wq);
	return u;
}

/* The credentials a socket records of its creator or connector
 * (SO_PEERCRED reports the effective ids). */
static struct ucred task_peercred(struct task *t)
{
	struct ucred c = { .pid = t->tg->tgid, .uid = t->cred->euid, .gid = t->cred->egid };

	return c;
}

int unix_create(struct task *t, int type, int protocol, struct socket **out)
{
	struct unix_sock *u = us_alloc(t, type);

	if (!u)
		return -ENOMEM;
	*out = &u->sock;
	return 0;
}

int unix_pair(struct task *t, int type, int protocol, struct socket **a, struct socket **b)
{
	struct unix_sock *x = us_alloc(t, type), *y = us_alloc(t, type);

	if (!x || !y) {
		free(x);
		free(y);
		return -ENOMEM;
	}
	x->peer = y;
	y->peer = x;
	us_get(x);
	us_get(y);
	x->state = y->state = US_CONNECTED;
	x->peercred = y->peercred = task_peercred(t);
	x->has_peercred = y->has_peercred = true;
	*a = &x->sock;
	*b = &y->sock;
	return 0;
}

/* ---- names ---- */

/* Linux hashes abstract names with the socket type: a stream and a
 * datagram socket may hold the same name, and neither finds the other. */
static struct unix_sock *abstract_lookup(const struct sockaddr_un *a, socklen_t len, int type)
{
	struct unix_sock *u;

	list_for_each_entry(u, &unix_abstract, bound_node) {
		if (u->addrlen == len && u->sock.type == type && !memcmp(u->addr.sun_path, a->sun_path,
						 len - offsetof(struct sockaddr_un, sun_path)))
			return u;
	}
	return NULL;
}

/* unix_validate_addr(): a family and at least one byte of name. */
static int validate_addr(const void *addr, socklen_t len)
{
	const struct sockaddr_un *a = addr;

	if (len <= offsetof(struct sockaddr_un, sun_path) || len > sizeof(*a))
		return -EINVAL;
	if (a->sun_family != AF_UNIX)
		return -EINVAL;
	return 0;
}

/* A pathname socket: the path as a NUL-terminated string. */
static void path_of(const struct sockaddr_un *a, socklen_t len, char *out)
{
	size_t n = len - offsetof(struct sockaddr_un, sun_path);

	memcpy(out, a->sun_path, n);
	out[n] = 0;
}

static int autobind(struct unix_sock *u)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	socklen_t len = offsetof(struct sockaddr_un, sun_path) + 6;

	for (unsigned int tries = 0; tries < 0x100000; tries++) {
		char name[8];

		snprintf(name, sizeof(name), "%05x", unix_autobind_next++ & 0xfffff);
		memcpy(a.sun_path + 1, name, 5);
		if (!abstract_lookup(&a, len, u->sock.type)) {
			u->addr = a;
			u->addrlen = len;
			list_add_tail(&u->bound_node, &unix_abstract);
			return 0;
		}
	}
	return -ENOSPC;
}

static int unix_bind(struct task *t, struct socket *s, const void *addr, socklen_t len)
{
	struct unix_sock *u = us_of(s);
	const struct sockaddr_un *a = addr;
	char path[sizeof(a->sun_path) + 1];
	int r;

	if (len == offsetof(struct sockaddr_un, sun_path) && a->sun_family == AF_UNIX)
		return u->addrlen ? -EINVAL : autobind(u);
	r = validate_addr(addr, len);
	if (r < 0)
		return r;
	if (a->sun_path[0]) {
		/* A socket inode at the path (fs/vfs.h); the name is tried
		 * before the socket's own state, as unix_bind_bsd does. */
		path_of(a, len, path);
		if (u->addrlen) {
			struct path p;

			if (vfs_lookup_at(t, AT_FDCWD, path, 0, &p) == 0) {
				path_put(&p);
				return -EADDRINUSE;
			}
			return -EINVAL;
		}
		r = vfs_bind_socket(t, path, u, &u->path_inode);
		if (r < 0)
			return r;
		memset(&u->addr, 0, sizeof(u->addr));
		memcpy(&u->addr, a, len);
		u->addrlen = len;
		return 0;
	}
	if (u->addrlen)
		return -EINVAL;
	if (abstract_lookup(a, len, u->sock.type))
		return -EADDRINUSE;
	memset(&u->addr, 0, sizeof(u->addr));
	memcpy(&u->addr, a, len);
	u->addrlen = len;
	list_add_tail(&u->bound_node, &unix_abstract);
	return 0;
}

/* The socket a name refers to, of the caller's type. */
static int find_other(struct task *t, struct unix_sock *u, const void *addr, socklen_t len,
		      struct unix_sock **out)
{
	const struct sockaddr_un *a = addr;
	struct unix_sock *o;
	int r = validate_addr(addr, len);

	if (r < 0)
		return r;
	if (a->sun_path[0]) {
		char path[sizeof(a->sun_path) + 1];
		int err = 0;

		path_of(a, len, path);
		o = vfs_lookup_socket(t, path, &err);
		if (!o)
			return err;
		if (o->sock.type != u->sock.type)
			return -EPROTOTYPE;
		*out = o;
		return 0;
	}
	o = abstract_lookup(a, len, u->sock.type);
	if (!o)
		return -ECONNREFUSED;
	*out = o;
	return 0;
}

static bool hosted(struct unix_sock *u)
{
	return u->host.fd >= 0;
}

static bool path_name(const void *addr)
{
	return ((const struct sockaddr_un *)addr)->sun_path[0] != 0;
}

static void dgram_disconnected(struct unix_sock *u, struct unix_sock *old);

/* No sandbox socket at the path name addr: connect u to the host socket
 * there, if it is one on a bind mount (-ECONNREFUSED otherwise). A
 * datagram socket leaves its previous peer, sandbox or host. */
static int host_connect(struct task *t, struct unix_sock *u, const void *addr, socklen_t len)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
	int fd, r;

	path_of(addr, len, path);
	r = hostunix_connect(t, path, u->sock.type, &fd);
	if (r == -ENOTSOCK)
		return -ECONNREFUSED;
	if (r < 0)
		return r;
	/* The RPC ran without the BKL: another thread may have got here. */
	if (u->dead || (connection_based(u) && (u->state != US_CLOSE || hosted(u)))) {
		close(fd);
		return u->state == US_LISTEN ? -EINVAL : -EISCONN;
	}
	if (hosted(u))
		hostsock_detach(&u->host);
	if (u->peer) {
		dgram_disconnected(u, u->peer);
		us_put(u->peer);
		u->peer = NULL;
	}
	r = hostsock_attach(&u->host, fd, u->sock.type, true, &u->wq);
	if (r < 0) {
		u->state = US_CLOSE;
		return r;
	}
	memset(&u->host_addr, 0, sizeof(u->host_addr));
	memcpy(&u->host_addr, addr, len);
	u->host_addrlen = len;
	u->state = US_CONNECTED;
	return 0;
}

/* An unconnected datagram to a host socket: a connection for this one
 * message. */
static ssize_t host_sendto(struct task *t, struct unix_sock *u, struct sock_msg *m, int flags)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
	struct hostsock h = { .fd = -1 };
	ssize_t n;
	int fd, r;

	path_of((const struct sockaddr_un *)m->addr, m->addrlen, path);
	r = hostunix_connect(t, path, u->sock.type, &fd);
	if (r == -ENOTSOCK)
		return -ECONNREFUSED;
	if (r < 0)
		return r;
	r = hostsock_attach(&h, fd, u->sock.type, true, &u->wq);
	if (r < 0)
		return r;
	m->addrlen = 0;
	n = hostsock_sendmsg(t, &h, &u->wq, m, flags | (u->sndtimeo_neg ? MSG_DONTWAIT : 0),
			     &u->sndtimeo);
	hostsock_detach(&h);
	return n;
}

/* ---- waiting ---- */

/* ---- connections ---- */

static int unix_listen(struct task *t, struct socket *s, int backlog)
{
	struct unix_sock *u = us_of(s);

	if (!connection_based(u))
		return -EOPNOTSUPP;
	if (!u->addrlen)
		return -EINVAL;
	if (u->state != US_CLOSE && u->state != US_LISTEN)
		return -EINVAL;
	if ((unsigned int)backlog > UNIX_SOMAXCONN)
		backlog = UNIX_SOMAXCONN;
	if (backlog > u->backlog)
		waitq_wake_all(&u->wq);
	u->backlog = backlog;
	u->state = US_LISTEN;
	u->peercred = task_peercred(t);
	u->has_peercred = true;
	return 0;
}

static void skb_unlink(struct unix_sock *o, struct unix_skb *skb);

/* unix_dgram_disconnected(): leaving a peer drops what we queued to read,
 * and a peer connected back to us learns of it by ECONNRESET. */
static void dgram_disconnected(struct unix_sock *u, struct unix_sock *old)
{
	struct unix_skb *skb, *n;

	if (list_empty(&u->rcvq))
		return;
	list_for_each_entry_safe(skb, n, &u->rcvq, node)
		skb_unlink(u, skb);
	if (!old->dead && old->peer == u) {
		old->err = ECONNRESET;
		waitq_wake_all(&old->wq);
	}
}

static int dgram_connect(struct task *t, struct unix_sock *u, const void *addr, socklen_t len)
{
	const struct sockaddr_un *a = addr;
	struct unix_sock *o = NULL;
	int r;

	if (len >= sizeof(sa_family_t) && a->sun_family == AF_UNSPEC) {
		if (hosted(u))
			hostsock_detach(&u->host);
		if (u->peer)
			dgram_disconnected(u, u->peer);
		us_put(u->peer);
		u->peer = NULL;
		u->state = US_CLOSE;
		return 0;
	}
	r = find_other(t, u, addr, len, &o);
	if (r == -ECONNREFUSED && path_name(addr))
		return host_connect(t, u, addr, len);
	if (r < 0)
		return r;
	if (u->passcred && !u->addrlen && (r = autobind(u)) < 0)
		return r;
	if (hosted(u))
		hostsock_detach(&u->host);
	us_get(o);
	if (u->peer && u->peer != o)
		dgram_disconnected(u, u->peer);
	us_put(u->peer);
	u->peer = o;
	u->state = US_CONNECTED;
	return 0;
}

static int unix_connect(struct task *t, struct socket *s, const void *addr, socklen_t len,
			bool nonblock)
{
	struct unix_sock *u = us_of(s), *o, *ns;
	struct sock_wait w;
	int r;

	if (!connection_based(u))
		return dgram_connect(t, u, addr, len);
	r = validate_addr(addr, len);
	if (r < 0)
		return r;
	if (u->passcred && !u->addrlen && (r = autobind(u)) < 0)
		return r;
	sock_wait_init(&w, &u->sndtimeo, nonblock || u->sndtimeo_neg);
	for (;;) {
		/* unix_stream_connect() looks the name up before it looks at
		 * its own state. */
		o = NULL;
		r = find_other(t, u, addr, len, &o);
		if (r == -ECONNREFUSED && path_name(addr)) {
			static const struct timespec ten_ms = { 0, 10000000L };
			struct timespec dl;

			if (u->state == US_CONNECTED)
				return -EISCONN;
			if (u->state == US_LISTEN)
				return -EINVAL;
			r = host_connect(t, u, addr, len);
			if (r != -EAGAIN || w.nonblock)
				return r;
			/* The host listener's backlog is full (the gofer
			 * does not block): try again in 10 ms. */
			sock_deadline(&ten_ms, &dl);
			if (w.has_deadline && (dl.tv_sec > w.deadline.tv_sec ||
			    (dl.tv_sec == w.deadline.tv_sec && dl.tv_nsec > w.deadline.tv_nsec)))
				return -EAGAIN;
			if (task_sleep(t, &dl) == -EINTR)
				return w.has_deadline ? -EINTR : -ERESTARTSYS;
			continue;
		}
		if (r < 0)
			return r;
		if (o->state != US_LISTEN || (o->shutdown & RCV_SHUT))
			return -ECONNREFUSED;
		if (u->state == US_CONNECTED)
			return -EISCONN;
		if (u->state == US_LISTEN)
			return -EINVAL;
		if (o->nacc <= o->backlog)
			break;
		/* The listener may close while we wait: hold it. */
		us_get(o);
		r = sock_wait(t, &w, &o->wq, NULL);
		us_put(o);
		if (r < 0)
			return r;
	}
	ns = us_alloc(t, u->sock.type);
	if (!ns)
		return -ENOMEM;
	ns->state = US_CONNECTED;
	ns->peer = u;
	us_get(u);
	u->peer = ns;
	us_get(ns);
	u->state = US_CONNECTED;
	ns->addr = o->addr;
	ns->addrlen = o->addrlen;
	ns->passcred = o->passcred;
	ns->peercred = task_peercred(t);
	ns->has_peercred = true;
	u->peercred = o->peercred;
	u->has_peercred = true;
	/* The accept queue owns the embryo's first reference. */
	list_add_tail(&ns->accept_node, &o->acceptq);
	o->nacc++;
	waitq_wake_all(&o->wq);
	return 0;
}

static int unix_accept(struct task *t, struct socket *s, bool nonblock, struct socket **out)
{
	struct unix_sock *u = us_of(s), *ns;
	struct sock_wait w;
	int r;

	if (!connection_based(u))
		return -EOPNOTSUPP;
	if (u->state != US_LISTEN)
		return -EINVAL;
	sock_wait_init(&w, &u->rcvtimeo, nonblock || u->rcvtimeo_neg);
	while (list_empty(&u->acceptq)) {
		r = sock_wait(t, &w, &u->wq, NULL);
		if (r < 0)
			return r;
		if (u->state != US_LISTEN)
			return -EINVAL;
	}
	ns = list_first_entry(&u->acceptq, struct unix_sock, accept_node);
	list_del(&ns->accept_node);
	list_init(&ns->accept_node);
	u->nacc--;
	waitq_wake_all(&u->wq);
	*out = &ns->sock;
	return 0;
}

static int unix_shutdown(struct socket *s, int how)
{
	struct unix_sock *u = us_of(s), *o = u->peer;
	int mode = (how + 1) & SHUT_ALL;

	if (hosted(u)) {
		int r = hostsock_shutdown(&u->host, how);

		if (r == 0)
			u->shutdown |= mode;
		waitq_wake_all(&u->wq);
		return r;
	}
	u->shutdown |= mode;
	waitq_wake_all(&u->wq);
	if (o && connection_based(u)) {
		int pm = 0;

		if (mode & RCV_SHUT)
			pm |= SEND_SHUT;
		if (mode & SEND_SHUT)
			pm |= RCV_SHUT;
		o->shutdown |= pm;
		waitq_wake_all(&o->wq);
	}
	return 0;
}

static int unix_getname(struct socket *s, bool peer, void *addr, socklen_t *len)
{
	struct unix_sock *u = us_of(s);
	struct sockaddr_un *a = addr;

	if (peer && hosted(u)) {
		memcpy(a, &u->host_addr, u->host_addrlen);
		*len = u->host_addrlen;
		return 0;
	}
	if (peer) {
		if (!u->peer || (connection_based(u) && u->state != US_CONNECTED))
			return -ENOTCONN;
		u = u->peer;
	}
	if (!u->addrlen) {
		memset(a, 0, sizeof(*a));
		a->sun_family = AF_UNIX;
		*len = sizeof(sa_family_t);
		return 0;
	}
	memcpy(a, &u->addr, u->addrlen);
	*len = u->addrlen;
	return 0;
}

/* ---- data ---- */

static void skb_cred(struct task *t, struct sock_msg *m, struct ucred *c)
{
	if (m->has_cred) {
		*c = m->cred;
		return;
	}
	c->pid = t->tg->tgid;
	c->uid = t->cred->uid;
	c->gid = t->cred->gid;
}

static struct unix_skb *skb_new(struct task *t, struct unix_sock *u, const void *data,
				size_t len, struct sock_msg *m, bool take_fds)
{
	struct unix_skb *skb = calloc(1, sizeof(*skb));

	if (!skb)
		return NULL;
	skb->data = malloc(len ? len : 1);
	if (!skb->data) {
		free(skb);
		return NULL;
	}
	memcpy(skb->data, data, len);
	skb->len = len;
	skb->sender = u;
	us_get(u);
	u->wmem += len;
	if (take_fds && m->nfds) {
		skb->fds = m->fds;
		skb->nfds = m->nfds;
		m->fds = NULL;
		m->nfds = 0;
	}
	skb_cred(t, m, &skb->cred);
	skb->addr = u->addr;
	skb->addrlen = u->addrlen;
	return skb;
}

static void skb_queue(struct unix_sock *o, struct unix_skb *skb)
{
	list_add_tail(&skb->node, &o->rcvq);
	o->rcv_qlen++;
	waitq_wake_all(&o->wq);
}

static void skb_unlink(struct unix_sock *o, struct unix_skb *skb)
{
	list_del(&skb->node);
	o->rcv_qlen--;
	skb_free(skb);
}

static ssize_t stream_send(struct task *t, struct unix_sock *u, struct sock_msg *m, int flags)
{
	const uint8_t *src = m->buf;
	struct sock_wait w;
	size_t sent = 0;
	int r = 0;

	if (m->addrlen)
		return u->state == US_CONNECTED ? -EISCONN : -EOPNOTSUPP;
	if (u->state != US_CONNECTED || !u->peer)
		return -ENOTCONN;
	if (u->shutdown & SEND_SHUT)
		goto pipe;
	sock_wait_init(&w, &u->sndtimeo, (flags & MSG_DONTWAIT) || u->sndtimeo_neg);
	while (sent < m->len) {
		struct unix_sock *o = u->peer;
		struct unix_skb *skb;
		size_t size;

		if (o->dead || (o->shutdown & RCV_SHUT)) {
			r = -EPIPE;
			break;
		}
		if (u->wmem >= (size_t)u->sndbuf) {
			r = sock_wait(t, &w, &u->wq, NULL);
			if (r < 0)
				break;
			if (u->shutdown & SEND_SHUT) {
				r = -EPIPE;
				break;
			}
			continue;
		}
		size = m->len - sent;
		if (size > (size_t)u->sndbuf / 2 - 64)
			size = (size_t)u->sndbuf / 2 - 64;
		if (size > UNIX_STREAM_SKB_MAX)
			size = UNIX_STREAM_SKB_MAX;
		skb = skb_new(t, u, src + sent, size, m, true);
		if (!skb) {
			r = -ENOMEM;
			break;
		}
		skb_queue(o, skb);
		sent += size;
	}
	if (sent || r != -EPIPE)
		return sent ? (ssize_t)sent : r;
pipe:
	if (!(flags & MSG_NOSIGNAL))
		socket_sigpipe(t);
	return -EPIPE;
}

static ssize_t dgram_send_to(struct task *t, struct unix_sock *u, struct unix_sock *o,
			     struct sock_msg *m, int flags);

static ssize_t dgram_send(struct task *t, struct unix_sock *u, struct sock_msg *m, int flags)
{
	struct unix_sock *o = NULL;
	int r;

	if (u->sock.type == SOCK_SEQPACKET) {
		if (u->state != US_CONNECTED)
			return -ENOTCONN;
		m->addrlen = 0;
	}
	if (m->len > (size_t)u->sndbuf - 32)
		return -EMSGSIZE;
	if (m->addrlen) {
		r = find_other(t, u, m->addr, m->addrlen, &o);
		if (r == -ECONNREFUSED && path_name(m->addr))
			return host_sendto(t, u, m, flags);
		if (r < 0)
			return r;
	} else {
		o = u->peer;
		if (!o)
			return -ENOTCONN;
	}
	if (u->passcred && !u->addrlen && (r = autobind(u)) < 0)
		return r;
	/* Hold the receiver: it may be closed while we wait for room. */
	us_get(o);
	r = dgram_send_to(t, u, o, m, flags);
	us_put(o);
	return r;
}

static ssize_t dgram_send_to(struct task *t, struct unix_sock *u, struct unix_sock *o,
			     struct sock_msg *m, int flags)
{
	struct unix_skb *skb;
	struct sock_wait w;
	int r;

	sock_wait_init(&w, &u->sndtimeo, (flags & MSG_DONTWAIT) || u->sndtimeo_neg);
	for (;;) {
		if (o->dead) {
			if (o == u->peer) {
				if (u->sock.type == SOCK_SEQPACKET)
					return -EPIPE;
				u->peer = NULL;
				u->state = US_CLOSE;
				dgram_disconnected(u, o);
				us_put(o);
			}
			return -ECONNREFUSED;
		}
		if ((u->shutdown & SEND_SHUT) || (o->shutdown & RCV_SHUT))
			return -EPIPE;
		if (o->peer && o->peer != u && u->sock.type == SOCK_DGRAM)
			return -EPERM;
		if (u->wmem >= (size_t)u->sndbuf) {
			r = sock_wait(t, &w, &u->wq, NULL);
		} else if (o != u && o->peer != u && o->rcv_qlen > UNIX_DGRAM_QLEN) {
			r = sock_wait(t, &w, &u->wq, &o->wq);
		} else {
			break;
		}
		if (r < 0)
			return r;
	}
	skb = skb_new(t, u, m->buf, m->len, m, true);
	if (!skb)
		return -ENOMEM;
	skb_queue(o, skb);
	return (ssize_t)m->len;
}

static ssize_t unix_sendmsg(struct task *t, struct socket *s, struct sock_msg *m, int flags)
{
	struct unix_sock *u = us_of(s);

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (hosted(u) && (u->sock.type != SOCK_DGRAM || !m->addrlen)) {
		if (u->sock.type == SOCK_STREAM && m->addrlen)
			return -EISCONN;
		m->addrlen = 0;
		return hostsock_sendmsg(t, &u->host, &u->wq, m,
					flags | (u->sndtimeo_neg ? MSG_DONTWAIT : 0), &u->sndtimeo);
	}
	if (u->sock.type == SOCK_STREAM)
		return stream_send(t, u, m, flags);
	return dgram_send(t, u, m, flags);
}

/* Hand the skb's passed files to the receiver: moved, or copied by peek. */
static int give_fds(struct unix_skb *skb, struct sock_msg *m, bool peek)
{
	if (!skb->nfds)
		return 0;
	if (!peek) {
		m->fds = skb->fds;
		m->nfds = skb->nfds;
		skb->fds = NULL;
		skb->nfds = 0;
		return 0;
	}
	m->fds = malloc(sizeof(*m->fds) * (size_t)skb->nfds);
	if (!m->fds)
		return -ENOMEM;
	for (int i = 0; i < skb->nfds; i++) {
		m->fds[i] = skb->fds[i];
		file_get(m->fds[i]);
	}
	m->nfds = skb->nfds;
	return 0;
}

static void give_addr(struct unix_skb *skb, struct sock_msg *m)
{
	if (skb->addrlen) {
		memcpy(m->addr, &skb->addr, skb->addrlen);
		m->addrlen = skb->addrlen;
	}
}

static int take_err(struct unix_sock *u)
{
	int e = u->err;

	u->err = 0;
	return -e;
}

/* sk_peek_offset_fwd/bwd: a peek moves the offset on, a read pulls it
 * back by what it consumed. */
static void peek_off_advance(struct unix_sock *u, bool peek, size_t n)
{
	if (u->peek_off < 0)
		return;
	if (peek)
		u->peek_off += (int)n;
	else
		u->peek_off -= n < (size_t)u->peek_off ? (int)n : u->peek_off;
}

static ssize_t stream_recv(struct task *t, struct unix_sock *u, struct sock_msg *m, int flags)
{
	bool peek = flags & MSG_PEEK;
	size_t target = (flags & MSG_WAITALL) ? m->len : (size_t)u->rcvlowat, copied = 0;
	uint8_t *dst = m->buf;
	bool have_cred = false;
	struct sock_wait w;
	int r;

	if (u->state != US_CONNECTED)
		return -EINVAL;
	/* Out-of-band data is never sent here, so there is none to read. */
	if (flags & MSG_OOB)
		return -EINVAL;
	/* sock_rcvlowat(): never more than asked for, never 0. */
	if (target > m->len)
		target = m->len;
	if (target == 0)
		target = 1;
	sock_wait_init(&w, &u->rcvtimeo, (flags & MSG_DONTWAIT) || u->rcvtimeo_neg);
	for (;;) {
		struct unix_skb *skb, *n;
		bool stop = false;
		/* SO_PEEK_OFF: a peek starts that far into the queue. */
		size_t skip = peek && u->peek_off > 0 ? (size_t)u->peek_off : 0;

		list_for_each_entry_safe(skb, n, &u->rcvq, node) {
			size_t avail = skb->len - skb->off, c, start = skb->off;

			if (copied >= m->len && m->len)
				break;
			if (skip >= avail && avail) {
				skip -= avail;
				continue;
			}
			start += skip;
			avail -= skip;
			skip = 0;
			if (!avail)
				continue;
			if (have_cred && u->passcred &&
			    memcmp(&skb->cred, &m->cred, sizeof(m->cred))) {
				stop = true;
				break;
			}
			if (!have_cred) {
				m->cred = skb->cred;
				m->has_cred = u->passcred;
				have_cred = true;
				give_addr(skb, m);
			}
			c = avail < m->len - copied ? avail : m->len - copied;
			memcpy(dst + copied, skb->data + start, c);
			copied += c;
			if (skb->nfds) {
				if (give_fds(skb, m, peek) < 0 && !copied)
					return -ENOMEM;
				stop = true;
			}
			if (!peek) {
				skb->off += c;
				if (skb->off == skb->len)
					skb_unlink(u, skb);
				else
					waitq_wake_all(&skb->sender->wq);
			}
			if (stop || !m->len)
				break;
		}
		if (stop || copied >= target || (!m->len && have_cred))
			break;
		if (u->err) {
			if (copied)
				break;
			return take_err(u);
		}
		if (u->shutdown & RCV_SHUT)
			break;
		if (peek && copied)
			break;
		r = sock_wait(t, &w, &u->wq, NULL);
		if (r < 0)
			return copied ? (ssize_t)copied : r;
		if (peek) {
			/* Peek again from the start. */
			copied = 0;
			have_cred = false;
			sock_msg_clear(m);
		}
	}
	peek_off_advance(u, peek, copied);
	return (ssize_t)copied;
}

/* The datagram a receive takes (__skb_try_recv_from_queue): a peek with
 * SO_PEEK_OFF skips whole datagrams before the offset, then starts *skip
 * bytes into the one it lands in. */
static struct unix_skb *dgram_next(struct unix_sock *u, bool peek, size_t *skip)
{
	size_t off = peek && u->peek_off >= 0 ? (size_t)u->peek_off : 0;
	bool at_off = peek && u->peek_off >= 0;
	struct unix_skb *skb;

	list_for_each_entry(skb, &u->rcvq, node) {
		if (peek) {
			if (at_off && off >= skb->len && (off || skb->peeked)) {
				off -= skb->len;
				continue;
			}
			if (!skb->len)
				skb->peeked = true;
		}
		*skip = off;
		return skb;
	}
	return NULL;
}

static ssize_t dgram_recv(struct task *t, struct unix_sock *u, struct sock_msg *m, int flags)
{
	bool peek = flags & MSG_PEEK;
	struct unix_skb *skb;
	struct sock_wait w;
	size_t c, skip;
	int r;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (u->sock.type == SOCK_SEQPACKET && u->state != US_CONNECTED)
		return -ENOTCONN;
	sock_wait_init(&w, &u->rcvtimeo, (flags & MSG_DONTWAIT) || u->rcvtimeo_neg);
	while (!(skb = dgram_next(u, peek, &skip))) {
		if (u->err)
			return take_err(u);
		if (u->shutdown & RCV_SHUT)
			return 0;
		r = sock_wait(t, &w, &u->wq, NULL);
		if (r < 0)
			return r;
	}
	c = skb->len - skip < m->len ? skb->len - skip : m->len;
	memcpy(m->buf, skb->data + skip, c);
	if (skb->len - skip > m->len)
		m->msg_flags |= MSG_TRUNC;
	give_addr(skb, m);
	m->cred = skb->cred;
	m->has_cred = u->passcred;
	if (give_fds(skb, m, peek) < 0)
		return -ENOMEM;
	r = (flags & MSG_TRUNC) ? (int)(skb->len - skip) : (int)c;
	peek_off_advance(u, peek, peek ? c : skb->len);
	if (!peek)
		skb_unlink(u, skb);
	return r;
}

static ssize_t unix_recvmsg(struct task *t, struct socket *s, struct sock_msg *m, int flags)
{
	struct unix_sock *u = us_of(s);

	if (hosted(u))
		return hostsock_recvmsg(t, &u->host, &u->wq, m,
					flags | (u->rcvtimeo_neg ? MSG_DONTWAIT : 0), &u->rcvtimeo);
	if (u->sock.type == SOCK_STREAM)
		return stream_recv(t, u, m, flags);
	return dgram_recv(t, u, m, flags);
}

/* ---- readiness, ioctl, options ---- */

static bool writable(struct unix_sock *u)
{
	return u->state != US_LISTEN && u->wmem * 4 <= (size_t)u->sndbuf;
}

static unsigned int unix_poll(struct socket *s, struct waitq **wq)
{
	struct unix_sock *u = us_of(s), *o = u->peer;
	unsigned int mask = 0;
	bool w = writable(u);

	if (wq)
		*wq = &u->wq;
	if (hosted(u))
		return hostsock_poll(&u->host);
	if (u->err)
		mask |= POLLERR;
	if (u->shutdown & RCV_SHUT)
		mask |= POLLRDHUP | POLLIN | POLLRDNORM;
	if (u->shutdown == SHUT_ALL)
		mask |= POLLHUP;
	if (!list_empty(&u->rcvq) || !list_empty(&u->acceptq))
		mask |= POLLIN | POLLRDNORM;
	if (connection_based(u) && u->state == US_CLOSE)
		mask |= POLLHUP;
	/* A datagram peer that is not connected back and has a full queue
	 * makes us unwritable (unix_dgram_poll). */
	if (!connection_based(u) && o && !o->dead && o->peer != u &&
	    o->rcv_qlen > UNIX_DGRAM_QLEN)
		w = false;
	if (w)
		mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
	return mask;
}

static long unix_ioctl(struct task *t, struct socket *s, unsigned int cmd, uint64_t arg)
{
	struct unix_sock *u = us_of(s);
	struct unix_skb *skb;
	int n = 0;

	if (hosted(u) && (cmd == SIOCINQ || cmd == SIOCOUTQ)) {
		int r = hostsock_queued(&u->host, cmd, &n);

		return r < 0 ? r : copy_to_guest(t, arg, &n, sizeof(n));
	}
	switch (cmd) {
	case SIOCINQ:
		if (u->state == US_LISTEN)
			return -EINVAL;
		list_for_each_entry(skb, &u->rcvq, node) {
			n += (int)(skb->len - skb->off);
			if (u->sock.type == SOCK_DGRAM)
				break;
		}
		return copy_to_guest(t, arg, &n, sizeof(n));
	case SIOCOUTQ:
		n = (int)u->wmem;
		return copy_to_guest(t, arg, &n, sizeof(n));
	default:
		/* unix_ioctl's -ENOIOCTLCMD: the interface ioctls of any socket. */
		return route_ioctl(t, cmd, arg, false);
	}
}

/* Plain boolean options Linux keeps for every socket and we only store. */
static int bool_opt_bit(int name)
{
	switch (name) {
	case SO_REUSEADDR: return 1 << 0;
	case SO_KEEPALIVE: return 1 << 1;
	case SO_BROADCAST: return 1 << 2;
	case SO_DONTROUTE: return 1 << 3;
	case SO_OOBINLINE: return 1 << 4;
	default: return 0;
	}
}

static int unix_getsockopt(struct task *t, struct socket *s, int level, int name, void *val,
			   socklen_t *len)
{
	struct unix_sock *u = us_of(s);
	int v;

	if (level != SOL_SOCKET)
		return -EOPNOTSUPP;
	switch (name) {
	case SO_TYPE: v = s->type; break;
	case SO_DOMAIN: v = AF_UNIX; break;
	case SO_PROTOCOL: v = 0; break;
	case SO_ERROR: v = hosted(u) ? hostsock_error(&u->host) : -take_err(u); break;
	case SO_SNDBUF: v = u->sndbuf; break;
	case SO_RCVBUF: v = u->rcvbuf; break;
	case SO_ACCEPTCONN: v = u->state == US_LISTEN; break;
	case SO_PASSCRED: v = u->passcred; break;
	case SO_PRIORITY: v = u->priority; break;
	case SO_RCVLOWAT: v = u->rcvlowat; break;
	case SO_SNDLOWAT: v = 1; break;
	case SO_REUSEPORT: v = 0; break;
	case SO_PEEK_OFF: v = u->peek_off; break;
	case SO_LINGER:
		return sockopt_put(&u->linger, sizeof(u->linger), val, len);
	case SO_PEERCRED: {
		struct ucred c = { .pid = 0, .uid = (uid_t)-1, .gid = (gid_t)-1 };

		if (u->has_peercred)
			c = u->peercred;
		return sockopt_put(&c, sizeof(c), val, len);
	}
	case SO_RCVTIMEO:
		return sockopt_put_timeo(&u->rcvtimeo, val, len);
	case SO_SNDTIMEO:
		return sockopt_put_timeo(&u->sndtimeo, val, len);
	default:
		if (!bool_opt_bit(name))
			return -ENOPROTOOPT;
		v = !!(u->bool_opts & bool_opt_bit(name));
	}
	return sockopt_put_int(v, val, len);
}

static int unix_setsockopt(struct task *t, struct socket *s, int level, int name,
			   const void *val, socklen_t len)
{
	struct unix_sock *u = us_of(s);
	int v;

	if (level != SOL_SOCKET)
		return -EOPNOTSUPP;
	if (name == SO_RCVTIMEO)
		return sockopt_get_timeo(val, len, &u->rcvtimeo, &u->rcvtimeo_neg);
	if (name == SO_SNDTIMEO)
		return sockopt_get_timeo(val, len, &u->sndtimeo, &u->sndtimeo_neg);
	if (name == SO_LINGER) {
		if (len < (socklen_t)sizeof(u->linger))
			return -EINVAL;
		memcpy(&u->linger, val, sizeof(u->linger));
		u->linger.l_onoff = !!u->linger.l_onoff;
		return 0;
	}
	if (sockopt_get_int(val, len, &v) < 0)
		return -EINVAL;
	switch (name) {
	case SO_SNDBUFFORCE:
	case SO_RCVBUFFORCE:
		if (!capable(t, CAP_NET_ADMIN_K))
			return -EPERM;
		if (v < 0)
			v = 0;
		if (v > INT_MAX / 2)
			v = INT_MAX / 2;
		if (name == SO_SNDBUFFORCE)
			goto sndbuf;
		goto rcvbuf;
	case SO_SNDBUF:
		if ((unsigned int)v > UNIX_BUF_MAX)
			v = UNIX_BUF_MAX;
sndbuf:
		/* Doubled for bookkeeping overhead, as Linux does. */
		u->sndbuf = v * 2 < UNIX_MIN_SNDBUF ? UNIX_MIN_SNDBUF : v * 2;
		waitq_wake_all(&u->wq);
		return 0;
	case SO_RCVBUF:
		if ((unsigned int)v > UNIX_BUF_MAX)
			v = UNIX_BUF_MAX;
rcvbuf:
		u->rcvbuf = v * 2 < UNIX_MIN_RCVBUF ? UNIX_MIN_RCVBUF : v * 2;
		return 0;
	case SO_PRIORITY:
		if ((v < 0 || v > 6) && !capable(t, CAP_NET_ADMIN_K))
			return -EPERM;
		u->priority = v;
		return 0;
	case SO_RCVLOWAT:
		u->rcvlowat = v < 0 ? INT_MAX : (v ? v : 1);
		return 0;
	case SO_REUSEPORT:
		return -EOPNOTSUPP;
	case SO_PEEK_OFF:
		u->peek_off = v;
		return 0;
	case SO_PASSCRED:
		u->passcred = v != 0;
		return 0;
	default:
		if (!bool_opt_bit(name))
			return -ENOPROTOOPT;
		if (v)
			u->bool_opts |= bool_opt_bit(name);
		else
			u->bool_opts &= ~bool_opt_bit(name);
		return 0;
	}
}

/* ---- release ---- */

/* The file is gone: the peer sees a full shutdown (and a reset if data
 * was left unread), embryos of a listener are torn down the same way. */
static void us_kill(struct unix_sock *u, bool embryo)
{
	struct unix_sock *o = u->peer, *ns, *n;
	struct unix_skb *skb, *sn;

	u->dead = true;
	u->state = US_CLOSE;
	if (hosted(u))
		hostsock_detach(&u->host);
	u->shutdown = SHUT_ALL;
	if (!list_empty(&u->bound_node)) {
		list_del(&u->bound_node);
		list_init(&u->bound_node);
	}
	if (u->path_inode) {
		if (u->path_inode->bound_socket == u)
			u->path_inode->bound_socket = NULL;
		inode_put(u->path_inode);
		u->path_inode = NULL;
	}
	list_for_each_entry_safe(ns, n, &u->acceptq, accept_node) {
		list_del(&ns->accept_node);
		list_init(&ns->accept_node);
		us_kill(ns, true);
		us_put(ns);
	}
	u->nacc = 0;
	if (o) {
		if (connection_based(u)) {
			o->shutdown = SHUT_ALL;
			if (!list_empty(&u->rcvq) || embryo)
				o->err = ECONNRESET;
		}
		waitq_wake_all(&o->wq);
		u->peer = NULL;
		us_put(o);
	}
	/* Passed files queued here may hold sockets referring back to us. */
	list_for_each_entry_safe(skb, sn, &u->rcvq, node)
		skb_unlink(u, skb);
	waitq_wake_all(&u->wq);
}

static void unix_release(struct socket *s)
{
	struct unix_sock *u = us_of(s);

	us_kill(u, false);
	us_put(u);
}

static const struct sock_ops unix_ops = {
	.bind = unix_bind,
	.connect = unix_connect,
	.listen = unix_listen,
	.accept = unix_accept,
	.sendmsg = unix_sendmsg,
	.recvmsg = unix_recvmsg,
	.shutdown = unix_shutdown,
	.getname = unix_getname,
	.getsockopt = unix_getsockopt,
	.setsockopt = unix_setsockopt,
	.poll = unix_poll,
	.ioctl = unix_ioctl,
	.release = unix_release,
};
