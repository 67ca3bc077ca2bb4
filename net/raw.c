/* Raw IP sockets (raw(7)): a socket of one IP protocol receives a copy of
 * every datagram of that protocol that reaches this host (IPv4 with its
 * header, IPv6 without), filtered by its bound and connected addresses and
 * ICMP_FILTER / ICMP6_FILTER; it sends payloads that get an IP header
 * (IPv4 unless IP_HDRINCL; IPv6 always), or whole IPv4 packets with
 * IP_HDRINCL (IPPROTO_RAW implies it; we fill the total length, an
 * unset identification and source, and the header checksum, as
 * raw_send_hdrinc). ICMPv6 sockets get their checksum computed and
 * checked; other IPv6 ones when IPV6_CHECKSUM names an offset.
 * Creating one needs CAP_NET_RAW. */
#define _GNU_SOURCE
#include "net/raw.h"
#include "net/inet.h"
#include "net/ip.h"
#include "net/route.h"
#include "sentry/task.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <linux/icmp.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <sys/ioctl.h>

#define RAW_BUF_DEFAULT 212992
#define RAW_BUF_MAX 4194304
#define CAP_NET_RAW_ 13
#ifndef ICMP6_FILTER
#define ICMP6_FILTER 1
#endif

struct raw_dgram {
	struct list_head node;
	uint8_t src[16];
	size_t len;
	uint8_t data[];
};

/* Owned by its socket file; on raw_socks for its whole life. */
struct raw_sock {
	struct socket sock;
	struct list_head node;
	uint8_t laddr[16], raddr[16];
	bool bound, connected, hdrincl, broadcast;
	int ttl;
	int csum_off;               /* IPV6_CHECKSUM, -1: none */
	uint32_t icmp_filter;       /* ICMP_FILTER: types not wanted */
	uint32_t icmp6_filter[8];   /* ICMP6_FILTER: bit set = blocked */
	int rcvbuf, sndbuf;
	size_t rmem;
	struct timespec rcvtimeo;
	struct list_head rcvq;
	struct waitq wq;
	bool shut_rd;
};

static struct list_head raw_socks = LIST_HEAD_INIT(raw_socks);
static const struct sock_ops raw_ops;

static struct raw_sock *rs_of(struct socket *s)
{
	return (struct raw_sock *)s;
}

static bool is6(const struct raw_sock *r)
{
	return r->sock.family == AF_INET6;
}

int raw_create(struct task *t, int family, int protocol, struct socket **out)
{
	struct raw_sock *r;

	if (!capable(t, CAP_NET_RAW_))
		return -EPERM;
	/* inet_create: protocol 0 matches no raw protocol; numbers up to
	 * IPPROTO_MAX (263) are taken, though past 255 none arrives. */
	if (protocol <= 0 || protocol >= 263)
		return protocol == 0 ? -EPROTONOSUPPORT : -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	socket_init(&r->sock, &raw_ops, family, SOCK_RAW, protocol);
	r->hdrincl = protocol == IPPROTO_RAW;
	r->ttl = 64;
	r->csum_off = family == AF_INET6 && protocol == IPPROTO_ICMPV6 ? 2 : -1;
	r->rcvbuf = r->sndbuf = RAW_BUF_DEFAULT;
	list_init(&r->rcvq);
	waitq_init(&r->wq);
	list_add_tail(&r->node, &raw_socks);
	*out = &r->sock;
	return 0;
}

/* ---- addresses ---- */

/* raw_bind and ip4_datagram_connect take AF_UNSPEC as AF_INET; the
 * IPv6 side says EINVAL, not EAFNOSUPPORT, for another family. The port
 * is not looked at. */
static int addr_in(const struct raw_sock *r, const void *addr, socklen_t len, uint8_t *a)
{
	struct inet_sa sa;
	int e = inet_sa_parse(is6(r), addr, len, &sa);

	if (e < 0)
		return e;
	if (!is6(r) && sa.family != AF_INET && sa.family != AF_UNSPEC)
		return -EAFNOSUPPORT;
	if (is6(r) && sa.family != AF_INET6)
		return -EINVAL;
	memcpy(a, sa.addr, 16);
	return 0;
}

