/* UDP (RFC 768, udp(7)): sockets bound to an address and port (ephemeral
 * ports from ip_local_port_range, SO_REUSEADDR and SO_REUSEPORT sharing),
 * connected or not, sending through net/ip.c and receiving datagrams the
 * receive path demultiplexes to them. IPv6 sockets take IPv4 traffic as
 * v4-mapped addresses unless IPV6_V6ONLY. A datagram nobody receives makes
 * its connected sender's next call fail with ECONNREFUSED. */
#define _GNU_SOURCE
#include "net/udp.h"
#include "net/inet.h"
#include "net/ip.h"
#include "net/route.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <sys/ioctl.h>

#define UDP_BUF_DEFAULT 212992
#define UDP_BUF_MAX 212992
#define UDP_MIN_SNDBUF 4608
#define UDP_MIN_RCVBUF 2304
#define EPHEMERAL_LO 32768
#define EPHEMERAL_HI 60999
/* sockaddr_in6 without sin6_scope_id (RFC 2133), the least Linux takes. */
#define RCV_SHUT 1
#define SEND_SHUT 2

struct udp_dgram {
	struct list_head node;
	uint8_t src[16], dst[16];
	uint16_t sport;
	size_t len;
	uint8_t data[];
};

/* Owned by its socket file; on udp_bound while it has a port. */
struct udp_sock {
	struct socket sock;
	struct list_head node;
	uint8_t laddr[16], raddr[16];
	uint16_t lport, rport;      /* host order; lport 0: unbound */
	bool connected, v6only, reuseaddr, reuseport, broadcast;
	bool pktinfo;               /* IP_PKTINFO or IPV6_RECVPKTINFO */
	int shutdown;
	int err;                    /* positive, SO_ERROR */
	struct list_head rcvq;
	size_t rmem;
	int rcvbuf, sndbuf, ttl;
	int priority;               /* SO_PRIORITY, stored only */
	bool keepalive, dontroute;  /* stored only: no effect on UDP over lo */
	struct timeval sndtimeo;    /* stored only: sends never block */
	struct timespec rcvtimeo;
	bool rcvtimeo_neg;
	struct waitq wq;
};

static struct list_head udp_bound = LIST_HEAD_INIT(udp_bound);
/* Ping sockets (ICMP echo, icmp(7)) share the UDP socket's machinery;
 * their "port" is the echo identifier, in a space of its own. */
static struct list_head ping_bound = LIST_HEAD_INIT(ping_bound);
static uint16_t udp_rover = EPHEMERAL_LO;
static uint16_t ping_rover = 1;
static const struct sock_ops udp_ops;

static struct udp_sock *us_of(struct socket *s)
{
	return (struct udp_sock *)s;
}

static bool is6(const struct udp_sock *u)
{
	return u->sock.family == AF_INET6;
}

static bool is_ping(const struct udp_sock *u)
{
	return u->sock.protocol != IPPROTO_UDP;
}

static struct list_head *bound_list(const struct udp_sock *u)
{
	return is_ping(u) ? &ping_bound : &udp_bound;
}

int udp_create(struct task *t, int family, int protocol, struct socket **out)
{
	struct udp_sock *u = calloc(1, sizeof(*u));

	if (!u)
		return -ENOMEM;
	socket_init(&u->sock, &udp_ops, family, SOCK_DGRAM, protocol);
	list_init(&u->node);
	list_init(&u->rcvq);
	u->rcvbuf = u->sndbuf = UDP_BUF_DEFAULT;
	u->ttl = 64;
	if (family == AF_INET)
		ip_map4(u->laddr, (uint8_t[4]){ 0 });
	waitq_init(&u->wq);
	*out = &u->sock;
	return 0;
}

/* A destination for a send: udpv6_sendmsg also takes an AF_INET address
 * (and AF_UNSPEC as none); udp_sendmsg takes AF_UNSPEC as AF_INET. */
