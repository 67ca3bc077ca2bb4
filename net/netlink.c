/* Netlink sockets (netlink(7)) with the route protocol (rtnetlink(7)):
 * dumps of links, addresses and routes, address, route and link changes,
 * acknowledgements and errors as Linux's netlink_rcv_skb makes them, and
 * unicast between user sockets. Every request byte is checked: lengths
 * come from the guest. Multicast groups (notifications) are not offered:
 * bind with nl_groups fails with EOPNOTSUPP. */
#define _GNU_SOURCE
#include "net/netlink.h"
#include "net/route.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/if_addr.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>

#define NL_BUF_DEFAULT 212992
#define NL_BUF_MAX 212992
#define NL_MIN_BUF 2304
#define CAP_NET_ADMIN_K 12
/* The most a dump puts in one datagram (Linux: a dump skb of up to
 * 32 KiB). */
#define NL_DUMP_CHUNK 32768
/* RFC 2863 operational states (linux/if.h clashes with net/if.h). */
#define OPER_UNKNOWN 0
#define OPER_DOWN 2
#define OPER_UP 6

struct nl_skb {
	struct list_head node;
	uint32_t src_portid, group;
	size_t len;
	uint8_t data[];
};

/* Owned by its socket file. */
struct nl_sock {
	struct socket sock;
	struct list_head node;      /* in nl_socks while bound */
	uint32_t portid;
	bool bound;
	uint32_t dst_portid, dst_group;
	struct list_head rcvq;
	size_t rmem;
	int rcvbuf, sndbuf;
	int err;                    /* positive, SO_ERROR */
	unsigned int nl_flags;      /* NETLINK_* boolean options, bit per option */
	struct timespec rcvtimeo;
	bool rcvtimeo_neg;
	struct waitq wq;
};

static struct list_head nl_socks = LIST_HEAD_INIT(nl_socks);
static int32_t nl_rover = -4096;
static const struct sock_ops nl_ops;

static struct nl_sock *nl_of(struct socket *s)
{
	return (struct nl_sock *)s;
}

static struct nl_sock *nl_lookup(uint32_t portid)
{
	struct nl_sock *n;

	list_for_each_entry(n, &nl_socks, node)
		if (n->portid == portid)
			return n;
	return NULL;
}

