/* The network namespace's interface table: `lo`, the links --network=
 * sandbox installs, their addresses and the routes made by hand. Routes of the kernel protocol are derived from the
 * addresses of up interfaces when asked for, as Linux's fib_add_ifaddr and
 * addrconf make them (the local table's local and broadcast routes). */
#define _GNU_SOURCE
#include "net/route.h"
#include "sentry/task.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_arp.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <sys/ioctl.h>

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif
/* The flags dev_change_flags lets a user change. */
#define IF_USER_FLAGS (IFF_UP | IFF_DEBUG | IFF_NOTRAILERS | IFF_NOARP | IFF_DYNAMIC | \
		       IFF_MULTICAST | IFF_PORTSEL | IFF_AUTOMEDIA | IFF_PROMISC | IFF_ALLMULTI)

static struct net_if lo_if = {
	.index = 1, .name = "lo", .flags = IFF_LOOPBACK, .mtu = 65536,
	.type = ARPHRD_LOOPBACK, .txqlen = 1000,
};
/* Entries live as long as the sandbox (links are installed at boot). */
static struct net_if *ifs[ROUTE_MAX_IFS] = { &lo_if };
static int nifs = 1;
static struct list_head addrs = LIST_HEAD_INIT(addrs);
static struct list_head routes = LIST_HEAD_INIT(routes);
static bool inited;

static bool ip_is_v4mapped_r(const uint8_t *a)
{
	static const uint8_t pfx[12] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(a, pfx, 12);
}

static void ip4_map_r(uint8_t *out, const uint8_t *v4)
{
	memset(out, 0, 10);
	out[10] = out[11] = 0xff;
	memcpy(out + 12, v4, 4);
}

