/* /proc/net from the network stack: interfaces, IPv6 addresses and IPv4
 * routes from net/route.c, unix and UDP sockets found through the open
 * files of every process (the generic socket operations, so no family
 * needs a hook), TCP through tcp_proc_lines. Formats are Linux's
 * (net/core/net-procfs.c, net/ipv6/addrconf.c, net/ipv4/fib_trie.c,
 * net/unix/af_unix.c, net/ipv4/udp.c, net/ipv6/datagram.c). What we do
 * not count reads 0: interface and protocol counters, socket queues;
 * the uid column is 0 and the kernel pointer column is zeros, as for a
 * reader without kallsyms rights. */
#define _GNU_SOURCE
#include "net/procnet.h"
#include "net/route.h"
#include "net/socket.h"
#include "fs/proc_net.h"
#include "sentry/task.h"

#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

__attribute__((weak)) void tcp_proc_lines(struct pbuf *b, int family, int *sl)
{
	(void)b;
	(void)family;
	(void)sl;
}

/* ---- the sockets of the sandbox ---- */

struct socks {
	struct socket **v;
	size_t n, cap;
};

static void add_sock(struct socks *l, struct socket *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i] == s)
			return;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct socket **v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = s;
}

static void collect_tg(struct thread_group *tg, void *arg)
{
	struct task *t;

	if (tg->reaped)
		return;
	list_for_each_entry(t, &tg->tasks, tg_node) {
		if (t->state == TASK_ZOMBIE || !t->files)
			continue;
		for (int i = 0; i < t->files->size; i++) {
			struct socket *s = socket_of(t->files->fds[i].file);

			if (s)
				add_sock(arg, s);
		}
	}
}

static int by_ino(const void *a, const void *b)
{
	const struct socket *x = *(struct socket *const *)a, *y = *(struct socket *const *)b;

	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/* Every socket some process holds open, in inode order. */
static void collect(struct socks *l)
{
	for_each_tg(collect_tg, l);
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), by_ino);
}

static bool sock_name(struct socket *s, bool peer, void *addr, socklen_t *len)
{
	*len = SOCK_ADDR_MAX;
	memset(addr, 0, SOCK_ADDR_MAX);
	return s->ops->getname && s->ops->getname(s, peer, addr, len) == 0;
}

/* ---- unix ---- */

static void show_unix(struct pbuf *b)
{
	struct socks l = { 0 };

	pbuf_printf(b, "Num       RefCount Protocol Flags    Type St Inode Path\n");
	collect(&l);
	for (size_t i = 0; i < l.n; i++) {
		struct socket *s = l.v[i];
		union { struct sockaddr_un un; uint8_t raw[SOCK_ADDR_MAX]; } a, p;
		socklen_t len, plen = sizeof(int);
		int listening = 0;
		bool conn;

		if (s->family != AF_UNIX)
			continue;
		if (s->ops->getsockopt)
			s->ops->getsockopt(task_current, s, SOL_SOCKET, SO_ACCEPTCONN, &listening, &plen);
		conn = sock_name(s, true, &p, &len);
		sock_name(s, false, &a, &len);
		/* unix_seq_show: a connected socket holds one more reference;
		 * St is SS_CONNECTED or SS_UNCONNECTED; listeners flag
		 * __SO_ACCEPTCON. */
		pbuf_printf(b, "%016x: %08X %08X %08X %04X %02X %5llu", 0, conn ? 3 : 2, 0,
			    listening ? 0x10000 : 0, s->type, conn ? 3 : 1,
			    (unsigned long long)s->ino);
		if (len > offsetof(struct sockaddr_un, sun_path)) {
			size_t n = len - offsetof(struct sockaddr_un, sun_path);

			pbuf_printf(b, " ");
			if (a.un.sun_path[0]) {
				pbuf_add(b, a.un.sun_path, strnlen(a.un.sun_path, n));
			} else {
				pbuf_printf(b, "@");
				for (size_t k = 1; k < n; k++)
					pbuf_printf(b, "%c", a.un.sun_path[k] ? a.un.sun_path[k] : '@');
			}
		}
		pbuf_printf(b, "\n");
	}
	free(l.v);
}

/* ---- udp, tcp ---- */