int netlink_create(struct task *t, int type, int protocol, struct socket **out)
{
	struct nl_sock *n;

	if (type != SOCK_RAW && type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	if (protocol < 0 || protocol >= MAX_LINKS)
		return -EPROTONOSUPPORT;
	/* Only the route protocol exists here; Linux says the same of a
	 * protocol whose module is not loaded. */
	if (protocol != NETLINK_ROUTE)
		return -EPROTONOSUPPORT;
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	socket_init(&n->sock, &nl_ops, AF_NETLINK, type, protocol);
	list_init(&n->rcvq);
	list_init(&n->node);
	n->rcvbuf = n->sndbuf = NL_BUF_DEFAULT;
	waitq_init(&n->wq);
	*out = &n->sock;
	return 0;
}

/* netlink_autobind: the process's id first, then negative numbers. */
static void nl_autobind(struct task *t, struct nl_sock *n)
{
	uint32_t id = (uint32_t)t->tg->tgid;

	while (nl_lookup(id)) {
		id = (uint32_t)nl_rover--;
		if (nl_rover > -4096)
			nl_rover = -4096;
	}
	n->portid = id;
	n->bound = true;
	list_add_tail(&n->node, &nl_socks);
}

static int nl_check_addr(const void *addr, socklen_t len, struct sockaddr_nl *out)
{
	if (len < sizeof(struct sockaddr_nl))
		return -EINVAL;
	memcpy(out, addr, sizeof(*out));
	if (out->nl_family != AF_NETLINK)
		return -EINVAL;
	return 0;
}

static int nl_bind(struct task *t, struct socket *s, const void *addr, socklen_t len)
{
	struct nl_sock *n = nl_of(s);
	struct sockaddr_nl a;
	int r = nl_check_addr(addr, len, &a);

	if (r < 0)
		return r;
	if (a.nl_groups)
		return -EOPNOTSUPP;
	if (n->bound)
		return a.nl_pid == n->portid ? 0 : -EINVAL;
	if (!a.nl_pid) {
		nl_autobind(t, n);
		return 0;
	}
	if (nl_lookup(a.nl_pid))
		return -EADDRINUSE;
	n->portid = a.nl_pid;
	n->bound = true;
	list_add_tail(&n->node, &nl_socks);
	return 0;
}

static int nl_connect(struct task *t, struct socket *s, const void *addr, socklen_t len,
		      bool nonblock)
{
	struct nl_sock *n = nl_of(s);
	struct sockaddr_nl a;
	int r;

	if (len >= sizeof(sa_family_t) && ((const struct sockaddr *)addr)->sa_family == AF_UNSPEC) {
		n->dst_portid = n->dst_group = 0;
		return 0;
	}
	r = nl_check_addr(addr, len, &a);
	if (r < 0)
		return r;
	if (a.nl_groups && !capable(t, CAP_NET_ADMIN_K))
		return -EPERM;
	if (!n->bound)
		nl_autobind(t, n);
	n->dst_portid = a.nl_pid;
	n->dst_group = a.nl_groups ? (uint32_t)__builtin_ffs((int)a.nl_groups) : 0;
	return 0;
}

static int nl_listen(struct task *t, struct socket *s, int backlog)
{
	return -EOPNOTSUPP;
}

static int nl_accept(struct task *t, struct socket *s, bool nonblock, struct socket **ns)
{
	return -EOPNOTSUPP;
}

static int nl_shutdown(struct socket *s, int how)
{
	return -EOPNOTSUPP;
}

static int nl_getname(struct socket *s, bool peer, void *addr, socklen_t *len)
{
	struct nl_sock *n = nl_of(s);
	struct sockaddr_nl a = { .nl_family = AF_NETLINK };

	if (peer) {
		a.nl_pid = n->dst_portid;
		a.nl_groups = n->dst_group ? 1u << (n->dst_group - 1) : 0;
	} else {
		a.nl_pid = n->portid;
	}
	memcpy(addr, &a, sizeof(a));
	*len = sizeof(a);
	return 0;
}

/* ---- queueing ---- */

/* Queue len bytes on n; a full receive buffer drops them and reports
 * ENOBUFS on the next receive, as Linux does. */
static int nl_deliver(struct nl_sock *n, const void *data, size_t len, uint32_t src)
{
	struct nl_skb *skb;

	if (n->rmem && n->rmem + len > (size_t)n->rcvbuf) {
		n->err = ENOBUFS;
		waitq_wake_all(&n->wq);
		return -ENOBUFS;
	}
	skb = malloc(sizeof(*skb) + len);
	if (!skb)
		return -ENOMEM;
	skb->src_portid = src;
	skb->group = 0;
	skb->len = len;
	memcpy(skb->data, data, len);
	list_add_tail(&skb->node, &n->rcvq);
	n->rmem += len;
	waitq_wake_all(&n->wq);
	return 0;
}

/* A growing reply buffer. */
struct nlbuf {
	uint8_t *p;
	size_t len, cap;
	int err;
};

static void *nb_put(struct nlbuf *b, size_t len)
{
	size_t al = NLMSG_ALIGN(len);
	void *r;

	if (b->err)
		return NULL;
	if (b->len + al > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 1024;
		uint8_t *np;

		while (cap < b->len + al)
			cap *= 2;
		np = realloc(b->p, cap);
		if (!np) {
			b->err = -ENOMEM;
			return NULL;
		}
		b->p = np;
		b->cap = cap;
	}
	r = b->p + b->len;
	memset(r, 0, al);
	b->len += al;
	return r;
}

/* Start a message; returns its offset in b. */
static size_t msg_begin(struct nlbuf *b, uint16_t type, uint16_t flags, uint32_t seq,
			uint32_t portid, const void *fixed, size_t flen)
{
	size_t off = b->len;
	struct nlmsghdr *h = nb_put(b, NLMSG_HDRLEN);

	if (!h)
		return off;
	h->nlmsg_type = type;
	h->nlmsg_flags = flags;
	h->nlmsg_seq = seq;
	h->nlmsg_pid = portid;
	if (flen) {
		void *d = nb_put(b, flen);

		if (d)
			memcpy(d, fixed, flen);
	}
	return off;
}

static void msg_end(struct nlbuf *b, size_t off)
{
	if (!b->err)
		((struct nlmsghdr *)(b->p + off))->nlmsg_len = (uint32_t)(b->len - off);
}

static void attr(struct nlbuf *b, uint16_t type, const void *data, size_t len)
{
	struct rtattr *a = nb_put(b, RTA_LENGTH(len));

	if (!a)
		return;
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	/* nb_put aligned the whole attribute; its length stays unpadded. */
}

static void attr_u32(struct nlbuf *b, uint16_t type, uint32_t v)
{
	attr(b, type, &v, sizeof(v));
}

static void attr_u8(struct nlbuf *b, uint16_t type, uint8_t v)
{
	attr(b, type, &v, sizeof(v));
}

static void attr_str(struct nlbuf *b, uint16_t type, const char *s)
{
	attr(b, type, s, strlen(s) + 1);
}

/* ---- message builders ---- */

static void fill_link(struct nlbuf *b, const struct net_if *ifp, uint16_t type, uint16_t flags,
		      uint32_t seq, uint32_t portid)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_type = ifp->type,
				 .ifi_index = ifp->index, .ifi_flags = ifp->flags };
	static const uint8_t zero[6];
	size_t off = msg_begin(b, type, flags, seq, portid, &ifi, sizeof(ifi));
	bool up = ifp->flags & IFF_UP;

	attr_str(b, IFLA_IFNAME, ifp->name);
	attr_u32(b, IFLA_TXQLEN, ifp->txqlen);
	/* Loopback has no operational state machine: UNKNOWN while up; an
	 * Ethernet link with its carrier is UP. */
	attr_u8(b, IFLA_OPERSTATE, !up ? OPER_DOWN : ifp->type == ARPHRD_ETHER ? OPER_UP :
				   OPER_UNKNOWN);
	attr_u8(b, IFLA_LINKMODE, 0);
	attr_u32(b, IFLA_MTU, ifp->mtu);
	attr_u32(b, IFLA_MIN_MTU, 0);
	attr_u32(b, IFLA_MAX_MTU, 0);
	attr_u32(b, IFLA_GROUP, 0);
	attr_u32(b, IFLA_PROMISCUITY, 0);
	attr_u32(b, IFLA_NUM_TX_QUEUES, 1);
	attr_u32(b, IFLA_NUM_RX_QUEUES, 1);
	attr_u8(b, IFLA_CARRIER, up);
	attr_str(b, IFLA_QDISC, "noqueue");
	if (ifp->type == ARPHRD_ETHER) {
		static const uint8_t ff[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

		attr(b, IFLA_ADDRESS, ifp->hwaddr, 6);
		attr(b, IFLA_BROADCAST, ff, 6);
	} else {
		attr(b, IFLA_ADDRESS, zero, sizeof(zero));
		attr(b, IFLA_BROADCAST, zero, sizeof(zero));
	}
	msg_end(b, off);
}

