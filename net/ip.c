/* IPv4 (RFC 791) and IPv6 (RFC 8200) over the loopback link: the sender
 * builds a real header (IPv4 with its checksum and TTL), lo hands the
 * packet to the receive path, which checks version, lengths and checksum
 * before giving the payload to its transport. Only local destinations
 * route (lo is the only link): others are ENETUNREACH. */
#define _GNU_SOURCE
#include "net/ip.h"
#include "net/route.h"

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

bool ip_is_broadcast(const uint8_t *a)
{
	struct net_route *v;
	bool r = false;
	int n;

	/* 255.255.255.255 is not among them: it needs a route to a
	 * broadcast-capable link, which lo is not. */
	if (!ip_is_v4mapped(a))
		return false;
	n = route_collect(&v);
	for (int i = 0; i < n; i++)
		if (v[i].family == AF_INET && v[i].type == RTN_BROADCAST && !memcmp(v[i].dst, a + 12, 4))
			r = true;
	if (n > 0)
		free(v);
	return r;
}

int ip_route_src(const uint8_t *dst, uint8_t *src)
{
	uint8_t lo4[4] = { 127, 0, 0, 1 };

	if (!ip_is_local(dst) && !(ip_is_broadcast(dst) && lo_up()))
		return -ENETUNREACH;
	/* The local routes' preferred source: the address itself, or
	 * 127.0.0.1 for the rest of 127/8 and broadcasts. */
	if (ip_is_v4mapped(dst) && (dst[12] == 127 || ip_is_broadcast(dst))) {
		ip_map4(src, lo4);
		return 0;
	}
	memcpy(src, dst, 16);
	return 0;
}

uint32_t ip_csum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t s = sum;

	for (; len >= 2; p += 2, len -= 2)
		s += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		s += (uint32_t)p[0] << 8;
	while (s >> 32)
		s = (s & 0xffffffff) + (s >> 32);
	return (uint32_t)s;
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

/* ---- receive ---- */

static int ip4_input(const uint8_t *p, size_t len)
{
	uint8_t src[16], dst[16];
	size_t ihl, tot;

	if (len < 20 || (p[0] >> 4) != 4)
		return -EINVAL;
	ihl = (size_t)(p[0] & 0xf) * 4;
	tot = (size_t)(p[2] << 8 | p[3]);
	if (ihl < 20 || tot < ihl || tot > len || ip_csum_fold(ip_csum_add(0, p, ihl)))
		return -EINVAL;
	/* Fragments never arise on lo (MTU 65536 holds any datagram). */
	if ((p[6] & 0x3f) || p[7])
		return -EINVAL;
	ip_map4(src, p + 12);
	ip_map4(dst, p + 16);
	if (p[9] == IPPROTO_UDP)
		return udp_input(src, dst, p + ihl, tot - ihl);
	if (p[9] == IPPROTO_ICMP)
		return icmp_input(src, dst, p + ihl, tot - ihl);
	return -EPROTONOSUPPORT;
}

static int ip6_input(const uint8_t *p, size_t len)
{
	size_t plen;

	if (len < 40 || (p[0] >> 4) != 6)
		return -EINVAL;
	plen = (size_t)(p[4] << 8 | p[5]);
	if (plen > len - 40)
		return -EINVAL;
	if (p[6] == IPPROTO_UDP)
		return udp_input(p + 8, p + 24, p + 40, plen);
	if (p[6] == IPPROTO_ICMPV6)
		return icmp_input(p + 8, p + 24, p + 40, plen);
	return -EPROTONOSUPPORT;
}

/* The loopback link: what it transmits it receives. */
static int loopback_xmit(struct pkt *pk)
{
	return pk->family == AF_INET ? ip4_input(pk->data, pk->len) : ip6_input(pk->data, pk->len);
}

int ip_output(const uint8_t *src, const uint8_t *dst, int proto, const void *payload,
	      size_t len, int ttl)
{
	static uint16_t ident;
	struct pkt pk;
	size_t hl = ip_is_v4mapped(dst) ? 20 : 40;
	uint8_t *h;
	int r;

	if (len + (hl == 20 ? 20 : 0) > 65535)
		return -EMSGSIZE;
	pk.data = malloc(hl + len);
	if (!pk.data)
		return -ENOMEM;
	h = pk.data;
	memset(h, 0, hl);
	if (hl == 20) {
		uint16_t c;
		size_t tot = 20 + len;

		pk.family = AF_INET;
		h[0] = 0x45;
		h[2] = (uint8_t)(tot >> 8);
		h[3] = (uint8_t)tot;
		ident++;
		h[4] = (uint8_t)(ident >> 8);
		h[5] = (uint8_t)ident;
		h[6] = 0x40; /* DF */
		h[8] = (uint8_t)ttl;
		h[9] = (uint8_t)proto;
		memcpy(h + 12, src + 12, 4);
		memcpy(h + 16, dst + 12, 4);
		c = ip_csum_fold(ip_csum_add(0, h, 20));
		h[10] = (uint8_t)(c >> 8);
		h[11] = (uint8_t)c;
	} else {
		pk.family = AF_INET6;
		h[0] = 0x60;
		h[4] = (uint8_t)(len >> 8);
		h[5] = (uint8_t)len;
		h[6] = (uint8_t)proto;
		h[7] = (uint8_t)ttl;
		memcpy(h + 8, src, 16);
		memcpy(h + 24, dst, 16);
	}
	memcpy(h + hl, payload, len);
	pk.len = hl + len;
	r = loopback_xmit(&pk);
	free(pk.data);
	return r;
}
