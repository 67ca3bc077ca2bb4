/* --network=host sockets (as gVisor's hostinet): each guest AF_INET or
 * AF_INET6 socket is a host socket, non-blocking, that the sentry drives;
 * blocking, timeouts and readiness stay ours (net/hostunix.c's engine).
 * Addresses pass through after a length check; socket options and
 * ioctls reach the host only from the allowlists below, the rest is
 * ENOPROTOOPT / answered from the sandbox's own interface table. */
#define _GNU_SOURCE
#include "net/hostinet.h"
#include "net/hostunix.h"
#include "net/route.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <linux/sockios.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

bool hostinet_enabled;

struct hostinet_sock {
	struct socket sock;
	struct hostsock h;
	/* SO_RCVTIMEO/SO_SNDTIMEO, kept here (the host fd never blocks):
	 * 0 is forever, a negative one set *neg (no waiting at all, as
	 * Linux's zero sk_rcvtimeo). */
	struct timespec rcvtimeo, sndtimeo;
	bool rcvneg, sndneg;
	struct waitq wq;
};

static const struct sock_ops hostinet_ops;

static struct hostinet_sock *hs_of(struct socket *s)
{
	return (struct hostinet_sock *)s;
}

static int hs_new(int fd, int family, int type, int protocol, struct hostinet_sock **out)
{
	struct hostinet_sock *hs = calloc(1, sizeof(*hs));
	int r;

	if (!hs) {
		close(fd);
		return -ENOMEM;
	}
	hs->sock.ops = &hostinet_ops;
	hs->sock.family = family;
	hs->sock.type = type;
	hs->sock.protocol = protocol;
	hs->sock.ino = socket_next_ino();
	waitq_init(&hs->wq);
	r = hostsock_attach(&hs->h, fd, type, false, &hs->wq);
	if (r < 0) {
		free(hs);
		return r;
	}
	*out = hs;
	return 0;
}

