/* IPv4 (RFC 791) and IPv6 (RFC 8200): header building and checking, the
 * routing decision (net/route.c's table), output to lo (delivered at once
 * to the receive path) or to a link through its neighbour, fragmentation
 * to the path MTU, and the receive path from links: destination checks,
 * reassembly (net/frag.c), extension headers and the transports. */
#define _GNU_SOURCE
#include "net/ip.h"
#include "net/tcp.h"
#include "net/frag.h"
#include "net/link.h"
#include "net/raw.h"
#include "net/route.h"
#include "sentry/time.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>

void ip_map4(uint8_t *out, const void *v4)
{
	memset(out, 0, 10);
	out[10] = out[11] = 0xff;
	memcpy(out + 12, v4, 4);
}

bool ip_is_any(const uint8_t *a, bool v4)
{
	static const uint8_t z[16];

	return v4 ? ip_is_v4mapped(a) && !memcmp(a + 12, z, 4) : !memcmp(a, z, 16);
}

static bool lo_up(void)
{
	struct net_if *lo = route_if_by_index(1);

	return lo && (lo->flags & IFF_UP);
}

bool ip_is_local(const uint8_t *a)
{
	struct net_addr *x;
	static const uint8_t lo6[16] = { [15] = 1 };

	if (!lo_up())
		return false;
	if (ip_is_v4mapped(a) && a[12] == 127)
		return true;
	if (!memcmp(a, lo6, 16))
		return true;
	list_for_each_entry(x, route_addrs(), node) {
		if (x->family == AF_INET && ip_is_v4mapped(a) && !memcmp(x->addr, a + 12, 4))
			return true;
		if (x->family == AF_INET6 && !memcmp(x->addr, a, 16))
			return true;
	}
	return false;
}

static bool is_limited_bcast(const uint8_t *a)
{
	static const uint8_t ones[4] = { 255, 255, 255, 255 };

	return ip_is_v4mapped(a) && !memcmp(a + 12, ones, 4);
}

bool ip_is_broadcast(const uint8_t *a)
{
	struct net_route *v;
	struct route_res res;
	bool r = false;
	int n;

	if (!ip_is_v4mapped(a))
		return false;
	/* 255.255.255.255 needs a route to a broadcast-capable link, which
	 * lo is not. */
	if (is_limited_bcast(a))
		return route_lookup(a, &res) == 0 && res.type == RTN_BROADCAST;
	n = route_collect(&v);
	for (int i = 0; i < n; i++)
		if (v[i].family == AF_INET && v[i].type == RTN_BROADCAST && !memcmp(v[i].dst, a + 12, 4))
			r = true;
	if (n > 0)
		free(v);
	return r;
}

/* Local destinations go through lo; the rest by the table. */
static int ip_route(const uint8_t *dst, struct route_res *res)
{
	static const uint8_t lo4[4] = { 127, 0, 0, 1 };

	if (ip_is_local(dst)) {
		memset(res, 0, sizeof(*res));
		res->ifp = route_if_by_index(1);
		res->type = RTN_LOCAL;
		memcpy(res->nexthop, dst, 16);
		/* The local routes' preferred source: the address itself, or
		 * 127.0.0.1 for the rest of 127/8. */
		if (ip_is_v4mapped(dst) && dst[12] == 127)
			ip_map4(res->src, lo4);
		else
			memcpy(res->src, dst, 16);
		return 0;
	}
	return route_lookup(dst, res);
}

int ip_route_src(const uint8_t *dst, uint8_t *src)
{
	static const uint8_t lo4[4] = { 127, 0, 0, 1 };
	struct route_res res;
	int r;

	if (ip_is_broadcast(dst) && lo_up() && route_lookup(dst, &res) < 0) {
		/* A broadcast route of lo's own 127/8. */
		ip_map4(src, lo4);
		return 0;
	}
	r = ip_route(dst, &res);
	if (r < 0)
		return r;
	memcpy(src, res.src, 16);
	return 0;
}

/* Eight bytes at a time in host order, folded to 16 bits and swapped
 * back: a one's complement sum does not care about byte order if the
 * result is swapped (RFC 1071 2(B)). An odd last byte is the high byte of
 * a big-endian word, as if a zero followed. */
