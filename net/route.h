/* The network namespace's interfaces, addresses and routes: what netlink
 * route reports and changes, what the SIOCGIF* ioctls read and what
 * ip_output routes by. One namespace: the loopback interface `lo` and the
 * links --network=sandbox installs (net/packet.c). */
#ifndef NET_ROUTE_H
#define NET_ROUTE_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>

#include "sentry/list.h"

struct net_if;
/* A TCP segment larger than the MTU for the link to cut (GSO, as a
 * virtio_net_hdr says it): the transport checksum holds the pseudo-header
 * sum, to be finished from csum_start (frame offsets). */
struct link_gso {
	bool v6;
	uint16_t size;              /* payload bytes per segment (the MSS) */
	uint16_t hdr_len;           /* link, IP and TCP headers */
	uint16_t csum_start, csum_offset;
};
/* A link endpoint's transmit side: one whole frame (an Ethernet frame for
 * ARPHRD_ETHER). Called with the BKL held; must not block. xmit_gso, when
 * the link has it, takes a frame of one large TCP segment. */
struct link_ops {
	int (*xmit)(struct net_if *ifp, const void *frame, size_t len);
	int (*xmit_gso)(struct net_if *ifp, const void *frame, size_t len,
			const struct link_gso *gso);
	/* The interface went down: forget what the link learnt. */
	void (*down)(struct net_if *ifp);
};

/* An interface. The table owns it; lo has no ops (delivery is direct). */
struct net_if {
	int index;
	char name[IFNAMSIZ];
	unsigned int flags;         /* IFF_*, with IFF_LOWER_UP while up */
	unsigned int mtu;
	unsigned short type;        /* ARPHRD_* */
	unsigned int txqlen;
	uint8_t hwaddr[6];          /* ARPHRD_ETHER: the MAC */
	const struct link_ops *ops; /* NULL for loopback */
	void *priv;                 /* the link's own state */
};

/* An address on an interface (ip-address(8)). */
struct net_addr {
	struct list_head node;
	int family;                 /* AF_INET or AF_INET6 */
	int ifindex;
	uint8_t addr[16];           /* IFA_LOCAL (IFA_ADDRESS for IPv6) */
	uint8_t peer[16];           /* IFA_ADDRESS for IPv4 */
	uint8_t brd[4];             /* IFA_BROADCAST, IPv4 */
	bool has_brd;
	int prefixlen, scope;
	unsigned int flags;         /* IFA_F_* */
	char label[IFNAMSIZ];
	bool noprefix;              /* no prefix route (IFA_F_NOPREFIXROUTE, ::1) */
};

/* A route (ip-route(8)); routes of the kernel protocol derived from
 * addresses are made while dumping, these are the ones `ip route add`
 * made. */
struct net_route {
	struct list_head node;
	int family;
	uint8_t dst[16], gw[16], prefsrc[16];
	int dst_len;
	bool has_gw, has_prefsrc;
	int table, type, protocol, scope;
	int ifindex;
	uint32_t priority;
};

#define ROUTE_MAX_IFS 16

/* The interfaces (index order): lo and those route_if_add installed. */
int route_nifs(void);
struct net_if *route_if_at(int i);
struct net_if *route_if_by_index(int index);
struct net_if *route_if_by_name(const char *name);
/* Up or down (IFF_UP); dropping the link removes its routes. */
int route_if_set_flags(struct net_if *ifp, unsigned int flags);

/* Install an interface (a copy of *tmpl, its index unused so far): -EEXIST,
 * -ENOSPC, or 0 with *out the table's entry. */
int route_if_add(const struct net_if *tmpl, struct net_if **out);

struct list_head *route_addrs(void);
/* Add an address (the fields of a), -EEXIST if it is there. */
int route_addr_add(const struct net_addr *a);
int route_addr_del(int family, int ifindex, const uint8_t *addr, int prefixlen);

/* The routes to report: the stored ones and those each address implies,
 * in one array the caller frees. */
int route_collect(struct net_route **out);
/* nlflags: NLM_F_CREATE, NLM_F_REPLACE (of the same table, destination
 * and metric). */
int route_add(const struct net_route *r, int nlflags);
int route_del(const struct net_route *r);

/* The routing decision for one destination (v4-mapped or IPv6). */
struct route_res {
	struct net_if *ifp;         /* lo for local destinations */
	int type;                   /* RTN_LOCAL, RTN_UNICAST or RTN_BROADCAST */
	uint8_t nexthop[16];        /* the gateway, or dst itself when on-link */
	uint8_t src[16];            /* the preferred source address */
};
/* Local addresses, then the longest matching prefix of the main table
 * (connected prefixes of up links and the stored routes, the lower metric
 * on a tie). -ENETUNREACH when nothing matches. */
int route_lookup(const uint8_t *dst, struct route_res *res);
/* The preferred source on ifp for dst: 0 or -EADDRNOTAVAIL. */
int route_pick_src(const struct net_if *ifp, const uint8_t *dst, uint8_t *src);

struct task;
/* The interface ioctls (netdevice(7)) any socket answers: SIOCGIFCONF,
 * SIOCGIF{FLAGS,INDEX,NAME,MTU,TXQLEN,HWADDR} and SIOCSIFFLAGS; with inet
 * (an AF_INET socket, devinet_ioctl) also SIOCGIF{ADDR,NETMASK,BRDADDR,
 * DSTADDR}; -ENOTTY for others. */
long route_ioctl(struct task *t, unsigned int cmd, uint64_t arg, bool inet);

/* The address length of a family, 0 if unknown. */
int route_alen(int family);

#endif
