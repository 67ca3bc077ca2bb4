/* IPv6 neighbour discovery (RFC 4861), the part a host on one link needs:
 * neighbour solicitations for our addresses are answered (duplicate
 * address probes too, to all nodes), solicitations and advertisements
 * teach the neighbour cache, and we solicit to resolve. Router and
 * redirect messages are ignored: the addresses and routes come from the
 * recorded configuration. */
#define _GNU_SOURCE
#include "net/link.h"
#include "net/ip.h"

#include <errno.h>
#include <string.h>
#include <netinet/in.h>

#define ND_NS 135
#define ND_NA 136
#define OPT_SLLA 1
#define OPT_TLLA 2
#define NA_SOLICITED 0x40
#define NA_OVERRIDE 0x20

static bool own_v6(const struct net_if *ifp, const uint8_t *a6)
{
	struct net_addr *a;

	list_for_each_entry(a, route_addrs(), node)
		if (a->family == AF_INET6 && a->ifindex == ifp->index && !memcmp(a->addr, a6, 16))
			return true;
	return false;
}

/* Send an ND message (msg, with its checksum still zero) from src to dst
 * with hop limit 255 (section 7.1: receivers check it). */
static void nd_send(struct net_if *ifp, const uint8_t *src, const uint8_t *dst,
		    const uint8_t *mac, uint8_t *msg, size_t len)
{
	uint8_t buf[LINK_HEADROOM + 40 + 32], *p = buf + LINK_HEADROOM;
	uint16_t c;

	if (len > 32)
		return;
	c = ip_csum_fold(ip_csum_add(ip_pseudo(src, dst, IPPROTO_ICMPV6, len), msg, len));
	msg[2] = (uint8_t)(c >> 8);
	msg[3] = (uint8_t)c;
	memset(p, 0, 40);
	p[0] = 0x60;
	p[4] = 0;
	p[5] = (uint8_t)len;
	p[6] = IPPROTO_ICMPV6;
	p[7] = 255;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
	memcpy(p + 40, msg, len);
	if (mac)
		eth_xmit(ifp, mac, ETHTYPE_IPV6, p, 40 + len);
	else
		eth_output_ip(ifp, dst, false, p, 40 + len);
}

void ndp_solicit(struct net_if *ifp, const uint8_t *target, const uint8_t *mac)
{
	uint8_t msg[32] = { ND_NS }, src[16], dst[16];

	if (route_pick_src(ifp, target, src) < 0)
		return;
	memcpy(msg + 8, target, 16);
	msg[24] = OPT_SLLA;
	msg[25] = 1;
	memcpy(msg + 26, ifp->hwaddr, 6);
	if (mac) {
		memcpy(dst, target, 16);
	} else {
		/* The solicited-node group: ff02::1:ff and the low 24 bits. */
		static const uint8_t sn[13] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };

		memcpy(dst, sn, 13);
		memcpy(dst + 13, target + 13, 3);
	}
	nd_send(ifp, src, dst, mac, msg, 32);
}

/* The link-layer address option of a type in the options. */
static const uint8_t *find_lla(const uint8_t *opt, size_t len, int type)
{
	while (len >= 2) {
		size_t ol = (size_t)opt[1] * 8;

		/* Section 4.6: a zero length is invalid (and would loop). */
		if (ol == 0 || ol > len)
			return NULL;
		if (opt[0] == type && ol >= 8)
			return opt + 2;
		opt += ol;
		len -= ol;
	}
	return NULL;
}

static void na_reply(struct net_if *ifp, const uint8_t *target, const uint8_t *to, bool dad)
{
	uint8_t msg[32] = { ND_NA }, dst[16];
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };

	msg[4] = NA_OVERRIDE | (dad ? 0 : NA_SOLICITED);
	memcpy(msg + 8, target, 16);
	msg[24] = OPT_TLLA;
	msg[25] = 1;
	memcpy(msg + 26, ifp->hwaddr, 6);
	memcpy(dst, dad ? all_nodes : to, 16);
	nd_send(ifp, target, dst, NULL, msg, 32);
}

void ndp_input(struct net_if *ifp, const uint8_t *src, const uint8_t *dst, int hoplimit,
	       const uint8_t *msg, size_t len)
{
	static const uint8_t any[16];
	const uint8_t *lla;
	bool dad = !memcmp(src, any, 16);

	/* Section 7.1.1/7.1.2: hop limit 255 (not forwarded), code 0, a
	 * valid checksum, a unicast target. */
	if (hoplimit != 255 || len < 24 || msg[1] != 0 || msg[8] == 0xff)
		return;
	if (ip_csum_fold(ip_csum_add(ip_pseudo(src, dst, IPPROTO_ICMPV6, len), msg, len)))
		return;
	if (msg[0] == ND_NS) {
		lla = find_lla(msg + 24, len - 24, OPT_SLLA);
		/* A probe from :: goes to a solicited-node group, no SLLA. */
		if (dad && (dst[0] != 0xff || lla))
			return;
		if (!own_v6(ifp, msg + 8))
			return;
		if (lla && !dad)
			neigh_update(ifp, src, lla, false, true, true);
		na_reply(ifp, msg + 8, src, dad);
	} else if (msg[0] == ND_NA) {
		/* Solicited advertisements are not sent to groups. */
		if ((msg[4] & NA_SOLICITED) && dst[0] == 0xff)
			return;
		lla = find_lla(msg + 24, len - 24, OPT_TLLA);
		if (lla)
			neigh_update(ifp, msg + 8, lla, msg[4] & NA_SOLICITED, msg[4] & NA_OVERRIDE,
				     false);
	}
}