uint32_t ip_csum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t s = 0, v;
	uint16_t w;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&v, p, 8);
		s += v;
		s += s < v;
	}
	for (; len >= 2; p += 2, len -= 2) {
		memcpy(&w, p, 2);
		s += w;
		s += s < w;
	}
	if (len) {
		s += p[0]; /* the low byte of a little-endian word */
		s += s < p[0];
	}
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (uint64_t)sum + __builtin_bswap16((uint16_t)s);
	return (uint32_t)((s & 0xffffffff) + (s >> 32));
}

uint16_t ip_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint32_t ip_pseudo(const uint8_t *src, const uint8_t *dst, int proto, size_t len)
{
	uint32_t s = 0;
	uint8_t tail[8] = { 0 };

	if (ip_is_v4mapped(src)) {
		s = ip_csum_add(s, src + 12, 4);
		s = ip_csum_add(s, dst + 12, 4);
		tail[1] = (uint8_t)proto;
		tail[2] = (uint8_t)(len >> 8);
		tail[3] = (uint8_t)len;
		return ip_csum_add(s, tail, 4);
	}
	s = ip_csum_add(s, src, 16);
	s = ip_csum_add(s, dst, 16);
	tail[0] = (uint8_t)(len >> 24);
	tail[1] = (uint8_t)(len >> 16);
	tail[2] = (uint8_t)(len >> 8);
	tail[3] = (uint8_t)len;
	tail[7] = (uint8_t)proto;
	return ip_csum_add(s, tail, 8);
}

/* ---- path MTU (RFC 1191, RFC 8201) ---- */

#define PMTU_SLOTS 64
#define PMTU_EXPIRE_NS (600ULL * NSEC_PER_SEC)     /* mtu_expires */
#define PMTU_MIN4 552                               /* min_pmtu */
#define PMTU_MIN6 1280

static struct {
	uint8_t dst[16];
	unsigned int mtu;
	uint64_t expires;
} pmtu[PMTU_SLOTS];

static unsigned int pmtu_of(const uint8_t *dst, unsigned int link_mtu)
{
	uint64_t now = time_host_mono();

	for (int i = 0; i < PMTU_SLOTS; i++)
		if (pmtu[i].mtu && pmtu[i].expires > now && !memcmp(pmtu[i].dst, dst, 16))
			return pmtu[i].mtu < link_mtu ? pmtu[i].mtu : link_mtu;
	return link_mtu;
}

void ip_pmtu_update(const uint8_t *dst, unsigned int mtu)
{
	uint64_t now = time_host_mono();
	int slot = 0;

	if (ip_is_v4mapped(dst) ? mtu < PMTU_MIN4 : mtu < PMTU_MIN6)
		mtu = ip_is_v4mapped(dst) ? PMTU_MIN4 : PMTU_MIN6;
	for (int i = 0; i < PMTU_SLOTS; i++) {
		if (!memcmp(pmtu[i].dst, dst, 16) && pmtu[i].mtu) {
			slot = i;
			break;
		}
		if (pmtu[i].expires < pmtu[slot].expires)
			slot = i;
	}
	memcpy(pmtu[slot].dst, dst, 16);
	pmtu[slot].mtu = mtu;
	pmtu[slot].expires = now + PMTU_EXPIRE_NS;
}

unsigned int ip_mtu(const uint8_t *dst)
{
	struct route_res res;

	if (ip_route(dst, &res) < 0 || !res.ifp)
		return 0;
	return pmtu_of(dst, res.ifp->mtu);
}

/* ---- receive ---- */

/* The transports, by protocol number. */
static int ip_deliver(int proto, const uint8_t *src, const uint8_t *dst, const uint8_t *data,
		      size_t len)
{
	switch (proto) {
	case IPPROTO_UDP:
		return udp_input(src, dst, data, len);
	case IPPROTO_TCP:
		return tcp_input_ip(src, dst, data, len);
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return icmp_input(src, dst, data, len);
	default:
		return -EPROTONOSUPPORT;
	}
}

/* Raw sockets see every datagram of their protocol; a protocol only they
 * take is not unreachable. */