int hostinet_create(struct task *t, int family, int type, int protocol, struct socket **out)
{
	struct hostinet_sock *hs;
	int fd, r;

	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	/* Stream and datagram only (ping sockets included): raw sockets
	 * would hand the guest the host's wire. */
	if (type != SOCK_STREAM && type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
	if (fd < 0)
		return -errno;
	r = hs_new(fd, family, type, protocol, &hs);
	if (r < 0)
		return r;
	if (!protocol)
		hs->sock.protocol = type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
	*out = &hs->sock;
	return 0;
}

static int check_addr(struct socket *s, const void *addr, socklen_t len)
{
	if (len > SOCK_ADDR_MAX)
		return -EINVAL;
	return 0;
}

static int hi_bind(struct task *t, struct socket *s, const void *addr, socklen_t len)
{
	int r = check_addr(s, addr, len);

	if (r < 0)
		return r;
	return bind(hs_of(s)->h.fd, addr, len) < 0 ? -errno : 0;
}

static int hi_connect(struct task *t, struct socket *s, const void *addr, socklen_t len,
		      bool nonblock)
{
	struct hostinet_sock *hs = hs_of(s);
	struct hostsock_wait w;
	int r = check_addr(s, addr, len);

	if (r < 0)
		return r;
	if (connect(hs->h.fd, addr, len) == 0)
		return 0;
	r = -errno;
	if ((r != -EINPROGRESS && r != -EALREADY) || nonblock || s->type != SOCK_STREAM)
		return r;
	/* A blocking connect: wait until the handshake ends. */
	hostsock_wait_init(&w, &hs->sndtimeo, false);
	for (;;) {
		unsigned int ev = hostsock_poll(&hs->h);

		if (ev & (POLLOUT | POLLERR | POLLHUP)) {
			int e = hostsock_error(&hs->h);

			return e ? -e : 0;
		}
		r = hostsock_sleep(t, &w, &hs->wq);
		if (r == -EAGAIN)
			return -EINPROGRESS;
		if (r < 0)
			return r;
	}
}

static int hi_listen(struct task *t, struct socket *s, int backlog)
{
	return listen(hs_of(s)->h.fd, backlog) < 0 ? -errno : 0;
}

static int hi_accept(struct task *t, struct socket *s, bool nonblock, struct socket **out)
{
	struct hostinet_sock *hs = hs_of(s), *ns;
	struct hostsock_wait w;
	int fd, r;

	hostsock_wait_init(&w, &hs->rcvtimeo, nonblock || hs->rcvneg);
	for (;;) {
		fd = accept4(hs->h.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0)
			break;
		r = -errno;
		if (r != -EAGAIN)
			return r;
		r = hostsock_sleep(t, &w, &hs->wq);
		if (r < 0)
			return r;
	}
	r = hs_new(fd, s->family, s->type, s->protocol, &ns);
	if (r < 0)
		return r;
	*out = &ns->sock;
	return 0;
}

static ssize_t hi_sendmsg(struct task *t, struct socket *s, struct sock_msg *m, int flags)
{
	struct hostinet_sock *hs = hs_of(s);

	if (m->nfds || m->has_cred)
		return -EINVAL;
	return hostsock_sendmsg(t, &hs->h, &hs->wq, m, flags | (hs->sndneg ? MSG_DONTWAIT : 0),
				&hs->sndtimeo);
}

static ssize_t hi_recvmsg(struct task *t, struct socket *s, struct sock_msg *m, int flags)
{
	struct hostinet_sock *hs = hs_of(s);

	return hostsock_recvmsg(t, &hs->h, &hs->wq, m, flags | (hs->rcvneg ? MSG_DONTWAIT : 0),
				&hs->rcvtimeo);
}

static int hi_shutdown(struct socket *s, int how)
{
	return hostsock_shutdown(&hs_of(s)->h, how);
}

static int hi_getname(struct socket *s, bool peer, void *addr, socklen_t *len)
{
	int fd = hs_of(s)->h.fd;

	*len = SOCK_ADDR_MAX;
	if ((peer ? getpeername(fd, addr, len) : getsockname(fd, addr, len)) < 0)
		return -errno;
	if (*len > SOCK_ADDR_MAX)
		*len = SOCK_ADDR_MAX;
	return 0;
}

/* The options a guest may read and set on the host socket (gVisor's
 * hostinet keeps a similar list). get_only: reading them is harmless,
 * setting them is not the guest's to do. */
struct opt {
	int level, name;
	bool get_only;
};

static const struct opt opts[] = {
	{ SOL_SOCKET, SO_ACCEPTCONN, true }, { SOL_SOCKET, SO_DOMAIN, true },
	{ SOL_SOCKET, SO_ERROR, true }, { SOL_SOCKET, SO_PROTOCOL, true },
	{ SOL_SOCKET, SO_TYPE, true }, { SOL_SOCKET, SO_BROADCAST, false },
	{ SOL_SOCKET, SO_KEEPALIVE, false }, { SOL_SOCKET, SO_LINGER, false },
	{ SOL_SOCKET, SO_OOBINLINE, false }, { SOL_SOCKET, SO_RCVBUF, false },
	{ SOL_SOCKET, SO_SNDBUF, false }, { SOL_SOCKET, SO_RCVLOWAT, false },
	{ SOL_SOCKET, SO_REUSEADDR, false }, { SOL_SOCKET, SO_REUSEPORT, false },
	{ SOL_SOCKET, SO_TIMESTAMP, false }, { SOL_SOCKET, SO_TIMESTAMPNS, false },
	{ SOL_SOCKET, SO_PRIORITY, false }, { SOL_SOCKET, SO_PASSCRED, false },
	{ IPPROTO_TCP, TCP_NODELAY, false }, { IPPROTO_TCP, TCP_CORK, false },
	{ IPPROTO_TCP, TCP_MAXSEG, false }, { IPPROTO_TCP, TCP_KEEPIDLE, false },
	{ IPPROTO_TCP, TCP_KEEPINTVL, false }, { IPPROTO_TCP, TCP_KEEPCNT, false },
	{ IPPROTO_TCP, TCP_INFO, true }, { IPPROTO_TCP, TCP_QUICKACK, false },
	{ IPPROTO_TCP, TCP_DEFER_ACCEPT, false }, { IPPROTO_TCP, TCP_USER_TIMEOUT, false },
	{ IPPROTO_TCP, TCP_CONGESTION, false }, { IPPROTO_TCP, TCP_SYNCNT, false },
	{ IPPROTO_TCP, TCP_LINGER2, false }, { IPPROTO_TCP, TCP_WINDOW_CLAMP, false },
	{ IPPROTO_TCP, TCP_NOTSENT_LOWAT, false },
	{ IPPROTO_IP, IP_TOS, false }, { IPPROTO_IP, IP_TTL, false },
	{ IPPROTO_IP, IP_RECVTOS, false }, { IPPROTO_IP, IP_RECVTTL, false },
	{ IPPROTO_IP, IP_PKTINFO, false }, { IPPROTO_IP, IP_MTU_DISCOVER, false },
	{ IPPROTO_IP, IP_MTU, true }, { IPPROTO_IP, IP_MULTICAST_TTL, false },
	{ IPPROTO_IP, IP_MULTICAST_LOOP, false }, { IPPROTO_IP, IP_MULTICAST_IF, false },
	{ IPPROTO_IP, IP_ADD_MEMBERSHIP, false }, { IPPROTO_IP, IP_DROP_MEMBERSHIP, false },
	{ IPPROTO_IPV6, IPV6_V6ONLY, false }, { IPPROTO_IPV6, IPV6_TCLASS, false },
	{ IPPROTO_IPV6, IPV6_RECVTCLASS, false }, { IPPROTO_IPV6, IPV6_UNICAST_HOPS, false },
	{ IPPROTO_IPV6, IPV6_MULTICAST_HOPS, false }, { IPPROTO_IPV6, IPV6_MULTICAST_LOOP, false },
	{ IPPROTO_IPV6, IPV6_RECVPKTINFO, false }, { IPPROTO_IPV6, IPV6_MTU_DISCOVER, false },
	{ IPPROTO_IPV6, IPV6_JOIN_GROUP, false }, { IPPROTO_IPV6, IPV6_LEAVE_GROUP, false },
};

static const struct opt *find_opt(int level, int name)
{
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (opts[i].level == level && opts[i].name == name)
			return &opts[i];
	return NULL;
}

static int put_timeo(const struct timespec *ts, void *val, socklen_t *len)
{
	struct timeval tv = { ts->tv_sec, ts->tv_nsec / 1000 };

	if (*len > (socklen_t)sizeof(tv))
		*len = sizeof(tv);
	memcpy(val, &tv, *len);
	return 0;
}

static int hi_getsockopt(struct task *t, struct socket *s, int level, int name, void *val,
			 socklen_t *len)
{
	struct hostinet_sock *hs = hs_of(s);

	if (level == SOL_SOCKET && name == SO_RCVTIMEO)
		return put_timeo(&hs->rcvtimeo, val, len);
	if (level == SOL_SOCKET && name == SO_SNDTIMEO)
		return put_timeo(&hs->sndtimeo, val, len);
	if (!find_opt(level, name))
		return -ENOPROTOOPT;
	return getsockopt(hs->h.fd, level, name, val, len) < 0 ? -errno : 0;
}

static int hi_setsockopt(struct task *t, struct socket *s, int level, int name,
			 const void *val, socklen_t len)
{
	struct hostinet_sock *hs = hs_of(s);
	const struct opt *o;

	/* The syscall layer read at most 64 bytes of the value. */
	if (len > 64)
		len = 64;
	if (level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO)) {
		struct timeval tv;
		struct timespec *ts = name == SO_RCVTIMEO ? &hs->rcvtimeo : &hs->sndtimeo;

		if (len < sizeof(tv))
			return -EINVAL;
		memcpy(&tv, val, sizeof(tv));
		if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
			return -EDOM;
		/* sock_set_timeout: a negative one means no waiting. */
		*(name == SO_RCVTIMEO ? &hs->rcvneg : &hs->sndneg) = tv.tv_sec < 0;
		ts->tv_sec = tv.tv_sec < 0 ? 0 : tv.tv_sec;
		ts->tv_nsec = tv.tv_sec < 0 ? 0 : tv.tv_usec * 1000;
		return 0;
	}
	o = find_opt(level, name);
	if (!o)
		return -ENOPROTOOPT;
	if (o->get_only)
		return -ENOPROTOOPT;
	return setsockopt(hs->h.fd, level, name, val, len) < 0 ? -errno : 0;
}