static void fill_addr(struct nlbuf *b, const struct net_addr *a, uint16_t type, uint16_t flags,
		      uint32_t seq, uint32_t portid)
{
	struct ifaddrmsg ifa = { .ifa_family = (uint8_t)a->family,
				 .ifa_prefixlen = (uint8_t)a->prefixlen,
				 .ifa_flags = (uint8_t)a->flags, .ifa_scope = (uint8_t)a->scope,
				 .ifa_index = (uint32_t)a->ifindex };
	struct ifa_cacheinfo ci = { .ifa_prefered = UINT32_MAX, .ifa_valid = UINT32_MAX };
	size_t off = msg_begin(b, type, flags, seq, portid, &ifa, sizeof(ifa));

	if (a->family == AF_INET) {
		attr(b, IFA_ADDRESS, a->peer, 4);
		attr(b, IFA_LOCAL, a->addr, 4);
		if (a->has_brd)
			attr(b, IFA_BROADCAST, a->brd, 4);
		attr_str(b, IFA_LABEL, a->label);
	} else {
		attr(b, IFA_ADDRESS, a->addr, 16);
	}
	attr_u32(b, IFA_FLAGS, a->flags);
	attr(b, IFA_CACHEINFO, &ci, sizeof(ci));
	msg_end(b, off);
}

static void fill_route(struct nlbuf *b, const struct net_route *r, uint16_t type,
		       uint16_t flags, uint32_t seq, uint32_t portid)
{
	struct rtmsg rtm = { .rtm_family = (uint8_t)r->family, .rtm_dst_len = (uint8_t)r->dst_len,
			     .rtm_table = r->table < 256 ? (uint8_t)r->table : RT_TABLE_COMPAT,
			     .rtm_protocol = (uint8_t)r->protocol,
			     .rtm_scope = (uint8_t)r->scope, .rtm_type = (uint8_t)r->type };
	int alen = route_alen(r->family);
	size_t off = msg_begin(b, type, flags, seq, portid, &rtm, sizeof(rtm));

	attr_u32(b, RTA_TABLE, (uint32_t)r->table);
	if (r->dst_len)
		attr(b, RTA_DST, r->dst, (size_t)alen);
	if (r->family == AF_INET6 || r->priority)
		attr_u32(b, RTA_PRIORITY, r->priority);
	if (r->has_prefsrc)
		attr(b, RTA_PREFSRC, r->prefsrc, (size_t)alen);
	if (r->has_gw)
		attr(b, RTA_GATEWAY, r->gw, (size_t)alen);
	if (r->ifindex)
		attr_u32(b, RTA_OIF, (uint32_t)r->ifindex);
	if (r->family == AF_INET6) {
		struct rta_cacheinfo ci = { 0 };

		attr(b, RTA_CACHEINFO, &ci, sizeof(ci));
		attr_u8(b, RTA_PREF, 0);
	}
	msg_end(b, off);
}

/* ---- requests ---- */

struct nl_req {
	struct task *t;
	struct nl_sock *n;
	const struct nlmsghdr *h;
	const uint8_t *payload;
	size_t plen;                /* nlmsg_len - header */
	struct nlbuf *out;          /* the replies of a dump or get */
};

/* The attributes after a fixed header of flen bytes: tb[type] points at
 * each one (the last wins, as nla_parse). Malformed ones give -EINVAL. */