static int deliver_all(int proto, const uint8_t *src, const uint8_t *dst, const uint8_t *hdr,
		       size_t hlen, const uint8_t *data, size_t len)
{
	bool raw = raw_input(proto, src, dst, hdr, hlen, data, len);
	int r = ip_deliver(proto, src, dst, data, len);

	return r == -EPROTONOSUPPORT && raw ? 0 : r;
}

static int ip4_input_lo(const uint8_t *p, size_t len)
{
	uint8_t src[16], dst[16];
	size_t ihl, tot;

	if (len < 20 || (p[0] >> 4) != 4)
		return -EINVAL;
	ihl = (size_t)(p[0] & 0xf) * 4;
	tot = (size_t)(p[2] << 8 | p[3]);
	if (ihl < 20 || tot < ihl || tot > len || ip_csum_fold(ip_csum_add(0, p, ihl)))
		return -EINVAL;
	/* Fragments never arise on lo (its MTU holds any datagram). */
	if ((p[6] & 0x3f) || p[7])
		return -EINVAL;
	ip_map4(src, p + 12);
	ip_map4(dst, p + 16);
	return deliver_all(p[9], src, dst, p, ihl, p + ihl, tot - ihl);
}

static int ip6_input_lo(const uint8_t *p, size_t len)
{
	size_t plen;

	if (len < 40 || (p[0] >> 4) != 6)
		return -EINVAL;
	plen = (size_t)(p[4] << 8 | p[5]);
	if (plen > len - 40)
		return -EINVAL;
	return deliver_all(p[6], p + 8, p + 24, p, 40, p + 40, plen);
}

/* A source no host may use (RFC 1812 5.3.7 "martians"). */
static bool martian4(const uint8_t *s)
{
	return s[12] == 127 || s[12] == 0 || s[12] >= 224 || ip_is_local(s);
}

/* After a transport refused a datagram: tell its sender, unless it was
 * sent to a group or broadcast (RFC 1122 3.2.2). */
static void refused(int r, int proto, bool group, const uint8_t *hdr, size_t hlen,
		    const uint8_t *data, size_t len)
{
	bool v4 = (hdr[0] >> 4) == 4;

	if (group)
		return;
	if (r == -ECONNREFUSED && proto == IPPROTO_UDP)
		icmp_send_error(v4 ? 3 : 1, v4 ? 3 : 4, hdr, hlen, data, len);
	else if (r == -EPROTONOSUPPORT && v4)
		icmp_send_error(3, 2, hdr, hlen, data, len);
	else if (r == -EPROTONOSUPPORT)
		/* ICMPv6 parameter problem, unrecognized next header. */
		icmp_send_error(4, 1, hdr, hlen, data, len);
}

static void ip4_input(struct net_if *ifp, const uint8_t *p, size_t len)
{
	uint8_t src[16], dst[16], *whole = NULL;
	size_t ihl, tot, off, plen;
	bool group;
	int r;

	if (len < 20 || (p[0] >> 4) != 4)
		return;
	ihl = (size_t)(p[0] & 0xf) * 4;
	tot = (size_t)(p[2] << 8 | p[3]);
	/* A frame may be padded past the datagram (60-byte minimum). */
	if (ihl < 20 || tot < ihl || tot > len || ip_csum_fold(ip_csum_add(0, p, ihl)))
		return;
	ip_map4(src, p + 12);
	ip_map4(dst, p + 16);
	if (martian4(src))
		return;
	/* Ours, or a broadcast (the cheaper test first: most are ours). */
	group = !ip_is_local(dst) && (is_limited_bcast(dst) || ip_is_broadcast(dst));
	if (!group && !ip_is_local(dst))
		return;                 /* not ours; we do not forward */
	off = (size_t)((p[6] & 0x1f) << 8 | p[7]) * 8;
	plen = tot - ihl;
	if ((p[6] & 0x20) || off) {
		struct frag_key k = { .family = AF_INET, .proto = p[9],
				      .id = (uint32_t)(p[4] << 8 | p[5]) };

		memcpy(k.src, src, 16);
		memcpy(k.dst, dst, 16);
		if (frag_input(&k, off, p[6] & 0x20, p + ihl, plen, 65535 - ihl,
			       time_host_mono(), &whole, &plen) != 1)
			return;
	}
	r = deliver_all(p[9], src, dst, p, ihl, whole ? whole : p + ihl, plen);
	if (r < 0)
		refused(r, p[9], group, p, ihl, whole ? whole : p + ihl, plen);
	free(whole);
}

