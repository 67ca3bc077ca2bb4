/* --network=sandbox, host side: dump the namespace's links, addresses and
 * routes over NETLINK_ROUTE, open one AF_PACKET socket per Ethernet link
 * (PACKET_VNET_HDR, outgoing frames ignored), then remove the addresses
 * from the host interface and turn its IPv6 off, so that only the sentry's
 * stack answers for them (gVisor does the same). The MAC stays: the
 * sentry's interface uses it. The namespace is left without its addresses
 * when the sandbox ends; it is the sandbox's. */
#define _GNU_SOURCE
#include "runsc/netconf.h"
#include "net/link.h"
#include "net/route.h"
#include "sentry/log.h"
#include "sentry/task.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

const char *netconf_network = "sandbox";

#define MAX_ADDRS 16
#define MAX_ROUTES 64
#define PACKET_RCVBUF (4 << 20)

struct rec_if {
	struct net_if ifc;
	bool up;
	int fd;
	int naddrs;
	struct net_addr addrs[MAX_ADDRS];
};

static struct rec_if recs[ROUTE_MAX_IFS - 1];
static int nrecs;
static struct net_route routes[MAX_ROUTES];
static int nroutes;
static bool recorded;

/* ---- host netlink ---- */

static int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

/* Send one request and hand every answer message to fn until DONE (a
 * dump) or the ACK; returns 0 or the request's -errno. */
static int nl_talk(int fd, struct nlmsghdr *req, void (*fn)(struct nlmsghdr *h))
{
	static uint32_t seq;
	char buf[32768];

	req->nlmsg_seq = ++seq;
	if (send(fd, req, req->nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				return e->error;
			}
			if (fn)
				fn(h);
		}
	}
}

