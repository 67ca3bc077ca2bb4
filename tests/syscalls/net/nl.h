/* Helpers for the netlink route tests: a private network namespace with
 * lo up (natively unshare(CLONE_NEWNET), which needs root; the sandbox
 * has one namespace, whose lo is up, and refuses CLONE_NEWNET), requests
 * and dumps. */
#ifndef TESTS_SYSCALLS_NL_H
#define TESTS_SYSCALLS_NL_H
#include "net.h"
#include <arpa/inet.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

static inline void nl_private_net(void)
{
	struct ifreq ifr;
	int s;

	unshare(CLONE_NEWNET); /* the result differs by design: not printed */
	s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0 && !(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
}

static inline int nl_open(void)
{
	return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
}

struct nl_req {
	struct nlmsghdr h;
	union {
		struct rtgenmsg g;
		struct ifinfomsg ifi;
		struct ifaddrmsg ifa;
		struct rtmsg rtm;
	};
	char attrs[256];
};

static inline void nl_init(struct nl_req *r, int type, int flags, int seq)
{
	memset(r, 0, sizeof(*r));
	r->h.nlmsg_type = (unsigned short)type;
	r->h.nlmsg_flags = (unsigned short)(NLM_F_REQUEST | flags);
	r->h.nlmsg_seq = (unsigned int)seq;
}

static inline void nl_fixed(struct nl_req *r, size_t flen)
{
	r->h.nlmsg_len = (unsigned int)NLMSG_LENGTH(flen);
}

static inline void nl_attr(struct nl_req *r, int type, const void *d, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->h.nlmsg_len));

	a->rta_type = (unsigned short)type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), d, len);
	r->h.nlmsg_len = (unsigned int)(NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len));
}

static inline long nl_send(int fd, struct nl_req *r)
{
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };

	return sendto(fd, r, r->h.nlmsg_len, 0, (struct sockaddr *)&k, sizeof(k));
}

/* Read replies until NLMSG_DONE or an NLMSG_ERROR for seq, calling fn on
 * each other message; returns the error (0 for DONE or an ack). */
static inline int nl_collect(int fd, int seq, void (*fn)(struct nlmsghdr *h, void *arg),
			     void *arg)
{
	static char buf[65536];

	for (;;) {
		long n = recv(fd, buf, sizeof(buf), 0);

		if (n < 0) {
			printf("recv: %s\n", strerrorname_np(errno));
			return -1;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned long)n);
		     h = NLMSG_NEXT(h, n)) {
			if ((int)h->nlmsg_seq != seq) {
				printf("unexpected seq %u\n", h->nlmsg_seq);
				continue;
			}
			if (h->nlmsg_type == NLMSG_DONE)
				return *(int *)NLMSG_DATA(h);
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			fn(h, arg);
		}
	}
}

static inline const char *errstr(int e)
{
	return e ? strerrorname_np(-e) : "0";
}

/* Send r and report its acknowledgement. */
static inline void nl_do(int fd, struct nl_req *r, const char *what)
{
	static int seq = 1000;
	void none(struct nlmsghdr *h, void *a) { printf("  reply type %d\n", h->nlmsg_type); }

	r->h.nlmsg_seq = (unsigned int)++seq;
	r->h.nlmsg_flags |= NLM_F_ACK;
	if (nl_send(fd, r) < 0) {
		printf("%s: send %s\n", what, strerrorname_np(errno));
		return;
	}
	printf("%s: %s\n", what, errstr(nl_collect(fd, seq, none, NULL)));
}

static inline void print_addr(int family, const void *a, int len)
{
	char s[INET6_ADDRSTRLEN];

	if ((family == AF_INET && len >= 4) || (family == AF_INET6 && len >= 16))
		printf("%s", inet_ntop(family, a, s, sizeof(s)));
	else
		printf("?");
}

/* One line per address of a dump (family 0: all). */
static inline void addr_line(struct nlmsghdr *h, void *arg)
{
	struct ifaddrmsg *ifa = NLMSG_DATA(h);
	int len = (int)IFA_PAYLOAD(h);

	if (h->nlmsg_type != RTM_NEWADDR)
		return;
	/* IPv6 duplicate address detection is quick on lo but asynchronous:
	 * whether an address is still tentative is not deterministic. */
	printf("  addr fam=%d plen=%d scope=%d idx=%d flags=0x%x", ifa->ifa_family,
	       ifa->ifa_prefixlen, ifa->ifa_scope, ifa->ifa_index,
	       ifa->ifa_flags & ~IFA_F_TENTATIVE);
	for (struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == IFA_ADDRESS || a->rta_type == IFA_LOCAL ||
		    a->rta_type == IFA_BROADCAST) {
			printf(" %s=", a->rta_type == IFA_ADDRESS ? "address" :
				       a->rta_type == IFA_LOCAL ? "local" : "brd");
			print_addr(ifa->ifa_family, RTA_DATA(a), (int)RTA_PAYLOAD(a));
		} else if (a->rta_type == IFA_LABEL) {
			printf(" label=%s", (char *)RTA_DATA(a));
		}
	}
	printf("\n");
}