static int raw_bind(struct task *t, struct socket *s, const void *addr, socklen_t len)
{
	struct raw_sock *r = rs_of(s);
	uint8_t a[16];
	int e = addr_in(r, addr, len, a);

	if (e < 0)
		return e;
	if (!inet_is_any(a, is6(r), false) && !ip_is_local(a) && !ip_is_broadcast(a))
		return -EADDRNOTAVAIL;
	memcpy(r->laddr, a, 16);
	r->bound = !inet_is_any(a, is6(r), false);
	return 0;
}

static int raw_connect(struct task *t, struct socket *s, const void *addr, socklen_t len,
		       bool nonblock)
{
	struct raw_sock *r = rs_of(s);
	uint8_t a[16];
	sa_family_t fam;
	int e;

	if (len >= sizeof(fam)) {
		memcpy(&fam, addr, sizeof(fam));
		if (fam == AF_UNSPEC) {
			r->connected = false;
			return 0;
		}
	}
	e = addr_in(r, addr, len, a);
	if (e < 0)
		return e;
	memcpy(r->raddr, a, 16);
	r->connected = true;
	return 0;
}

static int raw_listen(struct task *t, struct socket *s, int backlog)
{
	return -EOPNOTSUPP;
}

static int raw_accept(struct task *t, struct socket *s, bool nonblock, struct socket **ns)
{
	return -EOPNOTSUPP;
}

static int raw_shutdown(struct socket *s, int how)
{
	struct raw_sock *r = rs_of(s);

	if (how == SHUT_RD || how == SHUT_RDWR)
		r->shut_rd = true;
	waitq_wake_all(&r->wq);
	return r->connected ? 0 : -ENOTCONN;
}

static int raw_getname(struct socket *s, bool peer, void *addr, socklen_t *len)
{
	struct raw_sock *r = rs_of(s);

	if (peer) {
		if (!r->connected)
			return -ENOTCONN;
		*len = inet_addr_to(is6(r), r->raddr, 0, addr);
	} else {
		/* The port is the protocol (inet_sport = htons(inet_num)). */
		*len = inet_addr_to(is6(r), r->laddr, r->sock.protocol, addr);
	}
	return 0;
}

/* ---- send ---- */

/* A whole IPv4 packet from the user (IP_HDRINCL). */
static ssize_t send_hdrincl(struct raw_sock *r, const uint8_t *dst, struct sock_msg *m)
{
	uint8_t *p, src[16];
	size_t ihl;
	uint16_t c;
	int e;

	if (m->len < 20)
		return -EINVAL;
	if (m->len > 65535)
		return -EMSGSIZE;
	p = malloc(m->len);
	if (!p)
		return -ENOMEM;
	memcpy(p, m->buf, m->len);
	ihl = (size_t)(p[0] & 0xf) * 4;
	if (ihl < 20 || ihl > m->len) {
		free(p);
		return -EINVAL;
	}
	p[2] = (uint8_t)(m->len >> 8);
	p[3] = (uint8_t)m->len;
	if (!(p[4] | p[5])) {
		static uint16_t id = 1;

		id++;
		p[4] = (uint8_t)(id >> 8);
		p[5] = (uint8_t)id;
	}
	if (!(p[12] | p[13] | p[14] | p[15])) {
		e = ip_route_src(dst, src);
		if (e < 0) {
			free(p);
			return e;
		}
		memcpy(p + 12, src + 12, 4);
	}
	p[10] = p[11] = 0;
	c = ip_csum_fold(ip_csum_add(0, p, ihl));
	p[10] = (uint8_t)(c >> 8);
	p[11] = (uint8_t)c;
	e = ip_output_packet(dst, p, m->len);
	free(p);
	return e < 0 && e != -ECONNREFUSED && e != -ENOBUFS ? e : (ssize_t)m->len;
}

