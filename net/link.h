/* The link layer under net/ip.c: Ethernet framing (net/eth.c), the
 * neighbour cache with ARP (net/arp.c) and IPv6 neighbour discovery
 * (net/ndp.c), and the packet endpoint that carries frames to the host
 * interface (net/packet.c). Everything here runs under the BKL. */
#ifndef NET_LINK_H
#define NET_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/route.h"

#define ETH_HDR_LEN 14
#define ETH_ALEN_ 6
/* Room ip_output leaves in front of an IP packet for the link header. */
#define LINK_HEADROOM 16

#define ETHTYPE_IP 0x0800
#define ETHTYPE_ARP 0x0806
#define ETHTYPE_IPV6 0x86dd

/* ---- net/eth.c ---- */
/* One received frame of ifp (ARPHRD_ETHER): to ARP or the IP receive path. */
void eth_input(struct net_if *ifp, const uint8_t *frame, size_t len);
/* Frame pkt (with ETH_HDR_LEN writable bytes before it) to dmac and send. */
int eth_xmit(struct net_if *ifp, const uint8_t *dmac, uint16_t type, uint8_t *pkt, size_t len);
/* A large TCP segment's frame for the link to cut (ops->xmit_gso). */
int eth_xmit_gso(struct net_if *ifp, const uint8_t *dmac, uint16_t type, uint8_t *pkt,
		 size_t len, const struct link_gso *gso);
/* An IP packet (same headroom) to its next hop on ifp: broadcast and
 * multicast map to their group addresses, unicast goes through the
 * neighbour cache. */
int eth_output_ip(struct net_if *ifp, const uint8_t *nexthop, bool bcast, uint8_t *pkt,
		  size_t len);

/* ---- net/arp.c: neighbours ---- */
/* Send pkt to the neighbour ip on ifp, resolving it first if need be (the
 * packet waits, a few per neighbour, while ARP or NDP asks). */
int neigh_output(struct net_if *ifp, const uint8_t *ip, uint16_t type, uint8_t *pkt, size_t len);
/* The MAC of a neighbour that may be sent to now (as neigh_output would
 * send: a stale entry starts its delay); -EAGAIN when it must be asked. */
int neigh_resolved(struct net_if *ifp, const uint8_t *ip, uint8_t *mac);
/* What a neighbour said about itself: confirmed (a reply to our
 * question) makes the entry reachable; otherwise it is learnt stale, and
 * only overrides an existing mapping when override is set. Creates the
 * entry only when create is set. */
void neigh_update(struct net_if *ifp, const uint8_t *ip, const uint8_t *mac, bool confirmed,
		  bool override, bool create);
/* Forget every neighbour of ifp (the link went down). */
void neigh_flush(struct net_if *ifp);
void arp_input(struct net_if *ifp, const uint8_t *p, size_t len);
/* Ask who has ip (v4-mapped): broadcast, or unicast to mac when set. */
void arp_solicit(struct net_if *ifp, const uint8_t *ip, const uint8_t *mac);

/* ---- net/ndp.c ---- */
/* An ICMPv6 neighbour discovery message (types 133-137) received on ifp. */
void ndp_input(struct net_if *ifp, const uint8_t *src, const uint8_t *dst, int hoplimit,
	       const uint8_t *msg, size_t len);
/* A neighbour solicitation for target: to its solicited-node group, or
 * unicast to mac when set. */
void ndp_solicit(struct net_if *ifp, const uint8_t *target, const uint8_t *mac);

/* ---- net/ip.c ---- */
/* A received IP packet (family by the EtherType) from ifp. */
void ip_input(struct net_if *ifp, int family, const uint8_t *p, size_t len);

/* ---- net/packet.c ---- */
/* Install a link that carries frames over a host AF_PACKET socket fd
 * bound to it (net/packet.c owns fd from here) with the interface *tmpl
 * describes; starts its receive thread. */
int packet_link_add(const struct net_if *tmpl, int fd, bool vnet_hdr, struct net_if **out);

#endif
