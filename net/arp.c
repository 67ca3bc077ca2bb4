/* The neighbour cache (IPv4 and IPv6 alike, as Linux's neighbour.c) and
 * ARP (RFC 826). An entry is INCOMPLETE while we ask (packets wait, the
 * question is repeated each second, three times), REACHABLE for 30 s after
 * a confirmation, then STALE: still used; the next use starts a DELAY of
 * 5 s, then unicast probes, and an entry whose probes go unanswered is
 * forgotten (RFC 4861 section 7.3's states). Entries idle for a minute go
 * when the table is full. */
#define _GNU_SOURCE
#include "net/link.h"
#include "net/ip.h"
#include "sentry/task.h"
#include "sentry/time.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define NEIGH_MAX 512
#define NEIGH_QUEUE_MAX 16          /* packets waiting per neighbour */
#define NEIGH_PROBES 3
#define NEIGH_RETRANS_NS (1000ULL * 1000000ULL)
#define NEIGH_REACHABLE_NS (30ULL * NSEC_PER_SEC)
#define NEIGH_IDLE_NS (60ULL * NSEC_PER_SEC)
#define NEIGH_DELAY_NS (5ULL * NSEC_PER_SEC)      /* delay_first_probe_time */

enum neigh_state { N_INCOMPLETE, N_REACHABLE, N_STALE, N_DELAY, N_PROBE };

struct neigh_pkt {
	struct list_head node;
	uint16_t type;
	size_t len;
	uint8_t buf[];              /* LINK_HEADROOM, then the packet */
};

/* Owned by the neighbours list; its timer runs only while asking. */
struct neigh {
	struct list_head node;
	int ifindex;
	uint8_t ip[16];
	uint8_t mac[ETH_ALEN_];
	enum neigh_state state;
	uint64_t confirmed, used;
	int probes;
	struct list_head queue;
	int nqueued;
	struct ktimer timer;
};

static struct list_head neighbours = LIST_HEAD_INIT(neighbours);
static int nneigh;

static void solicit(struct net_if *ifp, struct neigh *n, bool unicast)
{
	const uint8_t *mac = unicast ? n->mac : NULL;

	if (ip_is_v4mapped(n->ip))
		arp_solicit(ifp, n->ip, mac);
	else
		ndp_solicit(ifp, n->ip, mac);
}

static void drop_queue(struct neigh *n)
{
	struct neigh_pkt *p, *pn;

	list_for_each_entry_safe(p, pn, &n->queue, node) {
		list_del(&p->node);
		free(p);
	}
	n->nqueued = 0;
}

static void neigh_free(struct neigh *n)
{
	ktimer_cancel(&n->timer);
	drop_queue(n);
	list_del(&n->node);
	nneigh--;
	free(n);
}

static void neigh_timer(struct ktimer *k)
{
	struct neigh *n = container_of(k, struct neigh, timer);
	struct net_if *ifp = route_if_by_index(n->ifindex);

	if (ifp && n->state == N_DELAY) {
		/* No confirmation came meanwhile: ask the neighbour itself. */
		n->state = N_PROBE;
		n->probes = 1;
		solicit(ifp, n, true);
		ktimer_arm(k, time_host_mono() + NEIGH_RETRANS_NS);
		return;
	}
	if (!ifp || n->probes >= NEIGH_PROBES) {
		/* No answer: the waiting packets are lost (Linux reports host
		 * unreachable to their senders; ours just drop). */
		neigh_free(n);
		return;
	}
	n->probes++;
	solicit(ifp, n, n->state == N_PROBE);
	ktimer_arm(k, time_host_mono() + NEIGH_RETRANS_NS);
}

static struct neigh *neigh_find(int ifindex, const uint8_t *ip)
{
	struct neigh *n;

	list_for_each_entry(n, &neighbours, node)
		if (n->ifindex == ifindex && !memcmp(n->ip, ip, 16))
			return n;
	return NULL;
}

