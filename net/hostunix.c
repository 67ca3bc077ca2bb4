/* Host-backed sockets: the guest socket stays a sentry object (its fd,
 * inode, options and wait queue are ours) while its bytes go through a
 * host socket the sentry holds. Used for guest unix sockets connected to
 * host sockets on bind mounts (the gofer connects them and donates the
 * fd) and for --network=host sockets. Nothing of the host's crosses back
 * unchecked: passed fds from the host are closed (MSG_CTRUNC), host
 * credentials are dropped, and control messages are copied only from an
 * allowlist. */
#define _GNU_SOURCE
#include "net/hostunix.h"
#include "fs/gofer.h"
#include "fs/vfs.h"
#include "sentry/hostio.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

/* The guest flags a host send or receive may carry; the rest are ours
 * (MSG_DONTWAIT, MSG_WAITALL, MSG_NOSIGNAL) or refused by the caller. */
#define SEND_FLAGS (MSG_OOB | MSG_DONTROUTE | MSG_EOR | MSG_MORE | MSG_CONFIRM)
#define RECV_FLAGS (MSG_OOB | MSG_PEEK | MSG_TRUNC)

void hostsock_wait_init(struct hostsock_wait *w, const struct timespec *timeo, bool nonblock)
{
	w->nonblock = nonblock;
	w->has_deadline = sock_deadline(timeo, &w->deadline) != NULL;
}

int hostsock_sleep(struct task *t, struct hostsock_wait *w, struct waitq *wq)
{
	if (w->nonblock)
		return -EAGAIN;
	return sock_sleep(t, wq, NULL, w->has_deadline ? &w->deadline : NULL);
}

int hostsock_attach(struct hostsock *h, int fd, int type, bool unix_peer, struct waitq *wq)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	h->watch = hostio_watch(fd, wq);
	if (!h->watch) {
		close(fd);
		return -ENOMEM;
	}
	h->fd = fd;
	h->type = type;
	h->unix_peer = unix_peer;
	return 0;
}

void hostsock_detach(struct hostsock *h)
{
	if (h->watch)
		hostio_unwatch(h->watch);
	h->watch = NULL;
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
}

ssize_t hostsock_sendmsg(struct task *t, struct hostsock *h, struct waitq *wq,
			 struct sock_msg *m, int flags, const struct timespec *timeo)
{
	struct hostsock_wait w;
	size_t done = 0;

	/* gVisor's host endpoints refuse any control message the same way:
	 * guest files and credentials mean nothing to a host peer. */
	if (h->unix_peer && (m->nfds || m->has_cred))
		return -EINVAL;
	if (h->unix_peer && (flags & MSG_OOB))
		return -EOPNOTSUPP;
	hostsock_wait_init(&w, timeo, flags & MSG_DONTWAIT);
	for (;;) {
		struct iovec iov = { (char *)m->buf + done, m->len - done };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n;
		int r;

		if (m->addrlen && !h->unix_peer) {
			mh.msg_name = m->addr;
			mh.msg_namelen = m->addrlen;
		}
		n = sendmsg(h->fd, &mh, (flags & SEND_FLAGS) | MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n >= 0) {
			done += (size_t)n;
			/* A blocking stream send waits until all is sent. */
			if (h->type != SOCK_STREAM || done >= m->len)
				return (ssize_t)done;
			continue;
		}
		r = -errno;
		if (r == -EAGAIN) {
			r = hostsock_sleep(t, &w, wq);
			if (r == 0)
				continue;
		} else if (r == -EPIPE && !done && h->type == SOCK_STREAM &&
			   !(flags & MSG_NOSIGNAL)) {
			socket_sigpipe(t);
		}
		return done ? (ssize_t)done : r;
	}
}

/* Control messages that may reach the guest from a host socket: IP and
 * IPv6 ancillary data and timestamps (hostinet). Passed fds are closed,
 * credentials (host pids) dropped; both set MSG_CTRUNC as a receiver with
 * too little room would see. */