static int nl_dump(int fd, int type, int family, void (*fn)(struct nlmsghdr *h))
{
	struct {
		struct nlmsghdr h;
		struct rtgenmsg g;
	} req = { .h = { .nlmsg_len = sizeof(req), .nlmsg_type = (uint16_t)type,
			 .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		  .g = { .rtgen_family = (unsigned char)family } };

	return nl_talk(fd, &req.h, fn);
}

static struct rec_if *rec_of(int index)
{
	for (int i = 0; i < nrecs; i++)
		if (recs[i].ifc.index == index)
			return &recs[i];
	return NULL;
}

static void on_link(struct nlmsghdr *h)
{
	struct ifinfomsg *ifi = NLMSG_DATA(h);
	int len = (int)IFLA_PAYLOAD(h);
	struct rec_if *r;
	struct rtattr *a;

	if (h->nlmsg_type != RTM_NEWLINK || ifi->ifi_type != ARPHRD_ETHER ||
	    (ifi->ifi_flags & IFF_LOOPBACK) || nrecs == (int)(sizeof(recs) / sizeof(recs[0])))
		return;
	r = &recs[nrecs];
	memset(r, 0, sizeof(*r));
	r->fd = -1;
	r->ifc.index = ifi->ifi_index;
	r->ifc.type = ARPHRD_ETHER;
	r->ifc.flags = ifi->ifi_flags & (IFF_BROADCAST | IFF_MULTICAST);
	r->up = ifi->ifi_flags & IFF_UP;
	r->ifc.mtu = 1500;
	r->ifc.txqlen = 1000;
	for (a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		size_t al = RTA_PAYLOAD(a);

		if (a->rta_type == IFLA_IFNAME && al > 0)
			snprintf(r->ifc.name, IFNAMSIZ, "%.*s", (int)al, (char *)RTA_DATA(a));
		else if (a->rta_type == IFLA_MTU && al >= 4)
			memcpy(&r->ifc.mtu, RTA_DATA(a), 4);
		else if (a->rta_type == IFLA_ADDRESS && al == 6)
			memcpy(r->ifc.hwaddr, RTA_DATA(a), 6);
		else if (a->rta_type == IFLA_TXQLEN && al >= 4)
			memcpy(&r->ifc.txqlen, RTA_DATA(a), 4);
	}
	/* An MTU the stack can use (IPv6 needs 1280, IPv4 68). */
	if (!r->ifc.name[0] || r->ifc.mtu < 1280 || r->ifc.mtu > 65535)
		return;
	nrecs++;
}

static void on_addr(struct nlmsghdr *h)
{
	struct ifaddrmsg *ifa = NLMSG_DATA(h);
	int len = (int)IFA_PAYLOAD(h);
	struct rec_if *r = rec_of((int)ifa->ifa_index);
	int alen = ifa->ifa_family == AF_INET ? 4 : ifa->ifa_family == AF_INET6 ? 16 : 0;
	struct net_addr *x;
	bool have_local = false, have_addr = false;
	struct rtattr *a;

	if (h->nlmsg_type != RTM_NEWADDR || !r || !alen || r->naddrs == MAX_ADDRS)
		return;
	x = &r->addrs[r->naddrs];
	memset(x, 0, sizeof(*x));
	x->family = ifa->ifa_family;
	x->ifindex = r->ifc.index;
	x->prefixlen = ifa->ifa_prefixlen;
	x->scope = ifa->ifa_scope;
	x->flags = ifa->ifa_flags & ~(IFA_F_TENTATIVE | IFA_F_DADFAILED | IFA_F_SECONDARY);
	snprintf(x->label, IFNAMSIZ, "%s", r->ifc.name);
	for (a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		size_t al = RTA_PAYLOAD(a);

		if (a->rta_type == IFA_LOCAL && al == (size_t)alen) {
			memcpy(x->addr, RTA_DATA(a), (size_t)alen);
			have_local = true;
		} else if (a->rta_type == IFA_ADDRESS && al == (size_t)alen) {
			memcpy(x->peer, RTA_DATA(a), (size_t)alen);
			have_addr = true;
		} else if (a->rta_type == IFA_BROADCAST && al == 4) {
			memcpy(x->brd, RTA_DATA(a), 4);
			x->has_brd = true;
		} else if (a->rta_type == IFA_FLAGS && al >= 4) {
			uint32_t f;

			memcpy(&f, RTA_DATA(a), 4);
			x->flags = f & ~(IFA_F_TENTATIVE | IFA_F_DADFAILED | IFA_F_SECONDARY);
		}
	}
	if (!have_local && have_addr)
		memcpy(x->addr, x->peer, (size_t)alen);
	if (!have_addr && have_local)
		memcpy(x->peer, x->addr, (size_t)alen);
	if (!have_local && !have_addr)
		return;
	r->naddrs++;
}

static void on_route(struct nlmsghdr *h)
{
	struct rtmsg *rt = NLMSG_DATA(h);
	int len = (int)RTM_PAYLOAD(h);
	int alen = rt->rtm_family == AF_INET ? 4 : rt->rtm_family == AF_INET6 ? 16 : 0;
	struct net_route *x;
	uint32_t table = rt->rtm_table;
	struct rtattr *a;

	/* Routes the addresses imply are the stack's to derive; the others
	 * of the main table (default and static routes, RA-learnt ones) are
	 * copied. */
	if (h->nlmsg_type != RTM_NEWROUTE || !alen || rt->rtm_type != RTN_UNICAST ||
	    rt->rtm_protocol == RTPROT_KERNEL || nroutes == MAX_ROUTES)
		return;
	x = &routes[nroutes];
	memset(x, 0, sizeof(*x));
	x->family = rt->rtm_family;
	x->dst_len = rt->rtm_dst_len;
	x->type = RTN_UNICAST;
	x->protocol = rt->rtm_protocol;
	x->scope = rt->rtm_scope;
	for (a = RTM_RTA(rt); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		size_t al = RTA_PAYLOAD(a);

		if (a->rta_type == RTA_DST && al == (size_t)alen) {
			memcpy(x->dst, RTA_DATA(a), (size_t)alen);
		} else if (a->rta_type == RTA_GATEWAY && al == (size_t)alen) {
			memcpy(x->gw, RTA_DATA(a), (size_t)alen);
			x->has_gw = true;
		} else if (a->rta_type == RTA_PREFSRC && al == (size_t)alen) {
			memcpy(x->prefsrc, RTA_DATA(a), (size_t)alen);
			x->has_prefsrc = true;
		} else if (a->rta_type == RTA_OIF && al >= 4) {
			memcpy(&x->ifindex, RTA_DATA(a), 4);
		} else if (a->rta_type == RTA_PRIORITY && al >= 4) {
			memcpy(&x->priority, RTA_DATA(a), 4);
		} else if (a->rta_type == RTA_TABLE && al >= 4) {
			memcpy(&table, RTA_DATA(a), 4);
		}
	}
	if (table != RT_TABLE_MAIN || (x->ifindex && !rec_of(x->ifindex)))
		return;
	x->table = RT_TABLE_MAIN;
	nroutes++;
}

static int del_addr(int fd, const struct net_addr *x)
{
	struct {
		struct nlmsghdr h;
		struct ifaddrmsg ifa;
		char attrs[64];
	} req = { .h = { .nlmsg_type = RTM_DELADDR, .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK },
		  .ifa = { .ifa_family = (uint8_t)x->family, .ifa_prefixlen = (uint8_t)x->prefixlen,
			   .ifa_index = (uint32_t)x->ifindex } };
	size_t alen = x->family == AF_INET ? 4 : 16;
	struct rtattr *a = (struct rtattr *)req.attrs;

	a->rta_type = IFA_LOCAL;
	a->rta_len = (unsigned short)RTA_LENGTH(alen);
	memcpy(RTA_DATA(a), x->addr, alen);
	req.h.nlmsg_len = (uint32_t)(NLMSG_LENGTH(sizeof(req.ifa)) + RTA_ALIGN(a->rta_len));
	return nl_talk(fd, &req.h, NULL);
}

/* The host stops speaking IPv6 on the interface: its own link-local
 * address would answer neighbour solicitations meant for ours. */
static void host_ipv6_off(const char *ifname)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, "1", 1) != 1)
		swarn("netconf: %s: %s", path, strerror(errno));
	close(fd);
}