/* Make room: entries idle for a while, then the oldest not being asked. */
static void neigh_gc(uint64_t now)
{
	struct neigh *n, *nn;

	list_for_each_entry_safe(n, nn, &neighbours, node)
		if (n->state != N_INCOMPLETE && now - n->used > NEIGH_IDLE_NS)
			neigh_free(n);
	if (nneigh < NEIGH_MAX)
		return;
	list_for_each_entry_safe(n, nn, &neighbours, node) {
		if (nneigh < NEIGH_MAX)
			break;
		neigh_free(n);
	}
}

static struct neigh *neigh_new(int ifindex, const uint8_t *ip, uint64_t now)
{
	struct neigh *n;

	if (nneigh >= NEIGH_MAX)
		neigh_gc(now);
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->ifindex = ifindex;
	memcpy(n->ip, ip, 16);
	n->state = N_INCOMPLETE;
	n->used = now;
	list_init(&n->queue);
	ktimer_init(&n->timer, neigh_timer);
	list_add_tail(&n->node, &neighbours);
	nneigh++;
	return n;
}

static void flush_queue(struct net_if *ifp, struct neigh *n)
{
	struct neigh_pkt *p, *pn;

	list_for_each_entry_safe(p, pn, &n->queue, node) {
		list_del(&p->node);
		eth_xmit(ifp, n->mac, p->type, p->buf + LINK_HEADROOM, p->len);
		free(p);
	}
	n->nqueued = 0;
}

int neigh_resolved(struct net_if *ifp, const uint8_t *ip, uint8_t *mac)
{
	uint64_t now = time_host_mono();
	struct neigh *n = neigh_find(ifp->index, ip);

	if (!n || n->state == N_INCOMPLETE)
		return -EAGAIN;
	n->used = now;
	if (n->state == N_REACHABLE && now - n->confirmed > NEIGH_REACHABLE_NS)
		n->state = N_STALE;
	if (n->state == N_STALE) {
		/* Still believed; checked if nothing confirms it soon. */
		n->state = N_DELAY;
		ktimer_arm(&n->timer, now + NEIGH_DELAY_NS);
	}
	memcpy(mac, n->mac, ETH_ALEN_);
	return 0;
}

int neigh_output(struct net_if *ifp, const uint8_t *ip, uint16_t type, uint8_t *pkt, size_t len)
{
	uint64_t now = time_host_mono();
	struct neigh *n;
	struct neigh_pkt *p;
	uint8_t mac[ETH_ALEN_];

	if (neigh_resolved(ifp, ip, mac) == 0)
		return eth_xmit(ifp, mac, type, pkt, len);
	n = neigh_find(ifp->index, ip);
	if (!n) {
		n = neigh_new(ifp->index, ip, now);
		if (!n)
			return -ENOBUFS;
		n->probes = 1;
		solicit(ifp, n, false);
		ktimer_arm(&n->timer, now + NEIGH_RETRANS_NS);
	}
	/* Wait for the answer; the oldest waiting packet makes room. */
	if (n->nqueued >= NEIGH_QUEUE_MAX) {
		p = list_first_entry(&n->queue, struct neigh_pkt, node);
		list_del(&p->node);
		free(p);
		n->nqueued--;
	}
	p = malloc(sizeof(*p) + LINK_HEADROOM + len);
	if (!p)
		return -ENOBUFS;
	p->type = type;
	p->len = len;
	memcpy(p->buf + LINK_HEADROOM, pkt, len);
	list_add_tail(&p->node, &n->queue);
	n->nqueued++;
	return 0;
}