static int send_addr(const struct udp_sock *u, const void *addr, socklen_t len, uint8_t *a,
		     uint16_t *port, bool *unspec)
{
	sa_family_t fam;
	struct sockaddr_in sin;

	*unspec = false;
	if (len < sizeof(sa_family_t))
		return -EINVAL;
	memcpy(&fam, addr, sizeof(fam));
	if (is6(u)) {
		if (fam == AF_INET6)
			return inet_addr_from(is6(u), addr, len, a, port, NULL, false);
		if (fam == AF_UNSPEC) {
			*unspec = true;
			return 0;
		}
		if (fam != AF_INET)
			return -EINVAL;
		if (u->v6only)
			return -ENETUNREACH;
	} else if (fam != AF_INET && fam != AF_UNSPEC) {
		return len < sizeof(sin) ? -EINVAL : -EAFNOSUPPORT;
	}
	if (len < sizeof(sin))
		return -EINVAL;
	memcpy(&sin, addr, sizeof(sin));
	ip_map4(a, &sin.sin_addr);
	*port = ntohs(sin.sin_port);
	return 0;
}

static bool port_free(const struct udp_sock *u, const uint8_t *laddr, uint16_t port)
{
	struct udp_sock *o;

	list_for_each_entry(o, bound_list(u), node) {
		if (o == u || o->lport != port ||
		    !inet_bind_overlap(o->laddr, is6(o), o->v6only, laddr, is6(u), u->v6only, false))
			continue;
		if ((o->reuseaddr && u->reuseaddr) || (o->reuseport && u->reuseport))
			continue;
		return false;
	}
	return true;
}

static int do_bind(struct udp_sock *u, const uint8_t *laddr, uint16_t port)
{
	if (!port && is_ping(u)) {
		/* ping_get_port: identifiers from a rover over 1..65535. */
		for (int i = 0; i < 65535; i++) {
			uint16_t p = ping_rover;

			ping_rover = ping_rover == 65535 ? 1 : ping_rover + 1;
			if (port_free(u, laddr, p)) {
				port = p;
				break;
			}
		}
		if (!port)
			return -EADDRINUSE;
	} else if (!port) {
		int n = EPHEMERAL_HI - EPHEMERAL_LO + 1;

		for (int i = 0; i < n; i++) {
			uint16_t p = udp_rover;

			udp_rover = udp_rover >= EPHEMERAL_HI ? EPHEMERAL_LO : udp_rover + 1;
			if (port_free(u, laddr, p)) {
				port = p;
				break;
			}
		}
		if (!port)
			return -EAGAIN;
	} else if (!port_free(u, laddr, port)) {
		return -EADDRINUSE;
	}
	memcpy(u->laddr, laddr, 16);
	u->lport = port;
	list_add_tail(&u->node, bound_list(u));
	return 0;
}

static int udp_bind(struct task *t, struct socket *s, const void *addr, socklen_t len)
{
	struct udp_sock *u = us_of(s);
	uint8_t a[16];
	uint16_t port;
	int r = inet_addr_from(is6(u), addr, len, a, &port, NULL, false);

	if (r < 0)
		return r;
	if (u->lport)
		return -EINVAL;
	if (is6(u) && ip_is_v4mapped(a) && u->v6only)
		return -EINVAL;
	if (!inet_is_any(a, is6(u), false) && !ip_is_any(a, false) && !ip_is_local(a) &&
	    !ip_is_broadcast(a))
		return -EADDRNOTAVAIL;
	if (port && port < 1024 && !is_ping(u) && !capable(t, 10 /* CAP_NET_BIND_SERVICE */))
		return -EACCES;
	return do_bind(u, a, port);
}

static int autobind(struct udp_sock *u)
{
	uint8_t any[16] = { 0 };

	if (u->lport)
		return 0;
	if (!is6(u))
		ip_map4(any, (uint8_t[4]){ 0 });
	return do_bind(u, any, 0);
}

static int udp_connect(struct task *t, struct socket *s, const void *addr, socklen_t len,
		       bool nonblock)
{
	struct udp_sock *u = us_of(s);
	uint8_t a[16], src[16];
	uint16_t port;
	bool unspec;
	int r = inet_addr_from(is6(u), addr, len, a, &port, &unspec, false);

	if (r < 0)
		return r;
	if (unspec) {
		u->connected = false;
		memset(u->raddr, 0, 16);
		u->rport = 0;
		return 0;
	}
	if (is6(u) && ip_is_v4mapped(a) && u->v6only)
		return -ENETUNREACH;
	/* Connecting to the unspecified address means this host. */
	if (ip_is_any(a, true) || ip_is_any(a, false)) {
		static const uint8_t lo4[4] = { 127, 0, 0, 1 };

		if (ip_is_v4mapped(a) || !is6(u))
			ip_map4(a, lo4);
		else
			a[15] = 1;
	}
	if (ip_is_broadcast(a) && !u->broadcast)
		return -EACCES;
	r = ip_route_src(a, src);
	if (r < 0)
		return r;
	r = autobind(u);
	if (r < 0)
		return r;
	if (inet_is_any(u->laddr, is6(u), true))
		memcpy(u->laddr, src, 16);
	memcpy(u->raddr, a, 16);
	u->rport = port;
	u->connected = true;
	return 0;
}