static ssize_t raw_sendmsg(struct task *t, struct socket *s, struct sock_msg *m, int flags)
{
	struct raw_sock *r = rs_of(s);
	uint8_t dst[16], src[16], *p;
	int proto = r->sock.protocol, e;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (m->nfds)
		return -EINVAL;
	if (m->addrlen) {
		e = addr_in(r, m->addr, m->addrlen, dst);
		if (e < 0)
			return e;
	} else if (r->connected) {
		memcpy(dst, r->raddr, 16);
	} else {
		return -EDESTADDRREQ;
	}
	if (ip_is_broadcast(dst) && !r->broadcast)
		return -EACCES;
	if (!is6(r) && r->hdrincl)
		return send_hdrincl(r, dst, m);
	if (m->len > (is6(r) ? 65535u : 65535u - 20))
		return -EMSGSIZE;
	e = ip_route_src(dst, src);
	if (e < 0)
		return e;
	if (r->bound)
		memcpy(src, r->laddr, 16);
	p = malloc(m->len ? m->len : 1);
	if (!p)
		return -ENOMEM;
	memcpy(p, m->buf, m->len);
	if (is6(r) && r->csum_off >= 0) {
		uint16_t c;

		if ((size_t)r->csum_off + 2 > m->len) {
			free(p);
			return -EINVAL;
		}
		p[r->csum_off] = p[r->csum_off + 1] = 0;
		c = ip_csum_fold(ip_csum_add(ip_pseudo(src, dst, proto, m->len), p, m->len));
		p[r->csum_off] = (uint8_t)(c >> 8);
		p[r->csum_off + 1] = (uint8_t)c;
	}
	e = ip_output(src, dst, proto, p, m->len, r->ttl);
	free(p);
	return e < 0 && e != -ECONNREFUSED && e != -ENOBUFS && e != -EPROTONOSUPPORT ? e :
	       (ssize_t)m->len;
}

/* ---- receive ---- */

static bool wants(const struct raw_sock *r, int proto, bool v6, const uint8_t *src,
		  const uint8_t *dst, const uint8_t *data, size_t len)
{
	if (r->sock.protocol != proto || is6(r) != v6 || r->shut_rd ||
	    r->sock.protocol == IPPROTO_RAW)
		return false;
	if (r->bound && memcmp(r->laddr, dst, 16))
		return false;
	if (r->connected && memcmp(r->raddr, src, 16))
		return false;
	if (!v6 && proto == IPPROTO_ICMP && len >= 1 && data[0] < 32 &&
	    (r->icmp_filter & (1u << data[0])))
		return false;
	if (v6 && proto == IPPROTO_ICMPV6 && len >= 1 &&
	    (r->icmp6_filter[data[0] >> 5] & (1u << (data[0] & 31))))
		return false;
	return true;
}

bool raw_any(void)
{
	return !list_empty(&raw_socks);
}

bool raw_input(int proto, const uint8_t *src, const uint8_t *dst, const uint8_t *hdr,
	       size_t hlen, const uint8_t *data, size_t len)
{
	bool v6 = !ip_is_v4mapped(dst), taken = false;
	struct raw_sock *r;

	list_for_each_entry(r, &raw_socks, node) {
		struct raw_dgram *d;
		size_t n = v6 ? len : hlen + len;

		if (!wants(r, proto, v6, src, dst, data, len))
			continue;
		taken = true;
		if (v6 && r->csum_off >= 0 &&
		    ((size_t)r->csum_off + 2 > len ||
		     ip_csum_fold(ip_csum_add(ip_pseudo(src, dst, proto, len), data, len))))
			continue;
		if (r->rmem + n > (size_t)r->rcvbuf)
			continue;
		d = malloc(sizeof(*d) + n);
		if (!d)
			continue;
		memcpy(d->src, src, 16);
		d->len = n;
		if (v6) {
			memcpy(d->data, data, len);
		} else {
			/* The reassembled datagram's header: whole length, no
			 * fragment bits (ip_defrag rewrites them too). */
			memcpy(d->data, hdr, hlen);
			memcpy(d->data + hlen, data, len);
			d->data[2] = (uint8_t)(n >> 8);
			d->data[3] = (uint8_t)n;
			d->data[6] &= 0x40;
			d->data[7] = 0;
		}
		list_add_tail(&d->node, &r->rcvq);
		r->rmem += n;
		waitq_wake_all(&r->wq);
	}
	return taken;
}

static ssize_t raw_recvmsg(struct task *t, struct socket *s, struct sock_msg *m, int flags)
{
	struct raw_sock *r = rs_of(s);
	struct raw_dgram *d;
	struct timespec dls;
	const struct timespec *dl;
	size_t c;
	ssize_t n;

	if (flags & MSG_ERRQUEUE)
		return -EAGAIN;
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	dl = sock_deadline(&r->rcvtimeo, &dls);
	while (list_empty(&r->rcvq)) {
		int e;

		if (r->shut_rd)
			return 0;
		if (flags & MSG_DONTWAIT)
			return -EAGAIN;
		e = sock_sleep(t, &r->wq, NULL, dl);
		if (e < 0)
			return e;
	}
	d = list_first_entry(&r->rcvq, struct raw_dgram, node);
	c = d->len < m->len ? d->len : m->len;
	memcpy(m->buf, d->data, c);
	if (d->len > m->len)
		m->msg_flags |= MSG_TRUNC;
	m->addrlen = inet_addr_to(is6(r), d->src, 0, m->addr);
	n = (flags & MSG_TRUNC) ? (ssize_t)d->len : (ssize_t)c;
	if (!(flags & MSG_PEEK)) {
		list_del(&d->node);
		r->rmem -= d->len;
		free(d);
	}
	return n;
}

