/* Ethernet II framing (IEEE 802.3 with EtherType, RFC 894 for IPv4, RFC
 * 2464 for IPv6): the receive side filters by destination and hands ARP
 * and IP to their modules; the send side maps broadcast and multicast
 * destinations to group MACs and unicast through the neighbour cache. */
#define _GNU_SOURCE
#include "net/link.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

static const uint8_t bcast_mac[ETH_ALEN_] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

void eth_input(struct net_if *ifp, const uint8_t *frame, size_t len)
{
	uint16_t type;

	if (len < ETH_HDR_LEN || !(ifp->flags & IFF_UP))
		return;
	/* Ours, broadcast or a group (multicast bit); other hosts' frames
	 * a promiscuous packet socket may show are not. */
	if (memcmp(frame, ifp->hwaddr, ETH_ALEN_) && !(frame[0] & 1))
		return;
	/* A frame claiming to come from us is a loop or a spoof. */
	if (!memcmp(frame + 6, ifp->hwaddr, ETH_ALEN_))
		return;
	type = (uint16_t)(frame[12] << 8 | frame[13]);
	frame += ETH_HDR_LEN;
	len -= ETH_HDR_LEN;
	switch (type) {
	case ETHTYPE_ARP:
		arp_input(ifp, frame, len);
		break;
	case ETHTYPE_IP:
		ip_input(ifp, AF_INET, frame, len);
		break;
	case ETHTYPE_IPV6:
		ip_input(ifp, AF_INET6, frame, len);
		break;
	default:
		break;
	}
}

int eth_xmit(struct net_if *ifp, const uint8_t *dmac, uint16_t type, uint8_t *pkt, size_t len)
{
	uint8_t *h = pkt - ETH_HDR_LEN;

	if (!(ifp->flags & IFF_UP))
		return -ENETDOWN;
	if (!ifp->ops || !ifp->ops->xmit)
		return -ENODEV;
	memcpy(h, dmac, ETH_ALEN_);
	memcpy(h + 6, ifp->hwaddr, ETH_ALEN_);
	h[12] = (uint8_t)(type >> 8);
	h[13] = (uint8_t)type;
	return ifp->ops->xmit(ifp, h, len + ETH_HDR_LEN);
}

int eth_xmit_gso(struct net_if *ifp, const uint8_t *dmac, uint16_t type, uint8_t *pkt,
		 size_t len, const struct link_gso *gso)
{
	uint8_t *h = pkt - ETH_HDR_LEN;

	if (!(ifp->flags & IFF_UP))
		return -ENETDOWN;
	if (!ifp->ops || !ifp->ops->xmit_gso)
		return -EOPNOTSUPP;
	memcpy(h, dmac, ETH_ALEN_);
	memcpy(h + 6, ifp->hwaddr, ETH_ALEN_);
	h[12] = (uint8_t)(type >> 8);
	h[13] = (uint8_t)type;
	return ifp->ops->xmit_gso(ifp, h, len + ETH_HDR_LEN, gso);
}

int eth_output_ip(struct net_if *ifp, const uint8_t *nexthop, bool bcast, uint8_t *pkt,
		  size_t len)
{
	bool v4 = (pkt[0] >> 4) == 4;
	uint16_t type = v4 ? ETHTYPE_IP : ETHTYPE_IPV6;
	uint8_t mac[ETH_ALEN_];

	if (bcast)
		return eth_xmit(ifp, bcast_mac, type, pkt, len);
	if (v4 && nexthop[12] >= 224 && nexthop[12] <= 239) {
		/* RFC 1112 section 6.4: 01:00:5e and the low 23 bits. */
		mac[0] = 0x01, mac[1] = 0x00, mac[2] = 0x5e;
		mac[3] = nexthop[13] & 0x7f, mac[4] = nexthop[14], mac[5] = nexthop[15];
		return eth_xmit(ifp, mac, type, pkt, len);
	}
	if (!v4 && nexthop[0] == 0xff) {
		/* RFC 2464 section 7: 33:33 and the low 32 bits. */
		mac[0] = mac[1] = 0x33;
		memcpy(mac + 2, nexthop + 12, 4);
		return eth_xmit(ifp, mac, type, pkt, len);
	}
	return neigh_output(ifp, nexthop, type, pkt, len);
}