static int udp_listen(struct task *t, struct socket *s, int backlog)
{
	return -EOPNOTSUPP;
}

static int udp_accept(struct task *t, struct socket *s, bool nonblock, struct socket **ns)
{
	return -EOPNOTSUPP;
}

static int udp_shutdown(struct socket *s, int how)
{
	struct udp_sock *u = us_of(s);

	u->shutdown |= how + 1;
	waitq_wake_all(&u->wq);
	/* Linux: shutdown of an unconnected UDP socket wakes it but says
	 * ENOTCONN. */
	return u->connected ? 0 : -ENOTCONN;
}

static int udp_getname(struct socket *s, bool peer, void *addr, socklen_t *len)
{
	struct udp_sock *u = us_of(s);

	if (peer) {
		if (!u->connected)
			return -ENOTCONN;
		*len = inet_addr_to(is6(u), u->raddr, u->rport, addr);
	} else {
		*len = inet_addr_to(is6(u), u->laddr, u->lport, addr);
	}
	return 0;
}

static int take_err(struct udp_sock *u)
{
	int e = u->err;

	u->err = 0;
	return -e;
}

static ssize_t ping_send(struct udp_sock *u, const uint8_t *src, const uint8_t *dst,
			 struct sock_msg *m);

static ssize_t udp_sendmsg(struct task *t, struct socket *s, struct sock_msg *m, int flags)
{
	struct udp_sock *u = us_of(s);
	uint8_t dst[16], src[16], *pkt;
	uint16_t dport;
	size_t max = is6(u) ? IP_UDP_MAX_V6 : IP_UDP_MAX_V4;
	uint32_t sum;
	uint16_t c;
	int r;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (m->nfds)
		return -EINVAL;
	if (u->err)
		return take_err(u);
	if (u->shutdown & SEND_SHUT) {
		if (!(flags & MSG_NOSIGNAL))
			socket_sigpipe(t);
		return -EPIPE;
	}
	if (m->addrlen) {
		bool unspec;

		r = send_addr(u, m->addr, m->addrlen, dst, &dport, &unspec);
		if (r < 0)
			return r;
		if (unspec) {
			if (!u->connected)
				return -EDESTADDRREQ;
			memcpy(dst, u->raddr, 16);
			dport = u->rport;
		}
		if (!dport && !is_ping(u))
			return -EINVAL;
	} else {
		if (!u->connected)
			return -EDESTADDRREQ;
		memcpy(dst, u->raddr, 16);
		dport = u->rport;
	}
	if (m->len > max && !is_ping(u))
		return -EMSGSIZE;
	if (is6(u) && ip_is_v4mapped(dst) && u->v6only)
		return -ENETUNREACH;
	if (ip_is_any(dst, true) || ip_is_any(dst, false)) {
		static const uint8_t lo4[4] = { 127, 0, 0, 1 };

		if (ip_is_v4mapped(dst) || !is6(u))
			ip_map4(dst, lo4);
		else
			dst[15] = 1;
	}
	if (ip_is_broadcast(dst) && !u->broadcast)
		return -EACCES;
	r = ip_route_src(dst, src);
	if (r < 0)
		return r;
	r = autobind(u);
	if (r < 0)
		return r;
	if (!inet_is_any(u->laddr, is6(u), true))
		memcpy(src, u->laddr, 16);
	if (ip_is_v4mapped(src) != ip_is_v4mapped(dst))
		return -ENETUNREACH;
	if (is_ping(u))
		return ping_send(u, src, dst, m);
	pkt = malloc(8 + m->len);
	if (!pkt)
		return -ENOMEM;
	pkt[0] = (uint8_t)(u->lport >> 8);
	pkt[1] = (uint8_t)u->lport;
	pkt[2] = (uint8_t)(dport >> 8);
	pkt[3] = (uint8_t)dport;
	pkt[4] = (uint8_t)((8 + m->len) >> 8);
	pkt[5] = (uint8_t)(8 + m->len);
	pkt[6] = pkt[7] = 0;
	memcpy(pkt + 8, m->buf, m->len);
	sum = ip_pseudo(src, dst, IPPROTO_UDP, 8 + m->len);
	c = ip_csum_fold(ip_csum_add(sum, pkt, 8 + m->len));
	if (!c)
		c = 0xffff;
	pkt[6] = (uint8_t)(c >> 8);
	pkt[7] = (uint8_t)c;
	r = ip_output(src, dst, IPPROTO_UDP, pkt, 8 + m->len, u->ttl);
	free(pkt);
	if (r == -ECONNREFUSED)
		udp_unreachable(src, u->lport, dst, dport);
	else if (r < 0 && r != -ENOBUFS)
		return r;
	return (ssize_t)m->len;
}