static unsigned int raw_poll(struct socket *s, struct waitq **wq)
{
	struct raw_sock *r = rs_of(s);
	unsigned int mask = POLLOUT | POLLWRNORM | POLLWRBAND;

	if (wq)
		*wq = &r->wq;
	if (!list_empty(&r->rcvq) || r->shut_rd)
		mask |= POLLIN | POLLRDNORM;
	return mask;
}

static long raw_ioctl(struct task *t, struct socket *s, unsigned int cmd, uint64_t arg)
{
	struct raw_sock *r = rs_of(s);
	int n = 0;

	switch (cmd) {
	case SIOCINQ:
		if (!list_empty(&r->rcvq))
			n = (int)list_first_entry(&r->rcvq, struct raw_dgram, node)->len;
		return sock_put_int_to(t, arg, n);
	case SIOCOUTQ:
		return sock_put_int_to(t, arg, n);
	default:
		return route_ioctl(t, cmd, arg, !is6(r));
	}
}

/* ---- options ---- */

static int raw_getsockopt(struct task *t, struct socket *s, int level, int name, void *val,
			  socklen_t *len)
{
	struct raw_sock *r = rs_of(s);

	if ((int)*len < 0)
		return -EINVAL;
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_TYPE:
			return sockopt_put_int_whole(SOCK_RAW, val, len);
		case SO_PROTOCOL:
			return sockopt_put_int_whole(r->sock.protocol, val, len);
		case SO_DOMAIN:
			return sockopt_put_int_whole(r->sock.family, val, len);
		case SO_ERROR:
			return sockopt_put_int_whole(0, val, len);
		case SO_RCVBUF:
			return sockopt_put_int_whole(r->rcvbuf, val, len);
		case SO_SNDBUF:
			return sockopt_put_int_whole(r->sndbuf, val, len);
		case SO_BROADCAST:
			return sockopt_put_int_whole(r->broadcast, val, len);
		default:
			return -ENOPROTOOPT;
		}
	}
	if (level == IPPROTO_IP && !is6(r)) {
		switch (name) {
		case IP_HDRINCL:
			return sockopt_put_int_whole(r->hdrincl, val, len);
		case IP_TTL:
			return sockopt_put_int_whole(r->ttl, val, len);
		default:
			return -ENOPROTOOPT;
		}
	}
	if (level == SOL_RAW && !is6(r)) {
		if (name != ICMP_FILTER)
			return -ENOPROTOOPT;
		if (r->sock.protocol != IPPROTO_ICMP)
			return -EOPNOTSUPP;
		return sockopt_put(&r->icmp_filter, sizeof(r->icmp_filter), val, len);
	}
	if ((level == IPPROTO_IPV6 || level == SOL_RAW) && is6(r)) {
		switch (name) {
		case IPV6_CHECKSUM:
			return sockopt_put_int_whole(r->csum_off, val, len);
		case IPV6_UNICAST_HOPS:
			if (level == SOL_RAW)
				return -ENOPROTOOPT;
			return sockopt_put_int_whole(r->ttl, val, len);
		default:
			return -ENOPROTOOPT;
		}
	}
	if (level == IPPROTO_ICMPV6 && is6(r) && name == ICMP6_FILTER) {
		if (r->sock.protocol != IPPROTO_ICMPV6)
			return -EOPNOTSUPP;
		return sockopt_put(r->icmp6_filter, sizeof(r->icmp6_filter), val, len);
	}
	return -ENOPROTOOPT;
}

static int get_int(const void *val, socklen_t len, int *v)
{
	if (len < sizeof(int)) {
		/* ip_setsockopt takes a single byte for the int options. */
		if (len >= 1) {
			*v = *(const unsigned char *)val;
			return 0;
		}
		return -EINVAL;
	}
	memcpy(v, val, sizeof(int));
	return 0;
}

