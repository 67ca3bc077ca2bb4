/* RTM_NEWADDR and RTM_DELADDR on lo: IPv4 with the routes each address
 * implies (local, prefix, broadcast), a secondary in the same subnet,
 * duplicates with and without NLM_F_EXCL, IPv6 ordering and its prefix
 * route, deleting what is not there, bad requests. */
#include "nl.h"

static void addr_req(int fd, int type, int flags, int family, const char *addr, int plen,
		     int ifindex, const char *what)
{
	struct nl_req r;
	unsigned char a[16];

	nl_init(&r, type, flags, 0);
	r.ifa.ifa_family = (unsigned char)family;
	r.ifa.ifa_prefixlen = (unsigned char)plen;
	r.ifa.ifa_index = (unsigned)ifindex;
	nl_fixed(&r, sizeof(r.ifa));
	inet_pton(family, addr, a);
	nl_attr(&r, IFA_LOCAL, a, family == AF_INET ? 4 : 16);
	nl_attr(&r, IFA_ADDRESS, a, family == AF_INET ? 4 : 16);
	nl_do(fd, &r, what);
}

int main(void)
{
	int fd;

	nl_private_net();
	fd = nl_open();
	addr_req(fd, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, AF_INET, "10.1.2.3", 24, 1, "add 10.1.2.3/24");
	addr_req(fd, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, AF_INET, "10.1.2.3", 24, 1, "again, excl");
	addr_req(fd, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, AF_INET, "10.1.2.4", 24, 1, "add 10.1.2.4/24");
	addr_req(fd, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, AF_INET, "192.168.7.1", 32, 1, "add 192.168.7.1/32");
	addr_req(fd, RTM_NEWADDR, NLM_F_CREATE, AF_INET, "10.1.2.5", 33, 1, "prefix 33");
	addr_req(fd, RTM_NEWADDR, NLM_F_CREATE, AF_INET, "10.1.2.5", 24, 9, "index 9");
	addr_req(fd, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, AF_INET6, "fd00::5", 64, 1, "add fd00::5/64");
	addr_req(fd, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, AF_INET6, "fd00::6", 128, 1, "add fd00::6/128");
	addr_req(fd, RTM_NEWADDR, NLM_F_CREATE, AF_INET6, "fd00::7", 129, 1, "prefix 129");
	/* Local routes of IPv6 addresses appear once DAD is done (at once
	 * on lo, but from a work queue). */
	usleep(300000);
	dump_addrs(fd, AF_UNSPEC);
	dump_routes(fd, AF_UNSPEC);
	addr_req(fd, RTM_DELADDR, 0, AF_INET, "10.1.2.4", 24, 1, "del 10.1.2.4/24");
	addr_req(fd, RTM_DELADDR, 0, AF_INET, "10.1.2.4", 24, 1, "del again");
	addr_req(fd, RTM_DELADDR, 0, AF_INET, "192.168.7.1", 32, 1, "del 192.168.7.1");
	addr_req(fd, RTM_DELADDR, 0, AF_INET6, "fd00::5", 64, 1, "del fd00::5");
	addr_req(fd, RTM_DELADDR, 0, AF_INET6, "fd00::5", 64, 1, "del fd00::5 again");
	addr_req(fd, RTM_DELADDR, 0, AF_INET6, "fd00::6", 128, 1, "del fd00::6");
	addr_req(fd, RTM_DELADDR, 0, AF_INET, "10.1.2.3", 24, 1, "del 10.1.2.3");
	dump_addrs(fd, AF_UNSPEC);
	dump_routes(fd, AF_UNSPEC);
	close(fd);
	return 0;
}