int route_alen(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

/* What Linux adds when loopback comes up: 127.0.0.1/8 and ::1/128. */
static void loopback_addrs(struct net_if *ifp)
{
	struct net_addr a = { .family = AF_INET, .ifindex = ifp->index, .prefixlen = 8,
			      .scope = RT_SCOPE_HOST, .flags = IFA_F_PERMANENT };
	struct net_addr b = { .family = AF_INET6, .ifindex = ifp->index, .prefixlen = 128,
			      .scope = RT_SCOPE_HOST, .flags = IFA_F_PERMANENT };
	uint32_t lo = htonl(INADDR_LOOPBACK);

	memcpy(a.addr, &lo, 4);
	memcpy(a.peer, &lo, 4);
	strcpy(a.label, ifp->name);
	b.addr[15] = 1;
	b.noprefix = true;
	route_addr_add(&a);
	route_addr_add(&b);
}

/* The sandbox starts with lo up, as runsc sets it up. */
static void route_init(void)
{
	if (inited)
		return;
	inited = true;
	route_if_set_flags(&lo_if, IFF_UP);
}

int route_nifs(void)
{
	route_init();
	return nifs;
}

int route_if_add(const struct net_if *tmpl, struct net_if **out)
{
	struct net_if *n;
	int i;

	route_init();
	if (tmpl->index <= 0 || route_if_by_index(tmpl->index) || route_if_by_name(tmpl->name))
		return -EEXIST;
	if (nifs == ROUTE_MAX_IFS)
		return -ENOSPC;
	n = malloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	*n = *tmpl;
	/* Kept in index order, as dumps list them. */
	for (i = nifs; i > 0 && ifs[i - 1]->index > tmpl->index; i--)
		ifs[i] = ifs[i - 1];
	ifs[i] = n;
	nifs++;
	*out = n;
	return 0;
}

struct net_if *route_if_at(int i)
{
	return i >= 0 && i < route_nifs() ? ifs[i] : NULL;
}

struct net_if *route_if_by_index(int index)
{
	for (int i = 0; i < route_nifs(); i++)
		if (ifs[i]->index == index)
			return ifs[i];
	return NULL;
}

struct net_if *route_if_by_name(const char *name)
{
	for (int i = 0; i < route_nifs(); i++)
		if (!strncmp(ifs[i]->name, name, IFNAMSIZ))
			return ifs[i];
	return NULL;
}

int route_if_set_flags(struct net_if *ifp, unsigned int flags)
{
	bool was_up = ifp->flags & IFF_UP;
	struct net_addr *a, *an;
	struct net_route *r, *rn;

	ifp->flags = (ifp->flags & ~IF_USER_FLAGS) | (flags & IF_USER_FLAGS);
	if (ifp->flags & IFF_UP)
		ifp->flags |= IFF_RUNNING | IFF_LOWER_UP;
	else
		ifp->flags &= ~(IFF_RUNNING | IFF_LOWER_UP);
	if (!was_up && (ifp->flags & IFF_UP) && (ifp->flags & IFF_LOOPBACK))
		loopback_addrs(ifp);
	if (was_up && !(ifp->flags & IFF_UP)) {
		if (ifp->ops && ifp->ops->down)
			ifp->ops->down(ifp);
		/* IPv6 addresses go with the link (keep_addr_on_down 0), and
		 * so do the routes through it. */
		list_for_each_entry_safe(a, an, &addrs, node) {
			if (a->ifindex == ifp->index && a->family == AF_INET6) {
				list_del(&a->node);
				free(a);
			}
		}
		list_for_each_entry_safe(r, rn, &routes, node) {
			if (r->ifindex == ifp->index) {
				list_del(&r->node);
				free(r);
			}
		}
	}
	return 0;
}

struct list_head *route_addrs(void)
{
	route_init();
	return &addrs;
}

static void mask_prefix(uint8_t *p, int alen, int plen)
{
	for (int i = 0; i < alen; i++) {
		int bits = plen - i * 8;

		if (bits >= 8)
			continue;
		p[i] &= bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
	}
}

static bool same_subnet(const uint8_t *x, const uint8_t *y, int alen, int plen)
{
	uint8_t a[16], b[16];

	memcpy(a, x, (size_t)alen);
	memcpy(b, y, (size_t)alen);
	mask_prefix(a, alen, plen);
	mask_prefix(b, alen, plen);
	return !memcmp(a, b, (size_t)alen);
}

/* Linux's internal IPv6 scope order: global, host (loopback), link, site. */
static int scope_rank(int scope)
{
	return scope == RT_SCOPE_UNIVERSE ? 0 : scope == RT_SCOPE_HOST ? 1 :
	       scope == RT_SCOPE_LINK ? 2 : 3;
}

int route_addr_add(const struct net_addr *a)
{
	int alen = route_alen(a->family);
	struct net_addr *n, *o;

	if (!alen || a->prefixlen < 0 || a->prefixlen > alen * 8)
		return -EINVAL;
	if (!route_if_by_index(a->ifindex))
		return -ENODEV;
	n = malloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	*n = *a;
	n->flags &= ~IFA_F_SECONDARY;
	list_for_each_entry(o, &addrs, node) {
		if (o->family != a->family || o->ifindex != a->ifindex)
			continue;
		if (!memcmp(o->addr, a->addr, (size_t)alen) &&
		    (a->family == AF_INET6 || o->prefixlen == a->prefixlen)) {
			free(n);
			return -EEXIST;
		}
		/* A second IPv4 address in a primary's subnet is secondary. */
		if (a->family == AF_INET && !(o->flags & IFA_F_SECONDARY) &&
		    o->prefixlen == a->prefixlen && same_subnet(o->addr, a->addr, 4, a->prefixlen))
			n->flags |= IFA_F_SECONDARY;
	}
	if (a->family == AF_INET6) {
		/* ipv6_link_dev_addr: global before host before link scope,
		 * the newest first within one scope. */
		list_for_each_entry(o, &addrs, node)
			if (o->family == AF_INET6 && o->ifindex == a->ifindex &&
			    scope_rank(o->scope) >= scope_rank(a->scope))
				break;
		list_add_tail(&n->node, &o->node);
		return 0;
	}
	/* inet_insert_ifa: a primary goes after the last primary of its
	 * scope or a wider one, a secondary at the end. */
	if (!(n->flags & IFA_F_SECONDARY)) {
		struct list_head *pos = &addrs;

		list_for_each_entry(o, &addrs, node)
			if (o->family == AF_INET && o->ifindex == a->ifindex &&
			    !(o->flags & IFA_F_SECONDARY) && a->scope <= o->scope)
				pos = &o->node;
		if (pos != &addrs) {
			list_add(&n->node, pos);
			return 0;
		}
	}
	list_add_tail(&n->node, &addrs);
	return 0;
}

int route_addr_del(int family, int ifindex, const uint8_t *addr, int prefixlen)
{
	int alen = route_alen(family);
	struct net_addr *o;

	list_for_each_entry(o, route_addrs(), node) {
		if (o->family != family || (ifindex && o->ifindex != ifindex) ||
		    memcmp(o->addr, addr, (size_t)alen) ||
		    (prefixlen >= 0 && o->prefixlen != prefixlen))
			continue;
		list_del(&o->node);
		free(o);
		return 0;
	}
	return -EADDRNOTAVAIL;
}

/* ---- routes ---- */

struct rvec {
	struct net_route *v;
	int n, cap;
};

static bool same_route(const struct net_route *a, const struct net_route *b)
{
	return a->family == b->family && a->table == b->table && a->dst_len == b->dst_len &&
	       !memcmp(a->dst, b->dst, 16) && a->priority == b->priority;
}

static int rvec_push(struct rvec *rv, const struct net_route *r)
{
	for (int i = 0; i < rv->n; i++)
		if (same_route(&rv->v[i], r) && rv->v[i].type == r->type)
			return 0;
	if (rv->n == rv->cap) {
		int cap = rv->cap ? rv->cap * 2 : 8;
		struct net_route *nv = realloc(rv->v, sizeof(*nv) * (size_t)cap);

		if (!nv)
			return -ENOMEM;
		rv->v = nv;
		rv->cap = cap;
	}
	rv->v[rv->n++] = *r;
	return 0;
}

/* The primary address whose subnet holds a (inet_ifa_byprefix). */
static const struct net_addr *primary_of(const struct net_addr *a)
{
	struct net_addr *o;

	list_for_each_entry(o, &addrs, node)
		if (o->family == AF_INET && o->ifindex == a->ifindex &&
		    !(o->flags & IFA_F_SECONDARY) && o->prefixlen == a->prefixlen &&
		    same_subnet(o->addr, a->addr, 4, a->prefixlen))
			return o;
	return a;
}

static int derive4(struct rvec *rv, const struct net_addr *a, const struct net_if *ifp)
{
	struct net_route r = { .family = AF_INET, .protocol = RTPROT_KERNEL,
			       .ifindex = a->ifindex, .has_prefsrc = true };
	uint8_t prefix[4];
	uint32_t p, mask;
	int e;

	memcpy(r.prefsrc, (a->flags & IFA_F_SECONDARY) ? primary_of(a)->addr : a->addr, 4);
	memcpy(r.dst, a->addr, 4);
	r.dst_len = 32;
	r.table = RT_TABLE_LOCAL;
	r.type = RTN_LOCAL;
	r.scope = RT_SCOPE_HOST;
	e = rvec_push(rv, &r);
	if (e < 0 || (a->flags & IFA_F_SECONDARY))
		return e;
	memcpy(prefix, a->peer, 4);
	mask_prefix(prefix, 4, a->prefixlen);
	memcpy(&p, prefix, 4);
	if (p && (memcmp(prefix, a->addr, 4) || a->prefixlen < 32) &&
	    !(a->flags & IFA_F_NOPREFIXROUTE)) {
		memset(r.dst, 0, 16);
		memcpy(r.dst, prefix, 4);
		r.dst_len = a->prefixlen;
		r.type = (ifp->flags & IFF_LOOPBACK) ? RTN_LOCAL : RTN_UNICAST;
		r.table = r.type == RTN_LOCAL ? RT_TABLE_LOCAL : RT_TABLE_MAIN;
		r.scope = r.type == RTN_LOCAL ? RT_SCOPE_HOST : RT_SCOPE_LINK;
		e = rvec_push(rv, &r);
		if (e < 0)
			return e;
	}
	if (a->prefixlen < 31) {
		mask = a->prefixlen ? htonl(~0u << (32 - a->prefixlen)) : 0;
		p = (p & mask) | ~mask;
		memset(r.dst, 0, 16);
		memcpy(r.dst, &p, 4);
		r.dst_len = 32;
		r.type = RTN_BROADCAST;
		r.table = RT_TABLE_LOCAL;
		r.scope = RT_SCOPE_LINK;
		e = rvec_push(rv, &r);
	}
	return e;
}

static int derive6(struct rvec *rv, const struct net_addr *a)
{
	struct net_route r = { .family = AF_INET6, .protocol = RTPROT_KERNEL,
			       .ifindex = a->ifindex, .scope = RT_SCOPE_UNIVERSE };
	int e;

	memcpy(r.dst, a->addr, 16);
	r.dst_len = 128;
	r.table = RT_TABLE_LOCAL;
	r.type = RTN_LOCAL;
	e = rvec_push(rv, &r);
	if (e < 0 || a->noprefix || (a->flags & IFA_F_NOPREFIXROUTE))
		return e;
	mask_prefix(r.dst, 16, a->prefixlen);
	r.dst_len = a->prefixlen;
	r.table = RT_TABLE_MAIN;
	r.type = RTN_UNICAST;
	r.priority = 256;
	return rvec_push(rv, &r);
}

static void host_ones(uint8_t *k, const uint8_t *dst, int plen)
{
	for (int i = 0; i < 16; i++) {
		int bits = plen - i * 8;

		k[i] = bits >= 8 ? dst[i] : bits <= 0 ? 0xff :
		       (uint8_t)(dst[i] | (0xff >> bits));
	}
}

static int route_cmp(const void *x, const void *y)
{
	const struct net_route *a = x, *b = y;
	int c;

	if (a->family != b->family)
		return a->family - b->family;
	if (a->table != b->table)
		return a->table - b->table;
	if (a->family == AF_INET6) {
		/* fib6 walks its tree children first: a prefix's key is its
		 * address with the host bits set, the longer prefix first. */
		uint8_t ka[16], kb[16];

		host_ones(ka, a->dst, a->dst_len);
		host_ones(kb, b->dst, b->dst_len);
		c = memcmp(ka, kb, 16);
		if (c)
			return c;
		if (a->dst_len != b->dst_len)
			return b->dst_len - a->dst_len;
		return (int)a->priority - (int)b->priority;
	}
	c = memcmp(a->dst, b->dst, 16);
	if (c)
		return c;
	if (a->dst_len != b->dst_len)
		return a->dst_len - b->dst_len;
	return (int)a->priority - (int)b->priority;
}

int route_collect(struct net_route **out)
{
	struct rvec rv = { 0 };
	struct net_addr *a;
	struct net_route *r;
	int e = 0;

	list_for_each_entry(a, route_addrs(), node) {
		struct net_if *ifp = route_if_by_index(a->ifindex);

		if (!ifp)
			continue;
		e = a->family == AF_INET ? derive4(&rv, a, ifp) : derive6(&rv, a);
		if (e < 0)
			goto fail;
	}
	/* A down link keeps only its host-scope (local) routes: the others'
	 * next hop went dead and was flushed (fib_sync_down_dev). */
	for (int i = 0; i < rv.n; i++) {
		struct net_if *ifp = route_if_by_index(rv.v[i].ifindex);

		if (ifp && !(ifp->flags & IFF_UP) && rv.v[i].type != RTN_LOCAL)
			rv.v[i--] = rv.v[--rv.n];
	}
	list_for_each_entry(r, &routes, node) {
		e = rvec_push(&rv, r);
		if (e < 0)
			goto fail;
	}
	if (rv.n)
		qsort(rv.v, (size_t)rv.n, sizeof(*rv.v), route_cmp);
	*out = rv.v;
	return rv.n;
fail:
	free(rv.v);
	return e;
}

int route_add(const struct net_route *r, int nlflags)
{
	struct net_route *o, *n;
	struct net_if *ifp = r->ifindex ? route_if_by_index(r->ifindex) : NULL;

	if (r->ifindex && !ifp)
		return -ENODEV;
	if (ifp && !(ifp->flags & IFF_UP))
		return -ENETDOWN;
	list_for_each_entry(o, &routes, node) {
		if (same_route(o, r)) {
			if (!(nlflags & NLM_F_REPLACE))
				return -EEXIST;
			struct list_head keep = o->node;

			*o = *r;
			o->node = keep;
			return 0;
		}
	}
	/* fib_table_insert: IPv4 makes a new route only with NLM_F_CREATE. */
	if (r->family == AF_INET && !(nlflags & NLM_F_CREATE))
		return -ENOENT;
	n = malloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	*n = *r;
	list_add_tail(&n->node, &routes);
	return 0;
}

int route_del(const struct net_route *r)
{
	struct net_route *o;

	list_for_each_entry(o, &routes, node) {
		if (o->family == r->family && o->table == r->table && o->dst_len == r->dst_len &&
		    !memcmp(o->dst, r->dst, 16)) {
			list_del(&o->node);
			free(o);
			return 0;
		}
	}
	return -ESRCH;
}

/* ---- the routing decision ---- */

static bool if_up(const struct net_if *ifp)
{
	return ifp && (ifp->flags & IFF_UP);
}

/* A candidate for the longest match. */
struct best {
	int plen;
	uint32_t metric;
	struct net_if *ifp;
	const struct net_route *r;  /* NULL: a connected prefix */
};

static void consider(struct best *b, int plen, uint32_t metric, struct net_if *ifp,
		     const struct net_route *r)
{
	if (plen > b->plen || (plen == b->plen && metric < b->metric)) {
		b->plen = plen;
		b->metric = metric;
		b->ifp = ifp;
		b->r = r;
	}
}

/* The longest prefix of the main table holding dst (family in IPv6 form). */
static void longest(const uint8_t *dst, bool v4, struct best *b)
{
	struct net_addr *a;
	struct net_route *r;

	b->plen = -1;
	b->metric = UINT32_MAX;
	b->ifp = NULL;
	b->r = NULL;
	list_for_each_entry(a, &addrs, node) {
		struct net_if *ifp = route_if_by_index(a->ifindex);

		if (!if_up(ifp) || (ifp->flags & IFF_LOOPBACK) || a->noprefix ||
		    (a->flags & IFA_F_NOPREFIXROUTE) || (a->family == AF_INET) != v4)
			continue;
		if (v4 ? same_subnet(a->addr, dst + 12, 4, a->prefixlen) :
			 same_subnet(a->addr, dst, 16, a->prefixlen))
			consider(b, a->prefixlen, v4 ? 0 : 256, ifp, NULL);
	}
	list_for_each_entry(r, &routes, node) {
		struct net_if *ifp = r->ifindex ? route_if_by_index(r->ifindex) : NULL;

		if ((r->family == AF_INET) != v4 || r->type != RTN_UNICAST ||
		    (r->table != RT_TABLE_MAIN && r->table != RT_TABLE_UNSPEC))
			continue;
		if (r->ifindex && !if_up(ifp))
			continue;
		if (v4 ? !same_subnet(r->dst, dst + 12, 4, r->dst_len) :
			 !same_subnet(r->dst, dst, 16, r->dst_len))
			continue;
		consider(b, r->dst_len, r->priority, ifp, r);
	}
}

int route_pick_src(const struct net_if *ifp, const uint8_t *dst, uint8_t *src)
{
	struct net_addr *a, *pick = NULL;
	bool v4 = ip_is_v4mapped_r(dst);
	bool ll = !v4 && dst[0] == 0xfe && (dst[1] & 0xc0) == 0x80;

	list_for_each_entry(a, route_addrs(), node) {
		if ((a->family == AF_INET) != v4 || a->ifindex != ifp->index)
			continue;
		if (v4) {
			if (a->flags & IFA_F_SECONDARY)
				continue;
			/* The primary whose subnet holds dst, else the first. */
			if (!pick || same_subnet(a->addr, dst + 12, 4, a->prefixlen))
				pick = a;
			if (same_subnet(a->addr, dst + 12, 4, a->prefixlen))
				break;
			continue;
		}
		/* RFC 6724 rule 2 (appropriate scope), simplified: a link-local
		 * destination takes a link-local source, others a wider one. */
		if ((a->scope == RT_SCOPE_LINK) == ll) {
			pick = a;
			break;
		}
		if (!pick)
			pick = a;
	}
	if (!pick)
		return -EADDRNOTAVAIL;
	if (v4)
		ip4_map_r(src, pick->addr);
	else
		memcpy(src, pick->addr, 16);
	return 0;
}

static bool limited_bcast(const uint8_t *dst)
{
	return ip_is_v4mapped_r(dst) && dst[12] == 255 && dst[13] == 255 && dst[14] == 255 &&
	       dst[15] == 255;
}

/* A subnet-directed broadcast of an up, non-loopback link's address. */
static struct net_if *bcast_if(const uint8_t *dst)
{
	struct net_addr *a;

	list_for_each_entry(a, &addrs, node) {
		struct net_if *ifp = route_if_by_index(a->ifindex);
		uint32_t p, mask;

		if (a->family != AF_INET || !if_up(ifp) || (ifp->flags & IFF_LOOPBACK) ||
		    a->prefixlen >= 31)
			continue;
		memcpy(&p, a->addr, 4);
		mask = a->prefixlen ? htonl(~0u << (32 - a->prefixlen)) : 0;
		p |= ~mask;
		if (!memcmp(&p, dst + 12, 4))
			return ifp;
	}
	return NULL;
}

int route_lookup(const uint8_t *dst, struct route_res *res)
{
	bool v4 = ip_is_v4mapped_r(dst);
	struct best b;
	int e;

	route_init();
	memset(res, 0, sizeof(*res));
	if (v4 && (res->ifp = bcast_if(dst))) {
		res->type = RTN_BROADCAST;
		memcpy(res->nexthop, dst, 16);
		return route_pick_src(res->ifp, dst, res->src);
	}
	longest(dst, v4, &b);
	if (v4 && limited_bcast(dst) && !b.ifp) {
		/* 255.255.255.255 leaves by the first broadcast-capable link. */
		for (int i = 0; i < nifs && !b.ifp; i++)
			if (if_up(ifs[i]) && (ifs[i]->flags & IFF_BROADCAST))
				b.ifp = ifs[i];
	}
	if (!b.ifp && b.r && b.r->has_gw) {
		/* A gateway route without a device: the gateway's link. */
		struct best g;
		uint8_t gw[16];

		if (v4)
			ip4_map_r(gw, b.r->gw);
		else
			memcpy(gw, b.r->gw, 16);
		longest(gw, v4, &g);
		b.ifp = g.ifp;
	}
	if (!b.ifp)
		return -ENETUNREACH;
	res->ifp = b.ifp;
	res->type = v4 && limited_bcast(dst) ? RTN_BROADCAST : RTN_UNICAST;
	if (b.r && b.r->has_gw) {
		if (v4)
			ip4_map_r(res->nexthop, b.r->gw);
		else
			memcpy(res->nexthop, b.r->gw, 16);
	} else {
		memcpy(res->nexthop, dst, 16);
	}
	if (b.r && b.r->has_prefsrc) {
		if (v4)
			ip4_map_r(res->src, b.r->prefsrc);
		else
			memcpy(res->src, b.r->prefsrc, 16);
		return 0;
	}
	e = route_pick_src(b.ifp, dst, res->src);
	if (e < 0 && !v4) {
		/* Any global address will do (RFC 6724 allows it). */
		struct net_addr *a;

		list_for_each_entry(a, &addrs, node)
			if (a->family == AF_INET6 && a->scope == RT_SCOPE_UNIVERSE) {
				memcpy(res->src, a->addr, 16);
				return 0;
			}
	}
	return e;
}

/* ---- interface ioctls ---- */

static struct net_addr *primary4(const char *label)
{
	struct net_addr *a;

	list_for_each_entry(a, route_addrs(), node)
		if (a->family == AF_INET && !strncmp(a->label, label, IFNAMSIZ))
			return a;
	return NULL;
}

static void sin_of(struct sockaddr *sa, const uint8_t *addr)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	if (addr)
		memcpy(&sin.sin_addr, addr, 4);
	memcpy(sa, &sin, sizeof(sin));
}