/* Is dst one of ours or a group we are in (all nodes, the solicited-node
 * group of one of our addresses)? */
static bool accept6(const uint8_t *dst, bool *group)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	static const uint8_t sn[13] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };
	struct net_addr *a;

	*group = dst[0] == 0xff;
	if (!*group)
		return ip_is_local(dst);
	if (!memcmp(dst, all_nodes, 16))
		return true;
	if (memcmp(dst, sn, 13))
		return false;
	list_for_each_entry(a, route_addrs(), node)
		if (a->family == AF_INET6 && !memcmp(a->addr + 13, dst + 13, 3))
			return true;
	return false;
}

static void ip6_input(struct net_if *ifp, const uint8_t *p, size_t len)
{
	const uint8_t *src = p + 8, *dst = p + 24, *data;
	uint8_t *whole = NULL;
	size_t plen, at;
	int nh, r, hops = 0;
	bool group;

	if (len < 40 || (p[0] >> 4) != 6)
		return;
	plen = (size_t)(p[4] << 8 | p[5]);
	if (plen > len - 40)
		return;
	/* Sources that are groups, unspecified outside ND, or ours. */
	if (src[0] == 0xff || ip_is_local(src) || !accept6(dst, &group))
		return;
	data = p + 40;
	nh = p[6];
	at = 0;
	/* The extension headers a host processes (section 4.1's order is
	 * not enforced; each is bounded by the payload). */
	for (;;) {
		if (++hops > 8)
			goto out;
		if (nh == 0 || nh == 60) {      /* hop-by-hop, destination options */
			size_t el;

			if (plen - at < 8)
				goto out;
			el = ((size_t)data[at + 1] + 1) * 8;
			if (el > plen - at)
				goto out;
			nh = data[at];
			at += el;
		} else if (nh == 43) {          /* routing: only if exhausted */
			if (plen - at < 8 || data[at + 3] != 0)
				goto out;
			size_t el = ((size_t)data[at + 1] + 1) * 8;

			if (el > plen - at)
				goto out;
			nh = data[at];
			at += el;
		} else if (nh == 44) {          /* fragment */
			struct frag_key k = { .family = AF_INET6 };
			const uint8_t *f = data + at;
			size_t off, flen;

			if (whole || plen - at < 8)
				goto out;
			k.proto = f[0];
			k.id = (uint32_t)f[4] << 24 | (uint32_t)f[5] << 16 | (uint32_t)f[6] << 8 | f[7];
			memcpy(k.src, src, 16);
			memcpy(k.dst, dst, 16);
			off = (size_t)(f[2] << 8 | (f[3] & 0xf8));
			flen = plen - at - 8;
			if (!off && !(f[3] & 1))
				/* An atomic fragment (RFC 6946): the payload as is. */
				whole = NULL;
			else if (frag_input(&k, off, f[3] & 1, f + 8, flen, 65535 - at,
					    time_host_mono(), &whole, &flen) != 1)
				goto out;
			nh = k.proto;
			if (whole) {
				data = whole;
				plen = flen;
				at = 0;
			} else {
				at += 8;
			}
		} else {
			break;
		}
	}
	if (nh == 59)                           /* no next header */
		goto out;
	if (nh == IPPROTO_ICMPV6 && plen - at >= 1 && data[at] >= 133 && data[at] <= 137) {
		raw_input(nh, src, dst, p, 40, data + at, plen - at);
		ndp_input(ifp, src, dst, p[7], data + at, plen - at);
		goto out;
	}
	if (!memcmp(src, (uint8_t[16]){ 0 }, 16))
		goto out;
	r = deliver_all(nh, src, dst, p, 40, data + at, plen - at);
	if (r < 0)
		refused(r, nh, group, p, 40, data + at, plen - at);
out:
	free(whole);
}