static void take_ctl(struct hostsock *h, struct msghdr *mh, struct sock_msg *m)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		bool ok = false;

		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			for (size_t i = 0; i < n; i++) {
				int fd;

				memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
				close(fd);
			}
			m->msg_flags |= MSG_CTRUNC;
			continue;
		}
		if (!h->unix_peer)
			ok = c->cmsg_level == IPPROTO_IP || c->cmsg_level == IPPROTO_IPV6 ||
			     (c->cmsg_level == SOL_SOCKET &&
			      (c->cmsg_type == SO_TIMESTAMP || c->cmsg_type == SO_TIMESTAMPNS));
		if (!ok)
			continue;
		if (m->ctllen + CMSG_ALIGN(c->cmsg_len) > sizeof(m->ctl)) {
			m->msg_flags |= MSG_CTRUNC;
			continue;
		}
		memcpy(m->ctl + m->ctllen, c, c->cmsg_len);
		m->ctllen += CMSG_ALIGN(c->cmsg_len);
	}
}

ssize_t hostsock_recvmsg(struct task *t, struct hostsock *h, struct waitq *wq,
			 struct sock_msg *m, int flags, const struct timespec *timeo)
{
	/* Room for a full SCM_RIGHTS (to close what a host peer sends). */
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * SOCK_SCM_MAX_FD) + 512];
	} ctl;
	struct hostsock_wait w;
	size_t done = 0;
	bool waitall = (flags & MSG_WAITALL) && !(flags & MSG_PEEK) && h->type == SOCK_STREAM;

	if (h->unix_peer && (flags & MSG_OOB))
		return -EOPNOTSUPP;
	hostsock_wait_init(&w, timeo, flags & MSG_DONTWAIT);
	for (;;) {
		struct iovec iov = { (char *)m->buf + done, m->len - done };
		struct sockaddr_storage from;
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
				     .msg_controllen = sizeof(ctl.buf), .msg_name = &from,
				     .msg_namelen = sizeof(from) };
		ssize_t n;
		int r;

		n = recvmsg(h->fd, &mh, (flags & RECV_FLAGS) | MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n >= 0) {
			take_ctl(h, &mh, m);
			m->msg_flags |= mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC | MSG_EOR | MSG_OOB);
			if (!h->unix_peer && mh.msg_namelen && !done) {
				m->addrlen = mh.msg_namelen < SOCK_ADDR_MAX ? mh.msg_namelen
									    : SOCK_ADDR_MAX;
				memcpy(m->addr, &from, m->addrlen);
			}
			done += (size_t)n;
			if (waitall && n > 0 && done < m->len)
				continue;
			return (ssize_t)done;
		}
		r = -errno;
		if (r == -EAGAIN) {
			r = hostsock_sleep(t, &w, wq);
			if (r == 0)
				continue;
		}
		return done ? (ssize_t)done : r;
	}
}

unsigned int hostsock_poll(struct hostsock *h)
{
	struct pollfd p = { .fd = h->fd, .events = POLLIN | POLLOUT | POLLPRI | POLLRDHUP };

	if (h->fd < 0 || poll(&p, 1, 0) <= 0)
		return 0;
	return (unsigned int)p.revents & (POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM | POLLWRBAND |
					  POLLPRI | POLLERR | POLLHUP | POLLRDHUP);
}

int hostsock_shutdown(struct hostsock *h, int how)
{
	return shutdown(h->fd, how) < 0 ? -errno : 0;
}

int hostsock_queued(struct hostsock *h, unsigned int cmd, int *val)
{
	if (cmd != SIOCINQ && cmd != SIOCOUTQ)
		return -ENOTTY;
	return ioctl(h->fd, cmd, val) < 0 ? -errno : 0;
}

int hostsock_error(struct hostsock *h)
{
	int e = 0;
	socklen_t l = sizeof(e);

	if (getsockopt(h->fd, SOL_SOCKET, SO_ERROR, &e, &l) < 0)
		return errno;
	return e;
}

int hostunix_connect(struct task *t, const char *path, int type, int *fd)
{
	struct path p;
	struct inode *inode;
	int r = vfs_lookup_at(t, AT_FDCWD, path, LOOKUP_FOLLOW, &p);

	if (r < 0)
		return r;
	inode = p.dentry->inode;
	if (!S_ISSOCK(inode->mode) || inode->bound_socket)
		r = -ENOTSOCK;
	else
		r = vfs_permission(t->cred, inode, MAY_WRITE);
	/* The path holds the inode while the RPC runs without the BKL. */
	if (r == 0)
		r = gofer_connect_host(inode, type, fd);
	path_put(&p);
	return r;
}