/* An IPv4 address word as Linux prints a __be32 with %08X. */
static unsigned int be32_word(const void *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void show_udp_fam(struct pbuf *b, int family)
{
	struct socks l = { 0 };
	int sl = 0;

	if (family == AF_INET) {
		size_t st = b->len;

		pbuf_printf(b, "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
			       "retrnsmt   uid  timeout inode ref pointer drops");
		pbuf_pad(b, st, 127);
		pbuf_printf(b, "\n");
	} else {
		pbuf_printf(b, "  sl  local_address                         remote_address                "
			       "        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref "
			       "pointer drops\n");
	}
	collect(&l);
	for (size_t i = 0; i < l.n; i++) {
		struct socket *s = l.v[i];
		union { struct sockaddr_in in; struct sockaddr_in6 in6; uint8_t raw[SOCK_ADDR_MAX]; } a, p;
		socklen_t len;
		bool conn;
		size_t st = b->len;

		if (s->family != family || s->type != SOCK_DGRAM || s->protocol != IPPROTO_UDP)
			continue;
		if (!sock_name(s, false, &a, &len))
			continue;
		conn = sock_name(s, true, &p, &len);
		if (!conn)
			memset(&p, 0, sizeof(p));
		if (family == AF_INET) {
			/* Only sockets with a port are in the hash Linux walks. */
			if (!a.in.sin_port)
				continue;
			pbuf_printf(b, "%5d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d "
				       "%llu %d %016x %u", sl++, be32_word(&a.in.sin_addr),
				    ntohs(a.in.sin_port), be32_word(&p.in.sin_addr), ntohs(p.in.sin_port),
				    conn ? 1 : 7, 0, 0, 0, 0UL, 0, 0, 0, (unsigned long long)s->ino, 2, 0, 0);
			pbuf_pad(b, st, 127);
			pbuf_printf(b, "\n");
		} else {
			const uint8_t *x = a.in6.sin6_addr.s6_addr, *y = p.in6.sin6_addr.s6_addr;

			if (!a.in6.sin6_port)
				continue;
			pbuf_printf(b, "%5d: %08X%08X%08X%08X:%04X %08X%08X%08X%08X:%04X %02X %08X:%08X "
				       "%02X:%08lX %08X %5u %8d %llu %d %016x %u\n", sl++, be32_word(x),
				    be32_word(x + 4), be32_word(x + 8), be32_word(x + 12),
				    ntohs(a.in6.sin6_port), be32_word(y), be32_word(y + 4),
				    be32_word(y + 8), be32_word(y + 12), ntohs(p.in6.sin6_port),
				    conn ? 1 : 7, 0, 0, 0, 0UL, 0, 0, 0, (unsigned long long)s->ino, 2, 0, 0);
		}
	}
	free(l.v);
}

static void show_udp(struct pbuf *b)
{
	show_udp_fam(b, AF_INET);
}

static void show_udp6(struct pbuf *b)
{
	show_udp_fam(b, AF_INET6);
}

static void show_tcp(struct pbuf *b)
{
	size_t st = b->len;
	int sl = 0;

	pbuf_printf(b, "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt"
		       "   uid  timeout inode");
	pbuf_pad(b, st, 149);
	pbuf_printf(b, "\n");
	tcp_proc_lines(b, AF_INET, &sl);
}

static void show_tcp6(struct pbuf *b)
{
	int sl = 0;

	pbuf_printf(b, "  sl  local_address                         remote_address                "
		       "        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
	tcp_proc_lines(b, AF_INET6, &sl);
}

/* ---- interfaces, addresses, routes ---- */

static void show_dev(struct pbuf *b)
{
	pbuf_printf(b, "Inter-|   Receive                                                |  Transmit\n"
		       " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets "
		       "errs drop fifo colls carrier compressed\n");
	for (int i = 0; i < route_nifs(); i++) {
		const struct net_if *ifp = route_if_at(i);

		if (!ifp)
			continue;
		pbuf_printf(b, "%6s: %7llu %7llu %4llu %4llu %4llu %5llu %10llu %9llu %8llu %7llu %4llu "
			       "%4llu %4llu %5llu %7llu %10llu\n", ifp->name, 0ULL, 0ULL, 0ULL, 0ULL,
			    0ULL, 0ULL, 0ULL, 0ULL, 0ULL, 0ULL, 0ULL, 0ULL, 0ULL, 0ULL, 0ULL, 0ULL);
	}
}

/* if6_seq_show prints IPv6's own scope classes, not rtnetlink's. */
static unsigned int scope6(int rt_scope)
{
	switch (rt_scope) {
	case RT_SCOPE_HOST: return 0x10;
	case RT_SCOPE_LINK: return 0x20;
	case RT_SCOPE_SITE: return 0x40;
	default: return 0;
	}
}

static void show_if_inet6(struct pbuf *b)
{
	struct net_addr *a;

	list_for_each_entry(a, route_addrs(), node) {
		const struct net_if *ifp = route_if_by_index(a->ifindex);

		if (a->family != AF_INET6)
			continue;
		for (int i = 0; i < 16; i++)
			pbuf_printf(b, "%02x", a->addr[i]);
		pbuf_printf(b, " %02x %02x %02x %02x %8s\n", (unsigned int)a->ifindex,
			    (unsigned int)a->prefixlen, scope6(a->scope), a->flags & 0xff,
			    ifp ? ifp->name : "");
	}
}

static void show_route(struct pbuf *b)
{
	struct net_route *v = NULL;
	size_t st = b->len;
	int n = route_collect(&v);

	pbuf_printf(b, "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\t"
		       "Window\tIRTT");
	pbuf_pad(b, st, 127);
	pbuf_printf(b, "\n");
	for (int i = 0; i < n; i++) {
		const struct net_route *r = &v[i];
		const struct net_if *ifp = route_if_by_index(r->ifindex);
		uint32_t mask;
		unsigned int flags = 0x0001; /* RTF_UP */

		/* fib_route_seq_show: the main table, without broadcast and
		 * multicast entries (local ones live in the local table). */
		if (r->family != AF_INET || r->table != RT_TABLE_MAIN || r->type == RTN_BROADCAST ||
		    r->type == RTN_MULTICAST || r->type == RTN_LOCAL)
			continue;
		/* Only now: an IPv6 route's prefix (up to 128) is no shift. */
		mask = r->dst_len && r->dst_len <= 32 ? htonl(~0u << (32 - r->dst_len)) : 0;
		if (r->type == RTN_UNREACHABLE || r->type == RTN_PROHIBIT)
			flags |= 0x0200; /* RTF_REJECT */
		if (r->has_gw)
			flags |= 0x0002; /* RTF_GATEWAY */
		if (r->dst_len == 32)
			flags |= 0x0004; /* RTF_HOST */
		st = b->len;
		pbuf_printf(b, "%s\t%08X\t%08X\t%04X\t%d\t%u\t%d\t%08X\t%d\t%u\t%u",
			    ifp ? ifp->name : "*", be32_word(r->dst), r->has_gw ? be32_word(r->gw) : 0,
			    flags, 0, 0, (int)r->priority, mask, 0, 0, 0);
		pbuf_pad(b, st, 127);
		pbuf_printf(b, "\n");
	}
	free(v);
}

/* The counters we keep none of: Linux's names (6.x), zero values, and the
 * constants (no forwarding, TTL 64, Linux's RTO bounds). */
static void show_snmp(struct pbuf *b)
{
	pbuf_printf(b, "Ip: Forwarding DefaultTTL InReceives InHdrErrors InAddrErrors ForwDatagrams "
		       "InUnknownProtos InDiscards InDelivers OutRequests OutDiscards OutNoRoutes "
		       "ReasmTimeout ReasmReqds ReasmOKs ReasmFails FragOKs FragFails FragCreates "
		       "OutTransmits\n"
		       "Ip: 2 64 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
	pbuf_printf(b, "Icmp: InMsgs InErrors InCsumErrors InDestUnreachs InTimeExcds InParmProbs "
		       "InSrcQuenchs InRedirects InEchos InEchoReps InTimestamps InTimestampReps "
		       "InAddrMasks InAddrMaskReps OutMsgs OutErrors OutRateLimitGlobal "
		       "OutRateLimitHost OutDestUnreachs OutTimeExcds OutParmProbs OutSrcQuenchs "
		       "OutRedirects OutEchos OutEchoReps OutTimestamps OutTimestampReps OutAddrMasks "
		       "OutAddrMaskReps\n"
		       "Icmp: 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
	pbuf_printf(b, "Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens "
		       "AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts "
		       "InCsumErrors\n"
		       "Tcp: 1 200 120000 -1 0 0 0 0 0 0 0 0 0 0 0\n");
	pbuf_printf(b, "Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors "
		       "InCsumErrors IgnoredMulti MemErrors\n"
		       "Udp: 0 0 0 0 0 0 0 0 0\n");
	pbuf_printf(b, "UdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors "
		       "SndbufErrors InCsumErrors IgnoredMulti MemErrors\n"
		       "UdpLite: 0 0 0 0 0 0 0 0 0\n");
}

static void __attribute__((constructor)) procnet_init(void)
{
	proc_net_provide(PROC_NET_DEV, show_dev);
	proc_net_provide(PROC_NET_IF_INET6, show_if_inet6);
	proc_net_provide(PROC_NET_ROUTE, show_route);
	proc_net_provide(PROC_NET_SNMP, show_snmp);
	proc_net_provide(PROC_NET_TCP, show_tcp);
	proc_net_provide(PROC_NET_TCP6, show_tcp6);
	proc_net_provide(PROC_NET_UDP, show_udp);
	proc_net_provide(PROC_NET_UDP6, show_udp6);
	proc_net_provide(PROC_NET_UNIX, show_unix);
}