#define NL_MAXATTR 64
static int parse_attrs(const struct nl_req *q, size_t flen, const struct rtattr *tb[NL_MAXATTR])
{
	size_t off = NLMSG_ALIGN(flen);

	memset(tb, 0, sizeof(*tb) * NL_MAXATTR);
	if (q->plen < flen)
		return -EINVAL;
	while (off + sizeof(struct rtattr) <= q->plen) {
		const struct rtattr *a = (const struct rtattr *)(q->payload + off);

		if (a->rta_len < sizeof(*a) || a->rta_len > q->plen - off)
			return -EINVAL;
		if (a->rta_type < NL_MAXATTR)
			tb[a->rta_type] = a;
		off += RTA_ALIGN(a->rta_len);
	}
	return 0;
}

static size_t alen_of(const struct rtattr *a)
{
	return a ? RTA_PAYLOAD(a) : 0;
}

static uint16_t dump_flags(void)
{
	return NLM_F_MULTI;
}

static int dump_links(struct nl_req *q, int family)
{
	for (int i = 0; i < route_nifs(); i++)
		fill_link(q->out, route_if_at(i), RTM_NEWLINK, dump_flags(), q->h->nlmsg_seq,
			  q->n->portid);
	return 0;
}

static int dump_addrs(struct nl_req *q, int family)
{
	static const int fams[] = { AF_INET, AF_INET6 };
	struct net_addr *a;

	for (size_t i = 0; i < 2; i++) {
		if (family != AF_UNSPEC && family != fams[i])
			continue;
		list_for_each_entry(a, route_addrs(), node)
			if (a->family == fams[i])
				fill_addr(q->out, a, RTM_NEWADDR, dump_flags(), q->h->nlmsg_seq,
					  q->n->portid);
	}
	return 0;
}

static int dump_routes(struct nl_req *q, int family)
{
	struct net_route *v;
	int n = route_collect(&v);

	if (n < 0)
		return n;
	for (int i = 0; i < n; i++)
		if (family == AF_UNSPEC || family == v[i].family)
			fill_route(q->out, &v[i], RTM_NEWROUTE, dump_flags(), q->h->nlmsg_seq,
				   q->n->portid);
	free(v);
	return 0;
}

static int get_link(struct nl_req *q)
{
	const struct rtattr *tb[NL_MAXATTR];
	struct ifinfomsg ifi;
	struct net_if *ifp = NULL;
	int r = parse_attrs(q, sizeof(ifi), tb);

	if (r < 0)
		return r;
	memcpy(&ifi, q->payload, sizeof(ifi));
	if (ifi.ifi_index > 0)
		ifp = route_if_by_index(ifi.ifi_index);
	else if (tb[IFLA_IFNAME]) {
		char name[IFNAMSIZ] = { 0 };
		size_t l = alen_of(tb[IFLA_IFNAME]);

		memcpy(name, RTA_DATA(tb[IFLA_IFNAME]), l < IFNAMSIZ - 1 ? l : IFNAMSIZ - 1);
		ifp = route_if_by_name(name);
	} else {
		return -EINVAL;
	}
	if (!ifp)
		return -ENODEV;
	fill_link(q->out, ifp, RTM_NEWLINK, 0, q->h->nlmsg_seq, q->n->portid);
	return 0;
}

static int set_link(struct nl_req *q)
{
	const struct rtattr *tb[NL_MAXATTR];
	struct ifinfomsg ifi;
	struct net_if *ifp = NULL;
	int r = parse_attrs(q, sizeof(ifi), tb);

	if (r < 0)
		return r;
	memcpy(&ifi, q->payload, sizeof(ifi));
	if (ifi.ifi_index > 0) {
		ifp = route_if_by_index(ifi.ifi_index);
	} else if (tb[IFLA_IFNAME]) {
		char name[IFNAMSIZ] = { 0 };
		size_t l = alen_of(tb[IFLA_IFNAME]);

		memcpy(name, RTA_DATA(tb[IFLA_IFNAME]), l < IFNAMSIZ - 1 ? l : IFNAMSIZ - 1);
		ifp = route_if_by_name(name);
	}
	if (!ifp)
		return (q->h->nlmsg_flags & NLM_F_CREATE) ? -EOPNOTSUPP : -ENODEV;
	/* Changing the MTU, name or address of lo is not offered. */
	if (tb[IFLA_MTU] || tb[IFLA_ADDRESS] ||
	    (tb[IFLA_IFNAME] && ifi.ifi_index > 0 &&
	     strncmp(RTA_DATA(tb[IFLA_IFNAME]), ifp->name, alen_of(tb[IFLA_IFNAME]))))
		return -EOPNOTSUPP;
	if (ifi.ifi_change || ifi.ifi_flags) {
		unsigned int change = ifi.ifi_change ? ifi.ifi_change : UINT_MAX;

		return route_if_set_flags(ifp, (ifp->flags & ~change) | (ifi.ifi_flags & change));
	}
	return 0;
}