/* inet_gifconf: one ifreq per IPv4 address; a NULL buffer asks the size. */
static long gifconf(struct task *t, uint64_t arg)
{
	struct ifconf ifc;
	struct net_addr *a;
	int done = 0;

	if (copy_from_guest(t, &ifc, arg, sizeof(ifc)) < 0)
		return -EFAULT;
	list_for_each_entry(a, route_addrs(), node) {
		struct ifreq ifr;

		if (a->family != AF_INET)
			continue;
		if (!ifc.ifc_buf) {
			done += (int)sizeof(ifr);
			continue;
		}
		if (ifc.ifc_len - done < (int)sizeof(ifr))
			break;
		memset(&ifr, 0, sizeof(ifr));
		memcpy(ifr.ifr_name, a->label, IFNAMSIZ);
		sin_of(&ifr.ifr_addr, a->addr);
		if (copy_to_guest(t, (uint64_t)ifc.ifc_buf + (uint64_t)done, &ifr, sizeof(ifr)) < 0)
			return -EFAULT;
		done += (int)sizeof(ifr);
	}
	ifc.ifc_len = done;
	return copy_to_guest(t, arg, &ifc, sizeof(ifc)) < 0 ? -EFAULT : 0;
}

long route_ioctl(struct task *t, unsigned int cmd, uint64_t arg, bool inet)
{
	struct ifreq ifr;
	struct net_if *ifp;
	struct net_addr *a;
	uint8_t mask[4] = { 0 };

	switch (cmd) {
	case SIOCGIFCONF:
		return gifconf(t, arg);
	case SIOCGIFNAME: case SIOCGIFFLAGS: case SIOCSIFFLAGS: case SIOCGIFINDEX:
	case SIOCGIFMTU: case SIOCGIFTXQLEN: case SIOCGIFHWADDR:
		break;
	case SIOCGIFADDR: case SIOCGIFNETMASK: case SIOCGIFBRDADDR: case SIOCGIFDSTADDR:
		if (!inet)
			return -ENOTTY;
		break;
	default:
		return -ENOTTY;
	}
	if (copy_from_guest(t, &ifr, arg, sizeof(ifr)) < 0)
		return -EFAULT;
	ifr.ifr_name[IFNAMSIZ - 1] = 0;
	if (cmd == SIOCGIFNAME) {
		ifp = route_if_by_index(ifr.ifr_ifindex);
		if (!ifp)
			return -ENODEV;
		memset(ifr.ifr_name, 0, IFNAMSIZ);
		memcpy(ifr.ifr_name, ifp->name, IFNAMSIZ);
		goto out;
	}
	ifp = route_if_by_name(ifr.ifr_name);
	if (!ifp)
		return -ENODEV;
	switch (cmd) {
	case SIOCGIFFLAGS:
		ifr.ifr_flags = (short)ifp->flags;
		break;
	case SIOCSIFFLAGS:
		if (!capable(t, 12 /* CAP_NET_ADMIN */))
			return -EPERM;
		return route_if_set_flags(ifp, (ifp->flags & ~0xffffu) |
					       (unsigned short)ifr.ifr_flags);
	case SIOCGIFINDEX:
		ifr.ifr_ifindex = ifp->index;
		break;
	case SIOCGIFMTU:
		ifr.ifr_mtu = (int)ifp->mtu;
		break;
	case SIOCGIFTXQLEN:
		ifr.ifr_qlen = (int)ifp->txqlen;
		break;
	case SIOCGIFHWADDR:
		memset(&ifr.ifr_hwaddr, 0, sizeof(ifr.ifr_hwaddr));
		ifr.ifr_hwaddr.sa_family = ifp->type;
		break;
	default:
		/* devinet_ioctl: the address whose label is the name. */
		a = primary4(ifr.ifr_name);
		if (!a)
			return -EADDRNOTAVAIL;
		if (cmd == SIOCGIFADDR) {
			sin_of(&ifr.ifr_addr, a->addr);
		} else if (cmd == SIOCGIFNETMASK) {
			uint32_t m = a->prefixlen ? htonl(~0u << (32 - a->prefixlen)) : 0;

			memcpy(mask, &m, 4);
			sin_of(&ifr.ifr_netmask, mask);
		} else if (cmd == SIOCGIFBRDADDR) {
			sin_of(&ifr.ifr_broadaddr, a->has_brd ? a->brd : NULL);
		} else {
			sin_of(&ifr.ifr_dstaddr, a->peer);
		}
	}
out:
	return copy_to_guest(t, arg, &ifr, sizeof(ifr)) < 0 ? -EFAULT : 0;
}