static int packet_open(int ifindex)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
				   .sll_ifindex = ifindex };
	int one = 1, rcv = PACKET_RCVBUF;
	/* Protocol 0: nothing is queued before the bind picks the link. */
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	/* Best effort: older kernels lack it (frames are then filtered by
	 * their packet type), and a smaller buffer only drops sooner. */
	setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &rcv, sizeof(rcv)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &rcv, sizeof(rcv));
	return fd;
}

/* The initial network namespace's inode number, fixed since Linux 6.18
 * (PROC_NET_INIT_INO); before, every namespace's was allocated from
 * 0xF0000000 up. */
#define NET_INIT_INO 0xEFFFFFF9u

static bool kernel_at_least(int maj, int min)
{
	struct utsname u;
	int a = 0, b = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%d.%d", &a, &b) != 2)
		return false;
	return a > maj || (a == maj && b >= min);
}

/* The initial namespace's inode, found by netconf_init while /proc is
 * there; 0: unknown. */
static unsigned long init_netns_ino;

void netconf_init(const char *network)
{
	struct stat init;

	netconf_network = network;
	if (stat("/proc/1/ns/net", &init) == 0)
		init_netns_ino = init.st_ino;
	else if (kernel_at_least(6, 18))
		/* pid 1 out of reach (another user namespace, not dumpable):
		 * the fixed number tells, where the kernel has it. */
		init_netns_ino = NET_INIT_INO;
}

/* This thread's network namespace inode through a socket (SIOCGSKNS),
 * which needs no /proc: OCI start-up has emptied the root by now. */