void ip_input(struct net_if *ifp, int family, const uint8_t *p, size_t len)
{
	if (family == AF_INET)
		ip4_input(ifp, p, len);
	else
		ip6_input(ifp, p, len);
}

/* ---- send ---- */

/* The loopback link: what it transmits it receives. */
static int loopback_xmit(const uint8_t *p, size_t len)
{
	return (p[0] >> 4) == 4 ? ip4_input_lo(p, len) : ip6_input_lo(p, len);
}

static void put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void ip4_header(uint8_t *h, const uint8_t *src, const uint8_t *dst, int proto, int ttl,
		       size_t tot, uint16_t id, unsigned int frag)
{
	uint16_t c;

	memset(h, 0, 20);
	h[0] = 0x45;
	put16(h + 2, tot);
	put16(h + 4, id);
	put16(h + 6, frag);
	h[8] = (uint8_t)ttl;
	h[9] = (uint8_t)proto;
	memcpy(h + 12, src + 12, 4);
	memcpy(h + 16, dst + 12, 4);
	c = ip_csum_fold(ip_csum_add(0, h, 20));
	put16(h + 10, c);
}

static void ip6_header(uint8_t *h, const uint8_t *src, const uint8_t *dst, int nh, int hops,
		       size_t plen)
{
	memset(h, 0, 40);
	h[0] = 0x60;
	put16(h + 4, plen);
	h[6] = (uint8_t)nh;
	h[7] = (uint8_t)hops;
	memcpy(h + 8, src, 16);
	memcpy(h + 24, dst, 16);
}

/* Send one whole packet (buf has LINK_HEADROOM before the header) by the
 * route; local copies of broadcasts go through lo too. */
static int xmit(const struct route_res *res, uint8_t *pkt, size_t len)
{
	if (res->type == RTN_LOCAL || !res->ifp->ops)
		return loopback_xmit(pkt, len);
	if (res->type == RTN_BROADCAST) {
		/* Linux loops broadcasts back to this host's sockets. */
		loopback_xmit(pkt, len);
		return eth_output_ip(res->ifp, res->nexthop, true, pkt, len);
	}
	return eth_output_ip(res->ifp, res->nexthop, false, pkt, len);
}

static uint16_t ident4;
static uint32_t ident6;

/* RFC 791 section 3.2's fragmentation: each piece carries a multiple of 8
 * bytes but the last, DF clear (IP_PMTUDISC_WANT: the datagram did not
 * fit the path, so it is fragmented here). */
static int frag4_out(const struct route_res *res, const uint8_t *src, const uint8_t *dst,
		     int proto, const uint8_t *payload, size_t len, int ttl, unsigned int mtu)
{
	size_t chunk = (mtu - 20) & ~(size_t)7, off;
	uint16_t id = ++ident4;
	uint8_t *buf = malloc(LINK_HEADROOM + 20 + chunk);
	int r = 0;

	if (!buf)
		return -ENOBUFS;
	for (off = 0; off < len && r >= 0; off += chunk) {
		size_t n = len - off < chunk ? len - off : chunk;
		unsigned int fl = (unsigned int)(off / 8) | (off + n < len ? 0x2000 : 0);

		ip4_header(buf + LINK_HEADROOM, src, dst, proto, ttl, 20 + n, id, fl);
		memcpy(buf + LINK_HEADROOM + 20, payload + off, n);
		r = xmit(res, buf + LINK_HEADROOM, 20 + n);
	}
	free(buf);
	return r;
}