static inline void dump_addrs(int fd, int family)
{
	static int seq = 2000;
	struct nl_req r;

	nl_init(&r, RTM_GETADDR, NLM_F_DUMP, ++seq);
	r.ifa.ifa_family = (unsigned char)family;
	nl_fixed(&r, sizeof(r.ifa));
	nl_send(fd, &r);
	printf("addrs(%d): %s\n", family, errstr(nl_collect(fd, seq, addr_line, NULL)));
}

static inline void route_line(struct nlmsghdr *h, void *arg)
{
	struct rtmsg *rt = NLMSG_DATA(h);
	int len = (int)RTM_PAYLOAD(h);

	if (h->nlmsg_type != RTM_NEWROUTE)
		return;
	printf("  route fam=%d dlen=%d table=%d proto=%d scope=%d type=%d", rt->rtm_family,
	       rt->rtm_dst_len, rt->rtm_table, rt->rtm_protocol, rt->rtm_scope, rt->rtm_type);
	for (struct rtattr *a = RTM_RTA(rt); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == RTA_DST || a->rta_type == RTA_PREFSRC ||
		    a->rta_type == RTA_GATEWAY) {
			printf(" %s=", a->rta_type == RTA_DST ? "dst" :
				       a->rta_type == RTA_PREFSRC ? "src" : "gw");
			print_addr(rt->rtm_family, RTA_DATA(a), (int)RTA_PAYLOAD(a));
		} else if (a->rta_type == RTA_OIF || a->rta_type == RTA_TABLE ||
			   a->rta_type == RTA_PRIORITY) {
			printf(" %s=%u", a->rta_type == RTA_OIF ? "oif" :
					 a->rta_type == RTA_TABLE ? "tab" : "metric",
			       *(unsigned int *)RTA_DATA(a));
		}
	}
	printf("\n");
}

static inline void dump_routes(int fd, int family)
{
	static int seq = 3000;
	struct nl_req r;

	nl_init(&r, RTM_GETROUTE, NLM_F_DUMP, ++seq);
	r.rtm.rtm_family = (unsigned char)family;
	nl_fixed(&r, sizeof(r.rtm));
	nl_send(fd, &r);
	printf("routes(%d): %s\n", family, errstr(nl_collect(fd, seq, route_line, NULL)));
}

static inline void link_line(struct nlmsghdr *h, void *arg)
{
	struct ifinfomsg *ifi = NLMSG_DATA(h);
	int len = (int)IFLA_PAYLOAD(h);

	if (h->nlmsg_type != RTM_NEWLINK)
		return;
	printf("  link idx=%d type=%d flags=0x%x", ifi->ifi_index, ifi->ifi_type, ifi->ifi_flags);
	for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == IFLA_IFNAME)
			printf(" name=%s", (char *)RTA_DATA(a));
		else if (a->rta_type == IFLA_MTU)
			printf(" mtu=%u", *(unsigned int *)RTA_DATA(a));
		else if (a->rta_type == IFLA_TXQLEN)
			printf(" txqlen=%u", *(unsigned int *)RTA_DATA(a));
		else if (a->rta_type == IFLA_OPERSTATE)
			printf(" oper=%u", *(unsigned char *)RTA_DATA(a));
		else if (a->rta_type == IFLA_ADDRESS)
			printf(" addrlen=%u", (unsigned)RTA_PAYLOAD(a));
	}
	printf("\n");
}

static inline void dump_links(int fd)
{
	static int seq = 4000;
	struct nl_req r;

	nl_init(&r, RTM_GETLINK, NLM_F_DUMP, ++seq);
	r.ifi.ifi_family = AF_UNSPEC;
	nl_fixed(&r, sizeof(r.ifi));
	nl_send(fd, &r);
	printf("links: %s\n", errstr(nl_collect(fd, seq, link_line, NULL)));
}
#endif
