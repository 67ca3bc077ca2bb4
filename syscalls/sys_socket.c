/* Socket syscalls: socket, socketpair, bind/listen/accept/connect, the
 * send and receive family with control messages (SCM_RIGHTS,
 * SCM_CREDENTIALS), shutdown, names and options. The families live in
 * net/; this file copies guest memory and manages fds. */
#define _GNU_SOURCE
#include "syscalls/table.h"
#include "fs/file.h"
#include "net/socket.h"
#include "net/inet.h"
#include "net/hostinet.h"
#include "net/netlink.h"
#include "net/unix.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>

#define SOCK_TYPE_MASK 0xf
#define SOCK_MAX_K 11
#define AF_MAX_K 46
#define UIO_MAXIOV_K 1024
/* net.core.optmem_max (Linux 6.x default): the largest control buffer a
 * send accepts. */
#define OPTMEM_MAX 131072
/* The most bytes one send or receive moves through a sentry buffer. */
#define SOCK_IO_MAX (4u << 20)
#define CAP_SETUID_K 7
#define CAP_SETGID_K 6
#define CAP_SYS_ADMIN_K 21

/* The socket at fd with a file reference in *fp, or -EBADF/-ENOTSOCK. */
static struct socket *sockfd(struct task *t, int fd, struct file **fp, long *err)
{
	struct file *f = fd_get(t->files, fd);
	struct socket *s;

	*fp = NULL;
	if (!f) {
		*err = -EBADF;
		return NULL;
	}
	s = socket_of(f);
	if (!s) {
		file_put(f);
		*err = -ENOTSOCK;
		return NULL;
	}
	*fp = f;
	return s;
}

/* Wrap a new socket in a file and install it; on failure the socket is
 * released. Returns the fd. */
static long install_socket(struct task *t, struct socket *s, int flags, struct file **fp)
{
	struct file *f = socket_file_new(s, flags & SOCK_NONBLOCK);
	long fd;

	if (!f) {
		s->ops->release(s);
		return -ENOMEM;
	}
	fd = fd_alloc(t->files, f, 0, flags & SOCK_CLOEXEC, rlimit_nofile(t));
	if (fp && fd >= 0)
		*fp = f;
	else
		file_put(f);
	return fd;
}