/* RFC 8200 section 4.5: a fragment header after the fixed header. */
static int frag6_out(const struct route_res *res, const uint8_t *src, const uint8_t *dst,
		     int proto, const uint8_t *payload, size_t len, int hops, unsigned int mtu)
{
	size_t chunk = (mtu - 48) & ~(size_t)7, off;
	uint32_t id;
	uint8_t *buf = malloc(LINK_HEADROOM + 48 + chunk), *h;
	int r = 0;

	if (!buf)
		return -ENOBUFS;
	/* Unpredictable identifications (RFC 7739). */
	ident6 = ident6 * 1103515245u + 12345u + (uint32_t)time_host_mono();
	id = ident6;
	h = buf + LINK_HEADROOM;
	for (off = 0; off < len && r >= 0; off += chunk) {
		size_t n = len - off < chunk ? len - off : chunk;

		ip6_header(h, src, dst, 44, hops, 8 + n);
		h[40] = (uint8_t)proto;
		h[41] = 0;
		put16(h + 42, off | (off + n < len ? 1 : 0));
		h[44] = (uint8_t)(id >> 24);
		h[45] = (uint8_t)(id >> 16);
		h[46] = (uint8_t)(id >> 8);
		h[47] = (uint8_t)id;
		memcpy(h + 48, payload + off, n);
		r = xmit(res, h, 48 + n);
	}
	free(buf);
	return r;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#define TH_FIN_ 0x01
#define TH_PSH_ 0x08
#define TH_CWR_ 0x80

/* Can the segments towards res leave as one GSO frame (to mac)? */
static bool gso_ok(const struct route_res *res, uint8_t *mac)
{
	return res->type == RTN_UNICAST && res->ifp->ops && res->ifp->ops->xmit_gso &&
	       neigh_resolved(res->ifp, res->nexthop, mac) == 0;
}

/* One GSO frame of the TCP segment (len bytes, checksum not filled) after
 * the IP header room at h (LINK_HEADROOM before h), cut by the link at
 * mss. */
static int gso_xmit(const struct route_res *res, const uint8_t *mac, const uint8_t *src,
		    const uint8_t *dst, uint8_t *h, size_t len, int ttl, size_t mss)
{
	bool v4 = ip_is_v4mapped(dst);
	size_t hl = v4 ? 20 : 40, doff = (size_t)(h[hl + 12] >> 4) * 4, plen = len - doff;
	struct link_gso g = { .v6 = !v4, .size = (uint16_t)mss,
			      .hdr_len = (uint16_t)(ETH_HDR_LEN + hl + doff),
			      .csum_start = (uint16_t)(ETH_HDR_LEN + hl), .csum_offset = 16 };
	uint16_t c;

	if (v4) {
		/* The segments take consecutive identifications. */
		ip4_header(h, src, dst, IPPROTO_TCP, ttl, hl + len, (uint16_t)(ident4 + 1), 0x4000);
		ident4 = (uint16_t)(ident4 + (plen + mss - 1) / mss);
	} else {
		ip6_header(h, src, dst, IPPROTO_TCP, ttl, len);
	}
	/* CHECKSUM_PARTIAL: the pseudo-header sum, not complemented. */
	c = (uint16_t)~ip_csum_fold(ip_pseudo(src, dst, IPPROTO_TCP, len));
	h[hl + 16] = (uint8_t)(c >> 8);
	h[hl + 17] = (uint8_t)c;
	return eth_xmit_gso(res->ifp, mac, v4 ? ETHTYPE_IP : ETHTYPE_IPV6, h, hl + len, &g);
}

/* A TCP segment larger than the path MTU (a transport sending in TSO
 * sizes, see ip_tso_max): one GSO frame when the link cuts segments itself
 * and the neighbour is known; else cut here, as the kernel's software GSO
 * does (sequence numbers advance, FIN and PSH only on the last piece, CWR
 * only on the first, each with its own checksum). */
static int tcp_big_out(const struct route_res *res, const uint8_t *src, const uint8_t *dst,
		       const uint8_t *seg, size_t len, int ttl, unsigned int mtu, unsigned int want)
{
	bool v4 = ip_is_v4mapped(dst);
	size_t hl = v4 ? 20 : 40, doff, mss, plen, off;
	uint8_t mac[ETH_ALEN_], *buf, *h;
	uint32_t seq;
	int r = 0;

	if (len < 20)
		return -EINVAL;
	doff = (size_t)(seg[12] >> 4) * 4;
	if (doff < 20 || doff > len || hl + doff + 8 > mtu)
		return -EINVAL;
	mss = mtu - hl - doff;
	/* The connection's MSS (the peer's may be the smaller). */
	if (want && want < mss)
		mss = want;
	plen = len - doff;
	if (gso_ok(res, mac)) {
		buf = malloc(LINK_HEADROOM + hl + len);
		if (!buf)
			return -ENOBUFS;
		h = buf + LINK_HEADROOM;
		memcpy(h + hl, seg, len);
		r = gso_xmit(res, mac, src, dst, h, len, ttl, mss);
		free(buf);
		return r;
	}
	buf = malloc(LINK_HEADROOM + hl + doff + mss);
	if (!buf)
		return -ENOBUFS;
	h = buf + LINK_HEADROOM;
	seq = (uint32_t)seg[4] << 24 | (uint32_t)seg[5] << 16 | (uint32_t)seg[6] << 8 | seg[7];
	for (off = 0; off < plen && r >= 0; off += mss) {
		size_t n = plen - off < mss ? plen - off : mss;
		uint8_t *t = h + hl, fl = seg[13];
		uint16_t c;

		memcpy(t, seg, doff);
		put32(t + 4, seq + (uint32_t)off);
		if (off + n < plen)
			fl &= (uint8_t)~(TH_FIN_ | TH_PSH_);
		if (off)
			fl &= (uint8_t)~TH_CWR_;
		t[13] = fl;
		t[16] = t[17] = 0;
		memcpy(t + doff, seg + doff + off, n);
		c = ip_csum_fold(ip_csum_add(ip_pseudo(src, dst, IPPROTO_TCP, doff + n), t, doff + n));
		t[16] = (uint8_t)(c >> 8);
		t[17] = (uint8_t)c;
		if (v4)
			ip4_header(h, src, dst, IPPROTO_TCP, ttl, hl + doff + n, ++ident4, 0x4000);
		else
			ip6_header(h, src, dst, IPPROTO_TCP, ttl, doff + n);
		r = xmit(res, h, hl + doff + n);
	}
	free(buf);
	return r;
}

unsigned int ip_tso_max(const uint8_t *dst)
{
	struct route_res res;
	bool v4 = ip_is_v4mapped(dst);

	if (ip_route(dst, &res) < 0 || !res.ifp)
		return 0;
	if (res.type == RTN_LOCAL || !res.ifp->ops)
		return (v4 ? 65535u - 20 : 65535u);
	if (res.type == RTN_UNICAST && res.ifp->ops->xmit_gso)
		return (v4 ? 65535u - 20 : 65535u);
	return pmtu_of(dst, res.ifp->mtu) - (v4 ? 20 : 40);
}

int ip_output(const uint8_t *src, const uint8_t *dst, int proto, const void *payload,
	      size_t len, int ttl)
{
	bool v4 = ip_is_v4mapped(dst);
	size_t hl = v4 ? 20 : 40;
	struct route_res res;
	unsigned int mtu;
	uint8_t *buf, *h;
	int r;

	if (len + (v4 ? 20 : 0) > 65535)
		return -EMSGSIZE;
	r = ip_route(dst, &res);
	if (r < 0) {
		if (!(ip_is_broadcast(dst) && lo_up()))
			return r;
		/* lo's own broadcast routes (127.255.255.255). */
		memset(&res, 0, sizeof(res));
		res.type = RTN_LOCAL;
		res.ifp = route_if_by_index(1);
	}
	mtu = res.type == RTN_LOCAL ? 65536 : pmtu_of(dst, res.ifp->mtu);
	if (hl + len > mtu && proto == IPPROTO_TCP && res.type == RTN_UNICAST)
		return tcp_big_out(&res, src, dst, payload, len, ttl, mtu, 0);
	if (hl + len > mtu)
		return v4 ? frag4_out(&res, src, dst, proto, payload, len, ttl, mtu) :
			    frag6_out(&res, src, dst, proto, payload, len, ttl, mtu);
	buf = malloc(LINK_HEADROOM + hl + len);
	if (!buf)
		return -ENOMEM;
	h = buf + LINK_HEADROOM;
	if (v4)
		ip4_header(h, src, dst, proto, ttl, 20 + len, ++ident4, 0x4000 /* DF */);
	else
		ip6_header(h, src, dst, proto, ttl, len);
	memcpy(h + hl, payload, len);
	r = xmit(&res, h, hl + len);
	free(buf);
	return r;
}

bool ip_route_lo(const uint8_t *dst)
{
	struct route_res res;

	if (ip_route(dst, &res) < 0 || !res.ifp)
		return false;
	/* as xmit: local, or a unicast route out the loopback link */
	return res.type == RTN_LOCAL || (res.type == RTN_UNICAST && !res.ifp->ops);
}

int ip_output_packet(const uint8_t *dst, const uint8_t *pkt, size_t len)
{
	struct route_res res;
	uint8_t *buf;
	int r = ip_route(dst, &res);

	if (r < 0)
		return r;
	if (res.type != RTN_LOCAL && len > pmtu_of(dst, res.ifp->mtu))
		return -EMSGSIZE;
	buf = malloc(LINK_HEADROOM + len);
	if (!buf)
		return -ENOMEM;
	memcpy(buf + LINK_HEADROOM, pkt, len);
	r = xmit(&res, buf + LINK_HEADROOM, len);
	free(buf);
	return r;
}

int ip_output_tcp(const uint8_t *src, const uint8_t *dst, uint8_t *seg, size_t len, int ttl,
		  unsigned int mss)
{
	bool v4 = ip_is_v4mapped(dst);
	size_t hl = v4 ? 20 : 40, doff;
	struct route_res res;
	unsigned int mtu;
	uint8_t mac[ETH_ALEN_], *h = seg - hl;
	int r;

	_Static_assert(IP_TCP_HEADROOM >= LINK_HEADROOM + 40, "IP_TCP_HEADROOM");
	if (len < 20 || len + (v4 ? 20 : 0) > 65535)
		return len < 20 ? -EINVAL : -EMSGSIZE;
	doff = (size_t)(seg[12] >> 4) * 4;
	if (doff < 20 || doff > len)
		return -EINVAL;
	r = ip_route(dst, &res);
	if (r < 0)
		return r;
	mtu = res.type == RTN_LOCAL ? 65536 : pmtu_of(dst, res.ifp->mtu);
	if (res.type == RTN_UNICAST && mss && len - doff > mss) {
		if (hl + doff + 8 <= mtu && gso_ok(&res, mac)) {
			size_t m = mtu - hl - doff;

			return gso_xmit(&res, mac, src, dst, h, len, ttl, mss < m ? mss : m);
		}
		/* cut here, each piece summed */
		return tcp_big_out(&res, src, dst, seg, len, ttl, mtu, mss);
	}
	/* Leaves whole: summed, but not between local addresses (lo's
	 * CHECKSUM_PARTIAL; tcp_input_ip does not verify those). */
	seg[16] = seg[17] = 0;
	if (!ip_is_local(dst)) {
		uint16_t c = ip_csum_fold(ip_csum_add(ip_pseudo(src, dst, IPPROTO_TCP, len), seg,
						      len));

		seg[16] = (uint8_t)(c >> 8);
		seg[17] = (uint8_t)c;
	}
	if (hl + len > mtu)
		return ip_output(src, dst, IPPROTO_TCP, seg, len, ttl);
	if (v4)
		ip4_header(h, src, dst, IPPROTO_TCP, ttl, 20 + len, ++ident4, 0x4000 /* DF */);
	else
		ip6_header(h, src, dst, IPPROTO_TCP, ttl, len);
	return xmit(&res, h, hl + len);
}

int ip_output_tso(const uint8_t *src, const uint8_t *dst, const void *seg, size_t len, int ttl,
		  unsigned int mss)
{
	bool v4 = ip_is_v4mapped(dst);
	struct route_res res;
	unsigned int mtu;
	size_t doff;
	int r;

	if (len < 20 || len + (v4 ? 20 : 0) > 65535)
		return len < 20 ? -EINVAL : -EMSGSIZE;
	doff = (size_t)(((const uint8_t *)seg)[12] >> 4) * 4;
	r = ip_route(dst, &res);
	if (r < 0)
		return r;
	mtu = res.type == RTN_LOCAL ? 65536 : pmtu_of(dst, res.ifp->mtu);
	if (res.type != RTN_UNICAST || !mss || doff < 20 || len - doff <= mss)
		return ip_output(src, dst, IPPROTO_TCP, seg, len, ttl);
	return tcp_big_out(&res, src, dst, seg, len, ttl, mtu, mss);
}