void neigh_update(struct net_if *ifp, const uint8_t *ip, const uint8_t *mac, bool confirmed,
		  bool override, bool create)
{
	uint64_t now = time_host_mono();
	struct neigh *n = neigh_find(ifp->index, ip);
	bool changed;

	/* Group and zero addresses are never neighbours. */
	if ((mac[0] & 1) || !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return;
	if (!n) {
		if (!create)
			return;
		n = neigh_new(ifp->index, ip, now);
		if (!n)
			return;
		memcpy(n->mac, mac, ETH_ALEN_);
		n->state = confirmed ? N_REACHABLE : N_STALE;
		n->confirmed = now;
		return;
	}
	changed = memcmp(n->mac, mac, ETH_ALEN_) != 0;
	if (n->state == N_INCOMPLETE) {
		memcpy(n->mac, mac, ETH_ALEN_);
		n->state = confirmed ? N_REACHABLE : N_STALE;
		n->confirmed = now;
		ktimer_cancel(&n->timer);
		flush_queue(ifp, n);
		return;
	}
	if (changed && !override)
		return;
	memcpy(n->mac, mac, ETH_ALEN_);
	if (confirmed) {
		n->state = N_REACHABLE;
		n->confirmed = now;
		n->probes = 0;
		ktimer_cancel(&n->timer);
	} else if (changed) {
		n->state = N_STALE;
	}
}

void neigh_flush(struct net_if *ifp)
{
	struct neigh *n, *nn;

	list_for_each_entry_safe(n, nn, &neighbours, node)
		if (n->ifindex == ifp->index)
			neigh_free(n);
}

/* ---- ARP ---- */

#define ARPOP_REQ 1
#define ARPOP_REP 2

static bool own_v4(struct net_if *ifp, const uint8_t *a4)
{
	struct net_addr *a;

	list_for_each_entry(a, route_addrs(), node)
		if (a->family == AF_INET && a->ifindex == ifp->index && !memcmp(a->addr, a4, 4))
			return true;
	return false;
}

static void arp_send(struct net_if *ifp, int op, const uint8_t *sip, const uint8_t *tmac,
		     const uint8_t *tip, const uint8_t *dmac)
{
	uint8_t buf[LINK_HEADROOM + 28], *p = buf + LINK_HEADROOM;

	p[0] = 0, p[1] = 1;                 /* Ethernet */
	p[2] = 0x08, p[3] = 0x00;           /* IPv4 */
	p[4] = 6, p[5] = 4;
	p[6] = 0, p[7] = (uint8_t)op;
	memcpy(p + 8, ifp->hwaddr, 6);
	memcpy(p + 14, sip, 4);
	memcpy(p + 18, tmac, 6);
	memcpy(p + 24, tip, 4);
	eth_xmit(ifp, dmac, ETHTYPE_ARP, p, 28);
}

void arp_solicit(struct net_if *ifp, const uint8_t *ip, const uint8_t *mac)
{
	static const uint8_t zero[6], bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t src[16];

	/* The sender address: ours on the link that holds the target. */
	if (route_pick_src(ifp, ip, src) < 0)
		return;
	arp_send(ifp, ARPOP_REQ, src + 12, zero, ip + 12, mac ? mac : bcast);
}

void arp_input(struct net_if *ifp, const uint8_t *p, size_t len)
{
	uint8_t sip[16], smac[6];
	int op;
	bool for_us;

	if (len < 28 || p[0] != 0 || p[1] != 1 || p[2] != 0x08 || p[3] != 0x00 || p[4] != 6 ||
	    p[5] != 4)
		return;
	op = p[6] << 8 | p[7];
	if (op != ARPOP_REQ && op != ARPOP_REP)
		return;
	memcpy(smac, p + 8, 6);
	ip_map4(sip, p + 14);
	for_us = own_v4(ifp, p + 24);
	/* RFC 826's merge: an entry we have is updated; one is made when
	 * the packet is for us. A sender of 0.0.0.0 (a duplicate address
	 * probe, RFC 5227) teaches nothing. */
	if (p[14] | p[15] | p[16] | p[17])
		neigh_update(ifp, sip, smac, op == ARPOP_REP && for_us, true, for_us);
	if (op == ARPOP_REQ && for_us)
		arp_send(ifp, ARPOP_REP, p + 24, smac, p + 14, smac);
}