static int scope_of6(const uint8_t *a)
{
	static const uint8_t lo6[16] = { [15] = 1 };

	if (!memcmp(a, lo6, 16))
		return RT_SCOPE_HOST;
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return RT_SCOPE_LINK;
	return RT_SCOPE_UNIVERSE;
}

static int change_addr(struct nl_req *q, bool add)
{
	const struct rtattr *tb[NL_MAXATTR];
	struct ifaddrmsg ifa;
	struct net_addr a = { 0 };
	const struct rtattr *local;
	struct net_if *ifp;
	int alen, r = parse_attrs(q, sizeof(ifa), tb);

	if (r < 0)
		return r;
	memcpy(&ifa, q->payload, sizeof(ifa));
	alen = route_alen(ifa.ifa_family);
	if (!alen)
		return -EAFNOSUPPORT;
	local = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!local)
		return -EINVAL;
	/* An attribute shorter than its policy's minimum (nla_validate). */
	if ((int)alen_of(local) < alen || (tb[IFA_ADDRESS] && (int)alen_of(tb[IFA_ADDRESS]) < alen))
		return -ERANGE;
	if (!add)
		return route_addr_del(ifa.ifa_family, (int)ifa.ifa_index, RTA_DATA(local),
				      ifa.ifa_prefixlen);
	ifp = route_if_by_index((int)ifa.ifa_index);
	if (!ifp)
		return -ENODEV;
	if (ifa.ifa_prefixlen > alen * 8)
		return -EINVAL;
	a.family = ifa.ifa_family;
	a.ifindex = ifp->index;
	a.prefixlen = ifa.ifa_prefixlen;
	memcpy(a.addr, RTA_DATA(local), (size_t)alen);
	memcpy(a.peer, tb[IFA_ADDRESS] ? RTA_DATA(tb[IFA_ADDRESS]) : RTA_DATA(local), (size_t)alen);
	a.flags = IFA_F_PERMANENT | (tb[IFA_FLAGS] && alen_of(tb[IFA_FLAGS]) >= 4 ?
		  *(const uint32_t *)RTA_DATA(tb[IFA_FLAGS]) & IFA_F_NOPREFIXROUTE : 0);
	if (a.family == AF_INET) {
		a.scope = ifa.ifa_scope;
		if (tb[IFA_BROADCAST] && alen_of(tb[IFA_BROADCAST]) >= 4) {
			memcpy(a.brd, RTA_DATA(tb[IFA_BROADCAST]), 4);
			a.has_brd = true;
		}
		strcpy(a.label, ifp->name);
		if (tb[IFA_LABEL]) {
			size_t l = alen_of(tb[IFA_LABEL]);

			if (l > IFNAMSIZ)
				return -EINVAL;
			memcpy(a.label, RTA_DATA(tb[IFA_LABEL]), l);
			a.label[IFNAMSIZ - 1] = 0;
		}
	} else {
		if (!(ifp->flags & IFF_UP))
			return -ENETDOWN;
		a.scope = scope_of6(a.addr);
	}
	r = route_addr_add(&a);
	if (r == -EEXIST && !(q->h->nlmsg_flags & NLM_F_EXCL))
		r = 0;
	return r;
}

static int change_route(struct nl_req *q, bool add)
{
	const struct rtattr *tb[NL_MAXATTR];
	struct rtmsg rtm;
	struct net_route rt = { 0 };
	int alen, r = parse_attrs(q, sizeof(rtm), tb);

	if (r < 0)
		return r;
	memcpy(&rtm, q->payload, sizeof(rtm));
	alen = route_alen(rtm.rtm_family);
	if (!alen)
		return -EAFNOSUPPORT;
	if (rtm.rtm_dst_len > alen * 8 || rtm.rtm_src_len)
		return -EINVAL;
	rt.family = rtm.rtm_family;
	rt.dst_len = rtm.rtm_dst_len;
	rt.table = tb[RTA_TABLE] && alen_of(tb[RTA_TABLE]) >= 4 ?
		   (int)*(const uint32_t *)RTA_DATA(tb[RTA_TABLE]) : rtm.rtm_table;
	if (rt.table == RT_TABLE_UNSPEC)
		rt.table = RT_TABLE_MAIN;
	rt.type = rtm.rtm_type;
	rt.protocol = rtm.rtm_protocol;
	/* fib6 keeps no scope: IPv6 routes report universe. */
	rt.scope = rt.family == AF_INET6 ? RT_SCOPE_UNIVERSE : rtm.rtm_scope;
	if (tb[RTA_DST]) {
		if ((int)alen_of(tb[RTA_DST]) < alen)
			return -ERANGE;
		memcpy(rt.dst, RTA_DATA(tb[RTA_DST]), (size_t)alen);
	}
	if (tb[RTA_OIF] && alen_of(tb[RTA_OIF]) >= 4)
		rt.ifindex = (int)*(const uint32_t *)RTA_DATA(tb[RTA_OIF]);
	if (tb[RTA_PRIORITY] && alen_of(tb[RTA_PRIORITY]) >= 4)
		rt.priority = *(const uint32_t *)RTA_DATA(tb[RTA_PRIORITY]);
	else if (rt.family == AF_INET6)
		rt.priority = 1024;
	if (tb[RTA_PREFSRC]) {
		if ((int)alen_of(tb[RTA_PREFSRC]) < alen)
			return -ERANGE;
		memcpy(rt.prefsrc, RTA_DATA(tb[RTA_PREFSRC]), (size_t)alen);
		rt.has_prefsrc = true;
	}
	if (tb[RTA_GATEWAY]) {
		if ((int)alen_of(tb[RTA_GATEWAY]) < alen)
			return -ERANGE;
		memcpy(rt.gw, RTA_DATA(tb[RTA_GATEWAY]), (size_t)alen);
		rt.has_gw = true;
	}
	if (!add)
		return route_del(&rt);
	if (rt.type != RTN_UNICAST && rt.type != RTN_LOCAL && rt.type != RTN_BLACKHOLE &&
	    rt.type != RTN_UNREACHABLE && rt.type != RTN_PROHIBIT && rt.type != RTN_BROADCAST)
		return -EINVAL;
	if (rt.type == RTN_UNICAST || rt.type == RTN_LOCAL || rt.type == RTN_BROADCAST) {
		if (!rt.ifindex)
			return -ENODEV;
	}
	/* Mirror ip route's keys on what Linux masks: the destination's host
	 * bits must be zero. */
	for (int i = 0; i < alen; i++) {
		int bits = rt.dst_len - i * 8;
		uint8_t m = bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));

		if (rt.dst[i] & ~m)
			return -EINVAL;
	}
	return route_add(&rt, q->h->nlmsg_flags);
}