/* An echo request (icmp(7) ping sockets): the guest writes the ICMP
 * header and data; the identifier becomes the socket's and the checksum
 * is ours. */
static ssize_t ping_send(struct udp_sock *u, const uint8_t *src, const uint8_t *dst,
			 struct sock_msg *m)
{
	bool v4 = ip_is_v4mapped(dst);
	int proto = v4 ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	uint8_t *pkt;
	uint32_t sum;
	uint16_t c;
	int r;

	if (m->len < 8 || m->len > 0xffff - (v4 ? 20 + 8 : 8))
		return m->len < 8 ? -EINVAL : -EMSGSIZE;
	if (((const uint8_t *)m->buf)[0] != (v4 ? 8 : 128) || ((const uint8_t *)m->buf)[1])
		return -EINVAL;
	pkt = malloc(m->len);
	if (!pkt)
		return -ENOMEM;
	memcpy(pkt, m->buf, m->len);
	pkt[2] = pkt[3] = 0;
	pkt[4] = (uint8_t)(u->lport >> 8);
	pkt[5] = (uint8_t)u->lport;
	sum = v4 ? 0 : ip_pseudo(src, dst, proto, m->len);
	c = ip_csum_fold(ip_csum_add(sum, pkt, m->len));
	pkt[2] = (uint8_t)(c >> 8);
	pkt[3] = (uint8_t)c;
	r = ip_output(src, dst, proto, pkt, m->len, u->ttl);
	free(pkt);
	return r < 0 && r != -ENOBUFS ? r : (ssize_t)m->len;
}

static int queue_dgram(struct udp_sock *u, const uint8_t *src, const uint8_t *dst,
		       uint16_t sport, const uint8_t *data, size_t len)
{
	struct udp_dgram *d;

	if (u->shutdown & RCV_SHUT)
		return 0;
	if (u->rmem + len > (size_t)u->rcvbuf)
		return -ENOBUFS;
	d = malloc(sizeof(*d) + len);
	if (!d)
		return -ENOMEM;
	memcpy(d->src, src, 16);
	memcpy(d->dst, dst, 16);
	d->sport = sport;
	d->len = len;
	memcpy(d->data, data, len);
	list_add_tail(&d->node, &u->rcvq);
	u->rmem += len;
	waitq_wake_all(&u->wq);
	return 0;
}

void ping_input(const uint8_t *src, const uint8_t *dst, const uint8_t *msg, size_t len)
{
	bool v4 = ip_is_v4mapped(dst);
	uint16_t id = (uint16_t)(msg[4] << 8 | msg[5]);
	struct udp_sock *u;

	list_for_each_entry(u, &ping_bound, node) {
		if (u->lport != id || is6(u) == v4)
			continue;
		if (!inet_is_any(u->laddr, is6(u), false) && memcmp(u->laddr, dst, 16))
			continue;
		if (u->connected && memcmp(u->raddr, src, 16))
			continue;
		queue_dgram(u, src, dst, 0, msg, len);
		return;
	}
}

/* Which socket gets a datagram to dst:dport from src:sport: a connected
 * one must name the source, an exact local address beats a wildcard. */