/* socket(2)'s checks in __sock_create order. */
static long check_create(int family, int type, int protocol, int *base)
{
	if (type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	*base = type & SOCK_TYPE_MASK;
	if (family < 0 || family >= AF_MAX_K)
		return -EAFNOSUPPORT;
	if (*base < 0 || *base >= SOCK_MAX_K)
		return -EINVAL;
	if (family == AF_NETLINK || family == AF_INET || family == AF_INET6)
		return 0;
	if (family != AF_UNIX)
		return -EAFNOSUPPORT;
	if (protocol && protocol != AF_UNIX)
		return -EPROTONOSUPPORT;
	/* BSD heritage: Linux treats a raw unix socket as a datagram one. */
	if (*base == SOCK_RAW)
		*base = SOCK_DGRAM;
	if (*base != SOCK_STREAM && *base != SOCK_DGRAM && *base != SOCK_SEQPACKET)
		return -ESOCKTNOSUPPORT;
	return 0;
}

long sys_socket(struct task *t, const struct syscall_args *a)
{
	int family = (int)a->a[0], type = (int)a->a[1], base;
	struct socket *s;
	long r = check_create(family, type, (int)a->a[2], &base);

	if (r < 0)
		return r;
	if (family == AF_NETLINK)
		r = netlink_create(t, base, (int)a->a[2], &s);
	else if ((family == AF_INET || family == AF_INET6) && hostinet_enabled)
		r = hostinet_create(t, family, base, (int)a->a[2], &s);
	else if (family == AF_INET || family == AF_INET6)
		r = inet_create(t, family, base, (int)a->a[2], &s);
	else
		r = unix_create(t, base, (int)a->a[2], &s);
	if (r < 0)
		return r;
	return install_socket(t, s, type, NULL);
}

long sys_socketpair(struct task *t, const struct syscall_args *a)
{
	int family = (int)a->a[0], type = (int)a->a[1], base, fds[2];
	struct socket *x, *y;
	long r = check_create(family, type, (int)a->a[2], &base);

	if (r == -EAFNOSUPPORT && (family == AF_INET || family == AF_INET6))
		return -EOPNOTSUPP;
	if (r < 0)
		return r;
	if (family == AF_NETLINK || family == AF_INET || family == AF_INET6)
		return -EOPNOTSUPP;
	r = unix_pair(t, base, (int)a->a[2], &x, &y);
	if (r < 0)
		return r;
	fds[0] = (int)install_socket(t, x, type, NULL);
	if (fds[0] < 0) {
		y->ops->release(y);
		return fds[0];
	}
	fds[1] = (int)install_socket(t, y, type, NULL);
	if (fds[1] < 0) {
		fd_close(t->files, fds[0]);
		return fds[1];
	}
	if (copy_to_guest(t, a->a[3], fds, sizeof(fds)) < 0) {
		fd_close(t->files, fds[0]);
		fd_close(t->files, fds[1]);
		return -EFAULT;
	}
	return 0;
}

/* move_addr_to_kernel(). */
static long addr_in(struct task *t, uint64_t uaddr, uint64_t ulen, uint8_t *buf, socklen_t *len)
{
	if ((int)ulen < 0 || (int)ulen > SOCK_ADDR_MAX)
		return -EINVAL;
	*len = (socklen_t)ulen;
	memset(buf, 0, SOCK_ADDR_MAX);
	if (*len && copy_from_guest(t, buf, uaddr, *len) < 0)
		return -EFAULT;
	return 0;
}

/* move_addr_to_user(): copy what fits, report the full length. */
static long addr_out(struct task *t, const void *addr, socklen_t len, uint64_t uaddr,
		     uint64_t ulenp)
{
	int ulen;

	if (!ulenp)
		return 0;
	if (copy_from_guest(t, &ulen, ulenp, sizeof(ulen)) < 0)
		return -EFAULT;
	if (ulen < 0)
		return -EINVAL;
	if (ulen > (int)len)
		ulen = (int)len;
	if (ulen && copy_to_guest(t, uaddr, addr, (size_t)ulen) < 0)
		return -EFAULT;
	ulen = (int)len;
	return copy_to_guest(t, ulenp, &ulen, sizeof(ulen));
}

long sys_bind(struct task *t, const struct syscall_args *a)
{
	uint8_t addr[SOCK_ADDR_MAX];
	socklen_t len;
	struct file *f;
	long r;
	struct socket *s = sockfd(t, (int)a->a[0], &f, &r);

	if (!s)
		return r;
	r = addr_in(t, a->a[1], a->a[2], addr, &len);
	if (!r)
		r = s->ops->bind(t, s, addr, len);
	file_put(f);
	return r;
}

long sys_connect(struct task *t, const struct syscall_args *a)
{
	uint8_t addr[SOCK_ADDR_MAX];
	socklen_t len;
	struct file *f;
	long r;
	struct socket *s = sockfd(t, (int)a->a[0], &f, &r);

	if (!s)
		return r;
	r = addr_in(t, a->a[1], a->a[2], addr, &len);
	if (!r)
		r = s->ops->connect(t, s, addr, len, f->flags & O_NONBLOCK);
	file_put(f);
	return r;
}

long sys_listen(struct task *t, const struct syscall_args *a)
{
	struct file *f;
	long r;
	struct socket *s = sockfd(t, (int)a->a[0], &f, &r);

	if (!s)
		return r;
	r = s->ops->listen(t, s, (int)a->a[1]);
	file_put(f);
	return r;
}

static long do_accept(struct task *t, int fd, uint64_t uaddr, uint64_t ulenp, int flags)
{
	uint8_t addr[SOCK_ADDR_MAX];
	socklen_t len = 0;
	struct socket *ns;
	struct file *f, *nf = NULL;
	long r, nfd;
	struct socket *s;

	if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	s = sockfd(t, fd, &f, &r);
	if (!s)
		return r;
	r = s->ops->accept(t, s, f->flags & O_NONBLOCK, &ns);
	file_put(f);
	if (r < 0)
		return r;
	nfd = install_socket(t, ns, flags, &nf);
	if (nfd < 0)
		return nfd;
	if (uaddr) {
		r = ns->ops->getname(ns, true, addr, &len);
		if (r == -ENOTCONN) /* the peer already went away */
			r = ns->ops->getname(ns, false, addr, &len), len = sizeof(sa_family_t);
		if (r >= 0)
			r = addr_out(t, addr, len, uaddr, ulenp);
		if (r < 0) {
			fd_close(t->files, (int)nfd);
			file_put(nf);
			return r;
		}
	}
	file_put(nf);
	return nfd;
}

long sys_accept(struct task *t, const struct syscall_args *a)
{
	return do_accept(t, (int)a->a[0], a->a[1], a->a[2], 0);
}

long sys_accept4(struct task *t, const struct syscall_args *a)
{
	return do_accept(t, (int)a->a[0], a->a[1], a->a[2], (int)a->a[3]);
}

long sys_shutdown(struct task *t, const struct syscall_args *a)
{
	struct file *f;
	long r;
	struct socket *s = sockfd(t, (int)a->a[0], &f, &r);
	int how = (int)a->a[1];

	if (!s)
		return r;
	r = (how < SHUT_RD || how > SHUT_RDWR) ? -EINVAL : s->ops->shutdown(s, how);
	file_put(f);
	return r;
}

static long do_getname(struct task *t, const struct syscall_args *a, bool peer)
{
	uint8_t addr[SOCK_ADDR_MAX];
	socklen_t len;
	struct file *f;
	long r;
	struct socket *s = sockfd(t, (int)a->a[0], &f, &r);

	if (!s)
		return r;
	r = s->ops->getname(s, peer, addr, &len);
	if (r >= 0)
		r = addr_out(t, addr, len, a->a[1], a->a[2]);
	file_put(f);
	return r;
}

long sys_getsockname(struct task *t, const struct syscall_args *a)
{
	return do_getname(t, a, false);
}

long sys_getpeername(struct task *t, const struct syscall_args *a)
{
	return do_getname(t, a, true);
}

long sys_getsockopt(struct task *t, const struct syscall_args *a)
{
	uint8_t val[256];   /* TCP_INFO is 232 bytes */
	socklen_t len;
	struct file *f;
	int ulen;
	long r;
	struct socket *s = sockfd(t, (int)a->a[0], &f, &r);

	if (!s)
		return r;
	r = -EFAULT;
	if (copy_from_guest(t, &ulen, a->a[4], sizeof(ulen)) < 0)
		goto out;
	r = -EINVAL;
	if (ulen < 0)
		goto out;
	len = ulen > (int)sizeof(val) ? sizeof(val) : (socklen_t)ulen;
	memset(val, 0, sizeof(val));
	r = s->ops->getsockopt(t, s, (int)a->a[1], (int)a->a[2], val, &len);
	if (r < 0)
		goto out;
	ulen = (int)len;
	if ((len && copy_to_guest(t, a->a[3], val, len) < 0) ||
	    copy_to_guest(t, a->a[4], &ulen, sizeof(ulen)) < 0)
		r = -EFAULT;
out:
	file_put(f);
	return r;
}

long sys_setsockopt(struct task *t, const struct syscall_args *a)
{
	uint8_t val[64];
	int ulen = (int)a->a[4];
	struct file *f;
	long r;
	struct socket *s = sockfd(t, (int)a->a[0], &f, &r);

	if (!s)
		return r;
	r = -EINVAL;
	if (ulen < 0)
		goto out;
	memset(val, 0, sizeof(val));
	r = -EFAULT;
	if (copy_from_guest(t, val, a->a[3], ulen > (int)sizeof(val) ? sizeof(val)
									: (size_t)ulen) < 0)
		goto out;
	r = s->ops->setsockopt(t, s, (int)a->a[1], (int)a->a[2], val, (socklen_t)ulen);
out:
	file_put(f);
	return r;
}

/* ---- send and receive ---- */

/* A guest msghdr with its iovec read in. */
struct kmsghdr {
	struct msghdr h;
	struct iovec iov[UIO_MAXIOV_K];
	size_t total;
};

static long read_iov(struct task *t, struct kmsghdr *k)
{
	if (k->h.msg_iovlen > UIO_MAXIOV_K)
		return -EMSGSIZE;
	if (k->h.msg_iovlen &&
	    copy_from_guest(t, k->iov, (uint64_t)k->h.msg_iov,
			    k->h.msg_iovlen * sizeof(struct iovec)) < 0)
		return -EFAULT;
	k->total = 0;
	for (size_t i = 0; i < k->h.msg_iovlen; i++) {
		if ((ssize_t)k->iov[i].iov_len < 0)
			return -EINVAL;
		k->total += k->iov[i].iov_len;
		if (k->total > INT_MAX)
			return -EINVAL;
	}
	return 0;
}

/* Parse the sender's control messages (__scm_send): SCM_RIGHTS takes file
 * references, SCM_CREDENTIALS must name the sender unless privileged. */
static long scm_parse(struct task *t, const struct msghdr *h, struct sock_msg *m)
{
	size_t len = h->msg_controllen, off = 0;
	uint8_t *buf;
	long r = 0;

	if (!len)
		return 0;
	/* CMSG_FIRSTHDR is NULL for a buffer shorter than one header. */
	if (len < sizeof(struct cmsghdr))
		return 0;
	if (len > OPTMEM_MAX)
		return -ENOBUFS;
	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	if (copy_from_guest(t, buf, (uint64_t)h->msg_control, len) < 0) {
		r = -EFAULT;
		goto out;
	}
	while (off + sizeof(struct cmsghdr) <= len) {
		struct cmsghdr c;
		size_t dlen;

		memcpy(&c, buf + off, sizeof(c));
		if (c.cmsg_len < sizeof(c) || c.cmsg_len > len - off) {
			r = -EINVAL;
			goto out;
		}
		dlen = c.cmsg_len - CMSG_LEN(0);
		if (c.cmsg_level != SOL_SOCKET)
			goto next;
		if (c.cmsg_type == SCM_RIGHTS) {
			int n = (int)(dlen / sizeof(int));
			struct file **nf;

			if (!n)
				goto next;
			if (m->nfds + n > SOCK_SCM_MAX_FD) {
				r = -EINVAL;
				goto out;
			}
			nf = realloc(m->fds, sizeof(*nf) * (size_t)(m->nfds + n));
			if (!nf) {
				r = -ENOMEM;
				goto out;
			}
			m->fds = nf;
			for (int i = 0; i < n; i++) {
				int fd;

				memcpy(&fd, buf + off + CMSG_LEN(0) + (size_t)i * sizeof(int), sizeof(fd));
				m->fds[m->nfds] = fd_get(t->files, fd);
				if (!m->fds[m->nfds]) {
					r = -EBADF;
					goto out;
				}
				m->nfds++;
			}
		} else if (c.cmsg_type == SCM_CREDENTIALS) {
			struct ucred u;
			struct cred *cr = t->cred;

			if (c.cmsg_len != CMSG_LEN(sizeof(u))) {
				r = -EINVAL;
				goto out;
			}
			memcpy(&u, buf + off + CMSG_LEN(0), sizeof(u));
			if ((u.pid != t->tg->tgid && !capable(t, CAP_SYS_ADMIN_K)) ||
			    (u.uid != cr->uid && u.uid != cr->euid && u.uid != cr->suid &&
			     !capable(t, CAP_SETUID_K)) ||
			    (u.gid != cr->gid && u.gid != cr->egid && u.gid != cr->sgid &&
			     !capable(t, CAP_SETGID_K))) {
				r = -EPERM;
				goto out;
			}
			m->cred = u;
			m->has_cred = true;
		} else {
			r = -EINVAL;
			goto out;
		}
next:
		off += CMSG_ALIGN(c.cmsg_len);
	}
out:
	free(buf);
	return r;
}

static long do_send(struct task *t, int fd, struct kmsghdr *k, int flags)
{
	struct sock_msg m = { 0 };
	struct file *f;
	long r;
	struct socket *s = sockfd(t, fd, &f, &r);
	size_t got = 0;

	if (!s)
		return r;
	if (k->h.msg_name && k->h.msg_namelen) {
		r = addr_in(t, (uint64_t)k->h.msg_name, k->h.msg_namelen, m.addr, &m.addrlen);
		if (r < 0)
			goto out;
	}
	r = scm_parse(t, &k->h, &m);
	if (r < 0)
		goto out;
	m.len = k->total < SOCK_IO_MAX ? k->total : SOCK_IO_MAX;
	m.buf = malloc(m.len ? m.len : 1);
	r = -ENOMEM;
	if (!m.buf)
		goto out;
	for (size_t i = 0; i < k->h.msg_iovlen && got < m.len; i++) {
		size_t c = k->iov[i].iov_len < m.len - got ? k->iov[i].iov_len : m.len - got;

		r = -EFAULT;
		if (c && copy_from_guest(t, (uint8_t *)m.buf + got, (uint64_t)k->iov[i].iov_base, c) < 0)
			goto out;
		got += c;
	}
	if (f->flags & O_NONBLOCK)
		flags |= MSG_DONTWAIT;
	r = s->ops->sendmsg(t, s, &m, flags);
out:
	free(m.buf);
	sock_msg_clear(&m);
	file_put(f);
	return r;
}

/* Write the received control messages (put_cmsg, scm_detach_fds); returns
 * the control bytes used. */
static long scm_put(struct task *t, struct sock_msg *m, uint64_t ctl, size_t ctllen, int flags)
{
	size_t used = 0;

	if (m->has_cred) {
		struct {
			struct cmsghdr h;
			struct ucred u;
		} c = { { CMSG_LEN(sizeof(struct ucred)), SOL_SOCKET, SCM_CREDENTIALS }, m->cred };
		size_t cl = CMSG_LEN(sizeof(struct ucred));

		if (ctllen < sizeof(struct cmsghdr)) {
			m->msg_flags |= MSG_CTRUNC;
		} else {
			if (ctllen < cl) {
				m->msg_flags |= MSG_CTRUNC;
				cl = ctllen;
			}
			if (copy_to_guest(t, ctl, &c, cl) < 0)
				return -EFAULT;
			cl = CMSG_SPACE(sizeof(struct ucred));
			used = cl < ctllen ? cl : ctllen;
		}
	}
	if (m->nfds) {
		size_t room = ctllen - used;
		int max = room > sizeof(struct cmsghdr) ?
			  (int)((room - sizeof(struct cmsghdr)) / sizeof(int)) : 0;
		int n = m->nfds < max ? m->nfds : max, i;
		int *fds = calloc((size_t)(n ? n : 1), sizeof(int));

		if (!fds)
			return -ENOMEM;
		for (i = 0; i < n; i++) {
			fds[i] = fd_alloc(t->files, m->fds[i], 0, flags & MSG_CMSG_CLOEXEC,
					  rlimit_nofile(t));
			if (fds[i] < 0)
				break;
		}
		if (i < m->nfds)
			m->msg_flags |= MSG_CTRUNC;
		if (i) {
			struct cmsghdr h = { CMSG_LEN((size_t)i * sizeof(int)), SOL_SOCKET, SCM_RIGHTS };
			size_t sp = CMSG_SPACE((size_t)i * sizeof(int));

			if (copy_to_guest(t, ctl + used, &h, sizeof(h)) < 0 ||
			    copy_to_guest(t, ctl + used + sizeof(h), fds, (size_t)i * sizeof(int)) < 0) {
				free(fds);
				return -EFAULT;
			}
			used += sp < room ? sp : room;
		}
		free(fds);
	}
	/* put_cmsg: what fits whole, else a truncated one and MSG_CTRUNC. */
	for (size_t off = 0; off + sizeof(struct cmsghdr) <= m->ctllen;) {
		struct cmsghdr h;
		size_t room = ctllen - used, c;

		memcpy(&h, m->ctl + off, sizeof(h));
		if (h.cmsg_len < sizeof(h) || h.cmsg_len > m->ctllen - off)
			break;
		if (room < sizeof(struct cmsghdr)) {
			m->msg_flags |= MSG_CTRUNC;
			break;
		}
		c = h.cmsg_len;
		if (room < c) {
			/* The truncated message says its own length. */
			struct cmsghdr th = h;

			m->msg_flags |= MSG_CTRUNC;
			c = room;
			th.cmsg_len = c;
			memcpy(m->ctl + off, &th, sizeof(th));
		}
		if (copy_to_guest(t, ctl + used, m->ctl + off, c) < 0)
			return -EFAULT;
		c = CMSG_ALIGN(h.cmsg_len);
		used += c < room ? c : room;
		off += CMSG_ALIGN(h.cmsg_len);
	}
	return (long)used;
}

static long do_recv(struct task *t, int fd, struct kmsghdr *k, int flags, uint64_t umsg,
		    uint64_t uaddr, uint64_t ulenp)
{
	struct sock_msg m = { 0 };
	struct file *f;
	long r, ctl = 0;
	struct socket *s = sockfd(t, fd, &f, &r);
	size_t put = 0;

	if (!s)
		return r;
	m.len = k->total < SOCK_IO_MAX ? k->total : SOCK_IO_MAX;
	m.buf = malloc(m.len ? m.len : 1);
	r = -ENOMEM;
	if (!m.buf)
		goto out;
	if (f->flags & O_NONBLOCK)
		flags |= MSG_DONTWAIT;
	r = s->ops->recvmsg(t, s, &m, flags);
	if (r < 0)
		goto out;
	/* TCP's MSG_TRUNC discards what it reads: nothing is copied out, so
	 * a NULL buffer is fine (tcp(7)). */
	if ((flags & MSG_TRUNC) && s->type == SOCK_STREAM &&
	    (s->family == AF_INET || s->family == AF_INET6))
		put = m.len;
	for (size_t i = 0; i < k->h.msg_iovlen && put < m.len && put < (size_t)r; i++) {
		size_t want = (size_t)r < m.len ? (size_t)r : m.len;
		size_t c = k->iov[i].iov_len < want - put ? k->iov[i].iov_len : want - put;

		if (c && copy_to_guest(t, (uint64_t)k->iov[i].iov_base, (uint8_t *)m.buf + put, c) < 0) {
			r = -EFAULT;
			goto out;
		}
		put += c;
	}
	if (umsg) {
		struct msghdr h = k->h;

		if (h.msg_name) {
			socklen_t al = m.addrlen < h.msg_namelen ? m.addrlen : h.msg_namelen;

			if (al && copy_to_guest(t, (uint64_t)h.msg_name, m.addr, al) < 0) {
				r = -EFAULT;
				goto out;
			}
			h.msg_namelen = m.addrlen;
		}
		if (h.msg_control || h.msg_controllen) {
			ctl = scm_put(t, &m, (uint64_t)h.msg_control, h.msg_controllen, flags);
			if (ctl < 0) {
				r = ctl;
				goto out;
			}
		} else if (m.nfds || m.has_cred || m.ctllen) {
			m.msg_flags |= MSG_CTRUNC;
		}
		h.msg_controllen = (size_t)ctl;
		h.msg_flags = m.msg_flags;
		if (copy_to_guest(t, umsg, &h, sizeof(h)) < 0)
			r = -EFAULT;
	} else if (uaddr) {
		long e = addr_out(t, m.addr, m.addrlen, uaddr, ulenp);

		if (e < 0)
			r = e;
	}
out:
	free(m.buf);
	sock_msg_clear(&m);
	file_put(f);
	return r;
}

long sys_sendto(struct task *t, const struct syscall_args *a)
{
	struct kmsghdr *k = calloc(1, sizeof(*k));
	long r;

	if (!k)
		return -ENOMEM;
	k->iov[0].iov_base = (void *)a->a[1];
	k->iov[0].iov_len = a->a[2] > INT_MAX ? INT_MAX : a->a[2];
	k->h.msg_iovlen = 1;
	k->total = k->iov[0].iov_len;
	k->h.msg_name = (void *)a->a[4];
	k->h.msg_namelen = (socklen_t)a->a[5];
	r = do_send(t, (int)a->a[0], k, (int)a->a[3]);
	free(k);
	return r;
}

long sys_recvfrom(struct task *t, const struct syscall_args *a)
{
	struct kmsghdr *k = calloc(1, sizeof(*k));
	long r;

	if (!k)
		return -ENOMEM;
	k->iov[0].iov_base = (void *)a->a[1];
	k->iov[0].iov_len = a->a[2] > INT_MAX ? INT_MAX : a->a[2];
	k->h.msg_iovlen = 1;
	k->total = k->iov[0].iov_len;
	r = do_recv(t, (int)a->a[0], k, (int)a->a[3], 0, a->a[4], a->a[5]);
	free(k);
	return r;
}

static long read_msghdr(struct task *t, uint64_t umsg, struct kmsghdr *k)
{
	if (copy_from_guest(t, &k->h, umsg, sizeof(k->h)) < 0)
		return -EFAULT;
	if ((int)k->h.msg_namelen < 0)
		return -EINVAL;
	if (k->h.msg_namelen > SOCK_ADDR_MAX)
		k->h.msg_namelen = SOCK_ADDR_MAX;
	return read_iov(t, k);
}

long sys_sendmsg(struct task *t, const struct syscall_args *a)
{
	struct kmsghdr *k = calloc(1, sizeof(*k));
	long r;

	if (!k)
		return -ENOMEM;
	r = read_msghdr(t, a->a[1], k);
	if (!r)
		r = do_send(t, (int)a->a[0], k, (int)a->a[2]);
	free(k);
	return r;
}

long sys_recvmsg(struct task *t, const struct syscall_args *a)
{
	struct kmsghdr *k = calloc(1, sizeof(*k));
	long r;

	if (!k)
		return -ENOMEM;
	r = read_msghdr(t, a->a[1], k);
	if (!r)
		r = do_recv(t, (int)a->a[0], k, (int)a->a[2], a->a[1], 0, 0);
	free(k);
	return r;
}

/* ---- sendmmsg, recvmmsg ---- */

/* struct mmsghdr: a msghdr, then the byte count of that message. */
#define MMSG_SIZE sizeof(struct mmsghdr)
#define MMSG_LEN_OFF offsetof(struct mmsghdr, msg_len)

long sys_sendmmsg(struct task *t, const struct syscall_args *a)
{
	struct kmsghdr *k = calloc(1, sizeof(*k));
	unsigned int vlen = (unsigned int)a->a[2], i;
	long r = 0;

	if (!k)
		return -ENOMEM;
	if (vlen > UIO_MAXIOV_K)
		vlen = UIO_MAXIOV_K;
	for (i = 0; i < vlen; i++) {
		uint64_t um = a->a[1] + (uint64_t)i * MMSG_SIZE;
		unsigned int n;

		r = read_msghdr(t, um, k);
		if (!r)
			r = do_send(t, (int)a->a[0], k, (int)a->a[3]);
		if (r < 0)
			break;
		n = (unsigned int)r;
		if (copy_to_guest(t, um + MMSG_LEN_OFF, &n, sizeof(n)) < 0) {
			r = -EFAULT;
			break;
		}
	}
	free(k);
	/* Like Linux, an error after some messages went out is not reported. */
	return i ? (long)i : r;
}

long sys_recvmmsg(struct task *t, const struct syscall_args *a)
{
	struct kmsghdr *k = calloc(1, sizeof(*k));
	unsigned int vlen = (unsigned int)a->a[2], i;
	int flags = (int)a->a[3];
	struct timespec to, dl, now;
	bool has_to = a->a[4];
	long r = 0;

	if (!k)
		return -ENOMEM;
	if (has_to) {
		r = -EFAULT;
		if (copy_from_guest(t, &to, a->a[4], sizeof(to)) < 0)
			goto out;
		r = -EINVAL;
		if (to.tv_sec < 0 || to.tv_nsec < 0 || to.tv_nsec >= 1000000000L)
			goto out;
		clock_gettime(CLOCK_MONOTONIC, &dl);
		dl.tv_sec += to.tv_sec;
		dl.tv_nsec += to.tv_nsec;
		if (dl.tv_nsec >= 1000000000L) {
			dl.tv_sec++;
			dl.tv_nsec -= 1000000000L;
		}
	}
	if (vlen > UIO_MAXIOV_K)
		vlen = UIO_MAXIOV_K;
	for (i = 0; i < vlen; i++) {
		uint64_t um = a->a[1] + (uint64_t)i * MMSG_SIZE;
		unsigned int n;

		r = read_msghdr(t, um, k);
		if (!r)
			r = do_recv(t, (int)a->a[0], k, flags & ~MSG_WAITFORONE, um, 0, 0);
		if (r < 0)
			break;
		n = (unsigned int)r;
		if (copy_to_guest(t, um + MMSG_LEN_OFF, &n, sizeof(n)) < 0) {
			r = -EFAULT;
			break;
		}
		if (flags & MSG_WAITFORONE)
			flags |= MSG_DONTWAIT;
		/* The timeout is only looked at after each message (BUGS in
		 * recvmmsg(2)). */
		if (has_to) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (now.tv_sec > dl.tv_sec ||
			    (now.tv_sec == dl.tv_sec && now.tv_nsec >= dl.tv_nsec)) {
				i++;
				break;
			}
		}
	}
	if (i) {
		/* Linux writes back the remaining time. */
		if (has_to) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			to.tv_sec = dl.tv_sec - now.tv_sec;
			to.tv_nsec = dl.tv_nsec - now.tv_nsec;
			if (to.tv_nsec < 0) {
				to.tv_sec--;
				to.tv_nsec += 1000000000L;
			}
			if (to.tv_sec < 0)
				to.tv_sec = to.tv_nsec = 0;
			copy_to_guest(t, a->a[4], &to, sizeof(to));
		}
		r = (long)i;
	}
out:
	free(k);
	return r;
}