/* rtnetlink_rcv_msg: 0 or a negative errno to acknowledge; 1 for a dump
 * (no acknowledgement; its replies and NLMSG_DONE are in q->out). */
static int rtnl_request(struct nl_req *q)
{
	uint16_t type = q->h->nlmsg_type;
	int family, kind, r;

	if (type > RTM_MAX)
		return -EOPNOTSUPP;
	if (q->plen < 1)
		return 0;
	family = q->payload[0];
	kind = (type - RTM_BASE) & 3; /* 0 new, 1 del, 2 get, 3 set */
	if (kind != 2 && !capable(q->t, CAP_NET_ADMIN_K))
		return -EPERM;
	if (kind == 2 && (q->h->nlmsg_flags & NLM_F_DUMP)) {
		switch (type) {
		case RTM_GETLINK: r = dump_links(q, family); break;
		case RTM_GETADDR:
			if (family != AF_UNSPEC && !route_alen(family))
				return -EOPNOTSUPP;
			r = dump_addrs(q, family);
			break;
		case RTM_GETROUTE:
			if (family != AF_UNSPEC && !route_alen(family))
				return -EOPNOTSUPP;
			r = dump_routes(q, family);
			break;
		default: return -EOPNOTSUPP;
		}
		if (r < 0)
			return r;
		return 1;
	}
	switch (type) {
	case RTM_GETLINK:
		if (q->plen < sizeof(struct ifinfomsg))
			return -EINVAL;
		return get_link(q);
	case RTM_NEWLINK:
	case RTM_SETLINK:
		if (q->plen < sizeof(struct ifinfomsg))
			return -EINVAL;
		return set_link(q);
	case RTM_NEWADDR:
	case RTM_DELADDR:
		if (q->plen < sizeof(struct ifaddrmsg))
			return -EINVAL;
		return change_addr(q, type == RTM_NEWADDR);
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		if (q->plen < sizeof(struct rtmsg))
			return -EINVAL;
		return change_route(q, type == RTM_NEWROUTE);
	case RTM_DELLINK:
		return -EOPNOTSUPP;
	default:
		return -EOPNOTSUPP;
	}
}

static void put_ack(struct nlbuf *b, struct nl_sock *n, const struct nlmsghdr *h, int err)
{
	bool full = err && !(n->nl_flags & (1u << NETLINK_CAP_ACK));
	size_t body = full ? h->nlmsg_len : sizeof(*h);
	size_t off = msg_begin(b, NLMSG_ERROR, full ? 0 : NLM_F_CAPPED, h->nlmsg_seq, n->portid,
			       NULL, 0);
	uint8_t *p = nb_put(b, sizeof(int) + body);

	if (p) {
		memcpy(p, &err, sizeof(int));
		memcpy(p + sizeof(int), h, body);
	}
	msg_end(b, off);
}

static void flush(struct nl_sock *n, struct nlbuf *b)
{
	if (!b->err && b->len)
		nl_deliver(n, b->p, b->len, 0);
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* A dump's messages in datagrams of at most NL_DUMP_CHUNK bytes (Linux
 * fills one skb per netlink_dump round), split between messages. */