static struct udp_sock *lookup(const uint8_t *src, uint16_t sport, const uint8_t *dst,
			       uint16_t dport)
{
	struct udp_sock *u, *best = NULL;
	int best_score = -1;
	bool v4 = ip_is_v4mapped(dst);

	list_for_each_entry(u, &udp_bound, node) {
		int score = 0;

		if (u->lport != dport)
			continue;
		if (v4 && is6(u) && u->v6only)
			continue;
		if (!v4 && !is6(u))
			continue;
		if (is6(u) && !v4 && ip_is_v4mapped(u->laddr))
			continue;
		if (ip_is_any(u->laddr, true) || ip_is_any(u->laddr, false)) {
			if (!is6(u) && !v4)
				continue;
		} else if (memcmp(u->laddr, dst, 16)) {
			continue;
		} else {
			score += 2;
		}
		if (u->connected) {
			if (memcmp(u->raddr, src, 16) || u->rport != sport)
				continue;
			score += 4;
		}
		if (!is6(u))
			score += 1;
		if (score > best_score) {
			best = u;
			best_score = score;
		}
	}
	return best;
}

int udp_input(const uint8_t *src, const uint8_t *dst, const uint8_t *data, size_t len)
{
	struct udp_sock *u;
	uint16_t sport, dport, ulen, csum;

	if (len < 8)
		return -EINVAL;
	sport = (uint16_t)(data[0] << 8 | data[1]);
	dport = (uint16_t)(data[2] << 8 | data[3]);
	ulen = (uint16_t)(data[4] << 8 | data[5]);
	csum = (uint16_t)(data[6] << 8 | data[7]);
	if (ulen < 8 || ulen > len)
		return -EINVAL;
	if (csum && ip_csum_fold(ip_csum_add(ip_pseudo(src, dst, IPPROTO_UDP, ulen), data, ulen)))
		return -EINVAL;
	u = lookup(src, sport, dst, dport);
	if (!u)
		return -ECONNREFUSED;
	/* A full receive buffer drops the datagram (Linux counts it in
	 * RcvbufErrors). */
	return queue_dgram(u, src, dst, sport, data + 8, ulen - 8u);
}

void udp_unreachable(const uint8_t *src, uint16_t sport, const uint8_t *dst, uint16_t dport)
{
	struct udp_sock *u;

	/* The ICMP error reaches the sending socket; only a connected one
	 * reports it (udp(7): unconnected sockets need IP_RECVERR). */
	list_for_each_entry(u, &udp_bound, node) {
		if (u->lport == sport && u->connected && u->rport == dport &&
		    !memcmp(u->raddr, dst, 16)) {
			u->err = ECONNREFUSED;
			waitq_wake_all(&u->wq);
		}
	}
}

static void put_pktinfo(const struct udp_sock *u, const struct udp_dgram *d, struct sock_msg *m);

static ssize_t udp_recvmsg(struct task *t, struct socket *s, struct sock_msg *m, int flags)
{
	struct udp_sock *u = us_of(s);
	struct udp_dgram *d;
	struct sock_wait w;
	size_t c;
	ssize_t r;

	/* udp_recvmsg does not look at MSG_OOB. */
	if (flags & MSG_ERRQUEUE)
		return -EAGAIN;
	sock_wait_init(&w, &u->rcvtimeo, (flags & MSG_DONTWAIT) || u->rcvtimeo_neg);
	while (list_empty(&u->rcvq)) {
		int e;

		if (u->err)
			return take_err(u);
		if (u->shutdown & RCV_SHUT)
			return 0;
		e = sock_wait(t, &w, &u->wq, NULL);
		if (e < 0)
			return e;
	}
	d = list_first_entry(&u->rcvq, struct udp_dgram, node);
	c = d->len < m->len ? d->len : m->len;
	memcpy(m->buf, d->data, c);
	if (d->len > m->len)
		m->msg_flags |= MSG_TRUNC;
	m->addrlen = inet_addr_to(is6(u), d->src, d->sport, m->addr);
	if (u->pktinfo)
		put_pktinfo(u, d, m);
	r = (flags & MSG_TRUNC) ? (ssize_t)d->len : (ssize_t)c;
	if (!(flags & MSG_PEEK)) {
		list_del(&d->node);
		u->rmem -= d->len;
		free(d);
	}
	return r;
}

/* IP_PKTINFO (ip(7)) or IPV6_PKTINFO (ipv6(7)): the datagram's
 * destination and the interface it came in on, lo. */