static unsigned long current_netns_ino(int sock)
{
	struct stat st;
	int ns = ioctl(sock, SIOCGSKNS);
	unsigned long ino = 0;

	if (ns < 0)
		return 0;
	if (fstat(ns, &st) == 0)
		ino = st.st_ino;
	close(ns);
	return ino;
}

static bool host_initial_netns(int sock)
{
	unsigned long cur = current_netns_ino(sock);

	/* Unknown counts as the host's: taking the host's addresses away by
	 * mistake would cut the machine off. */
	if (!cur || !init_netns_ino) {
		swarn("netconf: cannot tell whether this is the host's network namespace: "
		      "loopback only");
		return true;
	}
	return cur == init_netns_ino;
}

int netconf_record(bool force)
{
	int fd, e, kept = 0;

	if (recorded)
		return nrecs;
	recorded = true;
	if (netconf_network && strcmp(netconf_network, "sandbox"))
		return 0;
	fd = nl_open();
	if (fd < 0)
		return fd;
	if (!force && host_initial_netns(fd)) {
		close(fd);
		return 0;
	}
	e = nl_dump(fd, RTM_GETLINK, AF_UNSPEC, on_link);
	if (!e)
		e = nl_dump(fd, RTM_GETADDR, AF_UNSPEC, on_addr);
	if (!e)
		e = nl_dump(fd, RTM_GETROUTE, AF_UNSPEC, on_route);
	if (e < 0) {
		swarn("netconf: netlink dump: %s", strerror(-e));
		nrecs = nroutes = 0;
		close(fd);
		return e;
	}
	for (int i = 0; i < nrecs; i++) {
		struct rec_if *r = &recs[i];

		r->fd = packet_open(r->ifc.index);
		if (r->fd < 0) {
			swarn("netconf: %s: packet socket: %s; left to the host", r->ifc.name,
			      strerror(-r->fd));
			continue;
		}
		for (int j = 0; j < r->naddrs; j++)
			if (r->addrs[j].family == AF_INET &&
			    (e = del_addr(fd, &r->addrs[j])) < 0 && e != -EADDRNOTAVAIL)
				swarn("netconf: %s: removing an address: %s", r->ifc.name,
				      strerror(-e));
		host_ipv6_off(r->ifc.name);
		/* Without the sysctl, the IPv6 addresses go one by one. */
		for (int j = 0; j < r->naddrs; j++)
			if (r->addrs[j].family == AF_INET6)
				del_addr(fd, &r->addrs[j]);
		recs[kept++] = *r;
	}
	nrecs = kept;
	close(fd);
	sinfo("netconf: %d interface(s), %d route(s) from the network namespace", nrecs, nroutes);
	return nrecs;
}

int netconf_install(void)
{
	int e = netconf_record(false);

	if (e <= 0)
		return e;
	/* The receive threads start as the links come: they wait for the
	 * BKL until the addresses are in. */
	bkl_lock();
	for (int i = 0; i < nrecs; i++) {
		struct rec_if *r = &recs[i];
		struct net_if *ifp;

		e = packet_link_add(&r->ifc, r->fd, true, &ifp);
		if (e < 0) {
			swarn("netconf: %s: %s", r->ifc.name, strerror(-e));
			continue;
		}
		if (r->up)
			route_if_set_flags(ifp, ifp->flags | IFF_UP);
		for (int j = 0; j < r->naddrs; j++)
			if ((e = route_addr_add(&r->addrs[j])) < 0)
				swarn("netconf: %s: address: %s", r->ifc.name, strerror(-e));
	}
	for (int i = 0; i < nroutes; i++)
		if ((e = route_add(&routes[i], NLM_F_CREATE)) < 0 && e != -EEXIST)
			swarn("netconf: route: %s", strerror(-e));
	bkl_unlock();
	return nrecs;
}

int netconf_packet_fds(int *fds, int max)
{
	int n = 0;

	for (int i = 0; i < nrecs && n < max; i++)
		if (recs[i].fd >= 0)
			fds[n++] = recs[i].fd;
	return n;
}