static void flush_dump(struct nl_sock *n, struct nlbuf *b)
{
	size_t start = 0, off = 0;

	while (!b->err && off < b->len) {
		struct nlmsghdr *h = (struct nlmsghdr *)(b->p + off);
		size_t ml = NLMSG_ALIGN(h->nlmsg_len);

		if (off > start && off + ml - start > NL_DUMP_CHUNK) {
			nl_deliver(n, b->p + start, off - start, 0);
			start = off;
		}
		off += ml;
	}
	if (!b->err && off > start)
		nl_deliver(n, b->p + start, off - start, 0);
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* netlink_rcv_skb over one datagram the guest sent to the kernel. */
static void kernel_input(struct task *t, struct nl_sock *n, const uint8_t *data, size_t len)
{
	size_t off = 0;

	while (len - off >= NLMSG_HDRLEN) {
		struct nlmsghdr h;
		struct nlbuf out = { 0 };
		struct nl_req q = { .t = t, .n = n, .out = &out };
		size_t ml;
		int r = 0;

		memcpy(&h, data + off, sizeof(h));
		if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len - off)
			return;
		q.h = (const struct nlmsghdr *)(data + off);
		q.payload = data + off + NLMSG_HDRLEN;
		q.plen = h.nlmsg_len - NLMSG_HDRLEN;
		if ((h.nlmsg_flags & NLM_F_REQUEST) && h.nlmsg_type >= NLMSG_MIN_TYPE)
			r = rtnl_request(&q);
		if (r == 1) {
			/* The dump, then NLMSG_DONE in its own datagram. */
			int zero = 0;

			flush_dump(n, &out);
			msg_end(&out, msg_begin(&out, NLMSG_DONE, NLM_F_MULTI, h.nlmsg_seq,
						n->portid, &zero, sizeof(zero)));
			flush(n, &out);
		} else {
			if (out.err)
				r = out.err;
			if (!r)
				flush(n, &out);
			else
				free(out.p), memset(&out, 0, sizeof(out));
			if (r || (h.nlmsg_flags & NLM_F_ACK)) {
				put_ack(&out, n, q.h, r);
				flush(n, &out);
			}
		}
		ml = NLMSG_ALIGN(h.nlmsg_len);
		if (ml > len - off)
			ml = len - off;
		off += ml;
	}
}

static ssize_t nl_sendmsg(struct task *t, struct socket *s, struct sock_msg *m, int flags)
{
	struct nl_sock *n = nl_of(s), *o;
	uint32_t dst = n->dst_portid, group = n->dst_group;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (m->nfds)
		return -EINVAL;
	if (m->addrlen) {
		struct sockaddr_nl a;
		int r = nl_check_addr(m->addr, m->addrlen, &a);

		if (r < 0)
			return r;
		dst = a.nl_pid;
		group = a.nl_groups ? (uint32_t)__builtin_ffs((int)a.nl_groups) : 0;
		if (group && !capable(t, CAP_NET_ADMIN_K))
			return -EPERM;
	}
	if (!n->bound)
		nl_autobind(t, n);
	if (m->len > (size_t)n->sndbuf - 32)
		return -EMSGSIZE;
	/* An empty datagram is refused (what Linux 6.x answers). */
	if (!m->len)
		return -ENODATA;
	/* No socket joins a group here, so a multicast reaches no one. */
	if (!dst) {
		if (!group)
			kernel_input(t, n, m->buf, m->len);
		return (ssize_t)m->len;
	}
	o = nl_lookup(dst);
	if (!o)
		return -ECONNREFUSED;
	if (o->dst_portid && o->dst_portid != n->portid)
		return -ECONNREFUSED;
	if (nl_deliver(o, m->buf, m->len, n->portid) == -ENOMEM)
		return -ENOMEM;
	return (ssize_t)m->len;
}

static ssize_t nl_recvmsg(struct task *t, struct socket *s, struct sock_msg *m, int flags)
{
	struct nl_sock *n = nl_of(s);
	struct nl_skb *skb;
	struct sock_wait w;
	struct sockaddr_nl a = { .nl_family = AF_NETLINK };
	size_t c;
	ssize_t r;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (flags & MSG_ERRQUEUE)
		return -EAGAIN;
	sock_wait_init(&w, &n->rcvtimeo, (flags & MSG_DONTWAIT) || n->rcvtimeo_neg);
	while (list_empty(&n->rcvq)) {
		int e;

		if (n->err) {
			e = n->err;
			n->err = 0;
			return -e;
		}
		e = sock_wait(t, &w, &n->wq, NULL);
		if (e < 0)
			return e;
	}
	skb = list_entry(n->rcvq.next, struct nl_skb, node);
	c = skb->len < m->len ? skb->len : m->len;
	memcpy(m->buf, skb->data, c);
	if (skb->len > m->len)
		m->msg_flags |= MSG_TRUNC;
	a.nl_pid = skb->src_portid;
	a.nl_groups = skb->group ? 1u << (skb->group - 1) : 0;
	memcpy(m->addr, &a, sizeof(a));
	m->addrlen = sizeof(a);
	r = (flags & MSG_TRUNC) ? (ssize_t)skb->len : (ssize_t)c;
	if (!(flags & MSG_PEEK)) {
		list_del(&skb->node);
		n->rmem -= skb->len;
		free(skb);
	}
	return r;
}