static int raw_setsockopt(struct task *t, struct socket *s, int level, int name,
			  const void *val, socklen_t len)
{
	struct raw_sock *r = rs_of(s);
	int v = 0;

	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_RCVBUF:
		case SO_SNDBUF:
		case SO_BROADCAST:
			if (sockopt_get_int(val, len, &v) < 0)
				return -EINVAL;
			if (name == SO_BROADCAST) {
				r->broadcast = v != 0;
			} else {
				/* sock_setsockopt doubles, within the limits. */
				long b = (long)(v < 0 ? 0 : v) * 2;

				b = b < 2304 ? 2304 : b > RAW_BUF_MAX ? RAW_BUF_MAX : b;
				if (name == SO_RCVBUF)
					r->rcvbuf = (int)b;
				else
					r->sndbuf = (int)b;
			}
			return 0;
		case SO_RCVTIMEO:
			return sockopt_get_timeo(val, len, &r->rcvtimeo, NULL);
		default:
			return -ENOPROTOOPT;
		}
	}
	if (level == IPPROTO_IP && !is6(r)) {
		switch (name) {
		case IP_HDRINCL:
			if (get_int(val, len, &v) < 0)
				return -EINVAL;
			if (r->sock.protocol == IPPROTO_RAW)
				return v ? 0 : -EINVAL;
			r->hdrincl = v != 0;
			return 0;
		case IP_TTL:
			if (get_int(val, len, &v) < 0)
				return -EINVAL;
			if (v == -1)
				v = 64;
			if (v < 1 || v > 255)
				return -EINVAL;
			r->ttl = v;
			return 0;
		default:
			return -ENOPROTOOPT;
		}
	}
	if (level == SOL_RAW && !is6(r)) {
		/* raw_seticmpfilter: SOL_RAW's one option. */
		if (name != ICMP_FILTER)
			return -ENOPROTOOPT;
		if (r->sock.protocol != IPPROTO_ICMP)
			return -EOPNOTSUPP;
		if (len > sizeof(r->icmp_filter))
			len = sizeof(r->icmp_filter);
		r->icmp_filter = 0;
		memcpy(&r->icmp_filter, val, len);
		return 0;
	}
	if ((level == IPPROTO_IPV6 || level == SOL_RAW) && is6(r)) {
		switch (name) {
		case IPV6_CHECKSUM:
			if (get_int(val, len, &v) < 0 || len < sizeof(int))
				return -EINVAL;
			/* RFC 3542: not for ICMPv6 at the IPv6 level (its checksum
			 * is always at 2); odd offsets are refused. */
			if (r->sock.protocol == IPPROTO_ICMPV6 && level == IPPROTO_IPV6)
				return -EINVAL;
			if (v > 0 && (v & 1))
				return -EINVAL;
			r->csum_off = v < 0 ? -1 : v;
			return 0;
		case IPV6_UNICAST_HOPS:
			if (level == SOL_RAW)
				return -ENOPROTOOPT;
			if (get_int(val, len, &v) < 0 || len < sizeof(int))
				return -EINVAL;
			if (v < -1 || v > 255)
				return -EINVAL;
			r->ttl = v == -1 ? 64 : v;
			return 0;
		default:
			return -ENOPROTOOPT;
		}
	}
	if (level == IPPROTO_ICMPV6 && is6(r) && name == ICMP6_FILTER) {
		if (r->sock.protocol != IPPROTO_ICMPV6)
			return -EOPNOTSUPP;
		if (len > sizeof(r->icmp6_filter))
			len = sizeof(r->icmp6_filter);
		memcpy(r->icmp6_filter, val, len);
		return 0;
	}
	return -ENOPROTOOPT;
}

static void raw_release(struct socket *s)
{
	struct raw_sock *r = rs_of(s);
	struct raw_dgram *d, *n;

	list_del(&r->node);
	list_for_each_entry_safe(d, n, &r->rcvq, node)
		free(d);
	free(r);
}

static const struct sock_ops raw_ops = {
	.bind = raw_bind,
	.connect = raw_connect,
	.listen = raw_listen,
	.accept = raw_accept,
	.sendmsg = raw_sendmsg,
	.recvmsg = raw_recvmsg,
	.shutdown = raw_shutdown,
	.getname = raw_getname,
	.getsockopt = raw_getsockopt,
	.setsockopt = raw_setsockopt,
	.poll = raw_poll,
	.ioctl = raw_ioctl,
	.release = raw_release,
};