static void put_pktinfo(const struct udp_sock *u, const struct udp_dgram *d, struct sock_msg *m)
{
	struct cmsghdr h;

	if (!is6(u)) {
		struct in_pktinfo pi = { .ipi_ifindex = 1 };

		memcpy(&pi.ipi_addr, d->dst + 12, 4);
		memcpy(&pi.ipi_spec_dst, d->dst + 12, 4);
		h.cmsg_len = CMSG_LEN(sizeof(pi));
		h.cmsg_level = IPPROTO_IP;
		h.cmsg_type = IP_PKTINFO;
		memset(m->ctl, 0, CMSG_SPACE(sizeof(pi)));
		memcpy(m->ctl, &h, sizeof(h));
		memcpy(CMSG_DATA((struct cmsghdr *)m->ctl), &pi, sizeof(pi));
		m->ctllen = CMSG_SPACE(sizeof(pi));
	} else {
		struct in6_pktinfo pi = { .ipi6_ifindex = 1 };

		memcpy(&pi.ipi6_addr, d->dst, 16);
		h.cmsg_len = CMSG_LEN(sizeof(pi));
		h.cmsg_level = IPPROTO_IPV6;
		h.cmsg_type = IPV6_PKTINFO;
		memset(m->ctl, 0, CMSG_SPACE(sizeof(pi)));
		memcpy(m->ctl, &h, sizeof(h));
		memcpy(CMSG_DATA((struct cmsghdr *)m->ctl), &pi, sizeof(pi));
		m->ctllen = CMSG_SPACE(sizeof(pi));
	}
}

static unsigned int udp_poll(struct socket *s, struct waitq **wq)
{
	struct udp_sock *u = us_of(s);
	unsigned int mask = 0;

	if (wq)
		*wq = &u->wq;
	if (!list_empty(&u->rcvq))
		mask |= POLLIN | POLLRDNORM;
	if (u->err)
		mask |= POLLERR;
	if (u->shutdown & RCV_SHUT)
		mask |= POLLRDHUP | POLLIN | POLLRDNORM;
	if (u->shutdown == (RCV_SHUT | SEND_SHUT))
		mask |= POLLHUP;
	mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
	return mask;
}

static long udp_ioctl(struct task *t, struct socket *s, unsigned int cmd, uint64_t arg)
{
	struct udp_sock *u = us_of(s);
	int n = 0;

	switch (cmd) {
	case SIOCINQ:
		if (!list_empty(&u->rcvq))
			n = (int)list_first_entry(&u->rcvq, struct udp_dgram, node)->len;
		return sock_put_int_to(t, arg, n);
	case SIOCOUTQ:
		return sock_put_int_to(t, arg, n);
	default:
		return route_ioctl(t, cmd, arg, true);
	}
}

static int udp_getsockopt(struct task *t, struct socket *s, int level, int name, void *val,
			  socklen_t *len)
{
	struct udp_sock *u = us_of(s);

	if ((int)*len < 0)
		return -EINVAL;
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_TYPE: return sockopt_put_int(SOCK_DGRAM, val, len);
		case SO_DOMAIN: return sockopt_put_int(s->family, val, len);
		case SO_PROTOCOL: return sockopt_put_int(s->protocol, val, len);
		case SO_ERROR: return sockopt_put_int(-take_err(u), val, len);
		case SO_SNDBUF: return sockopt_put_int(u->sndbuf, val, len);
		case SO_RCVBUF: return sockopt_put_int(u->rcvbuf, val, len);
		case SO_REUSEADDR: return sockopt_put_int(u->reuseaddr, val, len);
		case SO_REUSEPORT: return sockopt_put_int(u->reuseport, val, len);
		case SO_BROADCAST: return sockopt_put_int(u->broadcast, val, len);
		case SO_PRIORITY: return sockopt_put_int(u->priority, val, len);
		case SO_KEEPALIVE: return sockopt_put_int(u->keepalive, val, len);
		case SO_DONTROUTE: return sockopt_put_int(u->dontroute, val, len);
		case SO_RCVLOWAT: return sockopt_put_int(1, val, len);
		case SO_SNDLOWAT: return sockopt_put_int(1, val, len);
		case SO_SNDTIMEO: return sockopt_put(&u->sndtimeo, sizeof(u->sndtimeo), val, len);
		case SO_ACCEPTCONN: return sockopt_put_int(0, val, len);
		case SO_RCVTIMEO: return sockopt_put_timeo(&u->rcvtimeo, val, len);
		default: return -ENOPROTOOPT;
		}
	}
	if (level == IPPROTO_IP && !is6(u) && name == IP_TTL)
		return sockopt_put_int(u->ttl, val, len);
	if (level == IPPROTO_IP && !is6(u) && name == IP_PKTINFO)
		return sockopt_put_int(u->pktinfo, val, len);
	if (level == IPPROTO_IPV6 && is6(u) && name == IPV6_RECVPKTINFO)
		return sockopt_put_int(u->pktinfo, val, len);
	if (level == IPPROTO_IPV6 && is6(u)) {
		if (name == IPV6_V6ONLY)
			return sockopt_put_int(u->v6only, val, len);
		if (name == IPV6_UNICAST_HOPS)
			return sockopt_put_int(u->ttl, val, len);
	}
	if (level == IPPROTO_UDP || level == IPPROTO_IP || level == IPPROTO_IPV6)
		return -ENOPROTOOPT;
	return -EOPNOTSUPP;
}