static unsigned int nl_poll(struct socket *s, struct waitq **wq)
{
	struct nl_sock *n = nl_of(s);
	unsigned int mask = POLLOUT | POLLWRNORM | POLLWRBAND;

	if (wq)
		*wq = &n->wq;
	if (!list_empty(&n->rcvq))
		mask |= POLLIN | POLLRDNORM;
	if (n->err)
		mask |= POLLERR;
	return mask;
}

static long nl_ioctl(struct task *t, struct socket *s, unsigned int cmd, uint64_t arg)
{
	/* netlink_ioctl knows nothing; the device ioctls apply to any socket. */
	return route_ioctl(t, cmd, arg, false);
}

/* The NETLINK_* options that are plain flags here. */
static bool nl_flag_opt(int name)
{
	return name == NETLINK_PKTINFO || name == NETLINK_BROADCAST_ERROR ||
	       name == NETLINK_NO_ENOBUFS || name == NETLINK_CAP_ACK ||
	       name == NETLINK_EXT_ACK || name == NETLINK_GET_STRICT_CHK ||
	       name == NETLINK_LISTEN_ALL_NSID;
}

static int nl_getsockopt(struct task *t, struct socket *s, int level, int name, void *val,
			 socklen_t *len)
{
	struct nl_sock *n = nl_of(s);
	int v;

	if (level == SOL_NETLINK) {
		if (!nl_flag_opt(name))
			return -ENOPROTOOPT;
		return sockopt_put_int_whole(!!(n->nl_flags & (1u << name)), val, len);
	}
	if (level != SOL_SOCKET)
		return -ENOPROTOOPT;
	switch (name) {
	case SO_TYPE: v = s->type; break;
	case SO_DOMAIN: v = AF_NETLINK; break;
	case SO_PROTOCOL: v = s->protocol; break;
	case SO_ERROR: v = n->err; n->err = 0; break;
	case SO_SNDBUF: v = n->sndbuf; break;
	case SO_RCVBUF: v = n->rcvbuf; break;
	case SO_RCVTIMEO: return sockopt_put_timeo(&n->rcvtimeo, val, len);
	default: return -ENOPROTOOPT;
	}
	return sockopt_put_int(v, val, len);
}

static int nl_setsockopt(struct task *t, struct socket *s, int level, int name,
			 const void *val, socklen_t len)
{
	struct nl_sock *n = nl_of(s);
	int v;

	if (level == SOL_SOCKET && name == SO_RCVTIMEO)
		return sockopt_get_timeo(val, len, &n->rcvtimeo, &n->rcvtimeo_neg);
	if (level != SOL_SOCKET && level != SOL_NETLINK)
		return -ENOPROTOOPT;
	if (level == SOL_NETLINK) {
		if (name == NETLINK_ADD_MEMBERSHIP || name == NETLINK_DROP_MEMBERSHIP)
			return -EOPNOTSUPP;
		if (!nl_flag_opt(name))
			return -ENOPROTOOPT;
		v = 0;
		if (len >= (socklen_t)sizeof(int))
			memcpy(&v, val, sizeof(v));
		if (v)
			n->nl_flags |= 1u << name;
		else
			n->nl_flags &= ~(1u << name);
		return 0;
	}
	if (sockopt_get_int(val, len, &v) < 0)
		return -EINVAL;
	switch (name) {
	case SO_SNDBUF:
		if ((unsigned int)v > NL_BUF_MAX)
			v = NL_BUF_MAX;
		n->sndbuf = v * 2 < NL_MIN_BUF * 2 ? NL_MIN_BUF * 2 : v * 2;
		return 0;
	case SO_RCVBUF:
		if ((unsigned int)v > NL_BUF_MAX)
			v = NL_BUF_MAX;
		n->rcvbuf = v * 2 < NL_MIN_BUF ? NL_MIN_BUF : v * 2;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

static void nl_release(struct socket *s)
{
	struct nl_sock *n = nl_of(s);
	struct nl_skb *skb, *sn;

	if (n->bound)
		list_del(&n->node);
	list_for_each_entry_safe(skb, sn, &n->rcvq, node)
		free(skb);
	free(n);
}

static const struct sock_ops nl_ops = {
	.bind = nl_bind,
	.connect = nl_connect,
	.listen = nl_listen,
	.accept = nl_accept,
	.sendmsg = nl_sendmsg,
	.recvmsg = nl_recvmsg,
	.shutdown = nl_shutdown,
	.getname = nl_getname,
	.getsockopt = nl_getsockopt,
	.setsockopt = nl_setsockopt,
	.poll = nl_poll,
	.ioctl = nl_ioctl,
	.release = nl_release,
};