static unsigned int hi_poll(struct socket *s, struct waitq **wq)
{
	struct hostinet_sock *hs = hs_of(s);

	if (wq)
		*wq = &hs->wq;
	return hostsock_poll(&hs->h);
}

static long hi_ioctl(struct task *t, struct socket *s, unsigned int cmd, uint64_t arg)
{
	struct hostinet_sock *hs = hs_of(s);
	int v = 0, r;

	switch (cmd) {
	case SIOCINQ:
	case SIOCOUTQ:
		r = hostsock_queued(&hs->h, cmd, &v);
		break;
	case SIOCATMARK:
		r = ioctl(hs->h.fd, SIOCATMARK, &v) < 0 ? -errno : 0;
		break;
	default:
		/* Interface ioctls answer from the sandbox's own table. */
		return route_ioctl(t, cmd, arg, true);
	}
	return r < 0 ? r : copy_to_guest(t, arg, &v, sizeof(v));
}

static void hi_release(struct socket *s)
{
	struct hostinet_sock *hs = hs_of(s);

	hostsock_detach(&hs->h);
	waitq_wake_all(&hs->wq);
	free(hs);
}

static const struct sock_ops hostinet_ops = {
	.bind = hi_bind,
	.connect = hi_connect,
	.listen = hi_listen,
	.accept = hi_accept,
	.sendmsg = hi_sendmsg,
	.recvmsg = hi_recvmsg,
	.shutdown = hi_shutdown,
	.getname = hi_getname,
	.getsockopt = hi_getsockopt,
	.setsockopt = hi_setsockopt,
	.poll = hi_poll,
	.ioctl = hi_ioctl,
	.release = hi_release,
};