static int udp_setsockopt(struct task *t, struct socket *s, int level, int name,
			  const void *val, socklen_t len)
{
	struct udp_sock *u = us_of(s);
	int v;

	if (level == SOL_SOCKET && name == SO_RCVTIMEO)
		return sockopt_get_timeo(val, len, &u->rcvtimeo, &u->rcvtimeo_neg);
	if (level == SOL_SOCKET && name == SO_SNDTIMEO)
		return sockopt_get_tv(val, len, &u->sndtimeo, NULL);
	if (sockopt_get_int(val, len, &v) < 0)
		return -EINVAL;
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_REUSEADDR: u->reuseaddr = v; return 0;
		case SO_REUSEPORT: u->reuseport = v; return 0;
		case SO_BROADCAST: u->broadcast = v; return 0;
		case SO_KEEPALIVE: u->keepalive = v; return 0;
		case SO_DONTROUTE: u->dontroute = v; return 0;
		case SO_PRIORITY:
			if ((v < 0 || v > 6) && !capable(t, 12 /* CAP_NET_ADMIN */))
				return -EPERM;
			u->priority = v;
			return 0;
		case SO_SNDBUF:
			if ((unsigned int)v > UDP_BUF_MAX)
				v = UDP_BUF_MAX;
			u->sndbuf = v * 2 < UDP_MIN_SNDBUF ? UDP_MIN_SNDBUF : v * 2;
			return 0;
		case SO_RCVBUF:
			if ((unsigned int)v > UDP_BUF_MAX)
				v = UDP_BUF_MAX;
			u->rcvbuf = v * 2 < UDP_MIN_RCVBUF ? UDP_MIN_RCVBUF : v * 2;
			return 0;
		default: return -ENOPROTOOPT;
		}
	}
	if (level == IPPROTO_IP && !is6(u) && name == IP_TTL) {
		if (v == -1)
			v = 64;
		if (v < 1 || v > 255)
			return -EINVAL;
		u->ttl = v;
		return 0;
	}
	if ((level == IPPROTO_IP && !is6(u) && name == IP_PKTINFO) ||
	    (level == IPPROTO_IPV6 && is6(u) && name == IPV6_RECVPKTINFO)) {
		u->pktinfo = v;
		return 0;
	}
	if (level == IPPROTO_IPV6 && is6(u) && name == IPV6_V6ONLY) {
		if (u->lport)
			return -EINVAL;
		u->v6only = v;
		return 0;
	}
	if (level == IPPROTO_UDP || level == IPPROTO_IP || level == IPPROTO_IPV6)
		return -ENOPROTOOPT;
	return -EOPNOTSUPP;
}

static void udp_release(struct socket *s)
{
	struct udp_sock *u = us_of(s);
	struct udp_dgram *d, *n;

	if (u->lport)
		list_del(&u->node);
	list_for_each_entry_safe(d, n, &u->rcvq, node)
		free(d);
	free(u);
}

static const struct sock_ops udp_ops = {
	.bind = udp_bind,
	.connect = udp_connect,
	.listen = udp_listen,
	.accept = udp_accept,
	.sendmsg = udp_sendmsg,
	.recvmsg = udp_recvmsg,
	.shutdown = udp_shutdown,
	.getname = udp_getname,
	.getsockopt = udp_getsockopt,
	.setsockopt = udp_setsockopt,
	.poll = udp_poll,
	.ioctl = udp_ioctl,
	.release = udp_release,
};
