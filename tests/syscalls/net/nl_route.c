/* RTM_NEWROUTE and RTM_DELROUTE: IPv4 and IPv6 routes through lo and a
 * blackhole, NLM_F_EXCL, NLM_F_REPLACE, a new route without NLM_F_CREATE,
 * host bits in the destination, unknown devices, deleting what is not
 * there. */
#include "nl.h"

static void route_req(int fd, int type, int flags, int family, const char *dst, int dlen,
		      int rtype, int oif, unsigned int metric, const char *what)
{
	struct nl_req r;
	unsigned char a[16];

	nl_init(&r, type, flags, 0);
	r.rtm.rtm_family = (unsigned char)family;
	r.rtm.rtm_dst_len = (unsigned char)dlen;
	r.rtm.rtm_table = RT_TABLE_MAIN;
	r.rtm.rtm_protocol = RTPROT_BOOT;
	r.rtm.rtm_scope = rtype == RTN_UNICAST ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
	r.rtm.rtm_type = (unsigned char)rtype;
	nl_fixed(&r, sizeof(r.rtm));
	inet_pton(family, dst, a);
	nl_attr(&r, RTA_DST, a, family == AF_INET ? 4 : 16);
	if (oif)
		nl_attr(&r, RTA_OIF, &oif, 4);
	if (metric)
		nl_attr(&r, RTA_PRIORITY, &metric, 4);
	nl_do(fd, &r, what);
}

int main(void)
{
	int fd, C = NLM_F_CREATE, X = NLM_F_EXCL;

	nl_private_net();
	fd = nl_open();
	route_req(fd, RTM_NEWROUTE, C | X, AF_INET, "10.9.0.0", 16, RTN_UNICAST, 1, 0, "add 10.9/16");
	route_req(fd, RTM_NEWROUTE, C | X, AF_INET, "10.9.0.0", 16, RTN_UNICAST, 1, 0, "again excl");
	route_req(fd, RTM_NEWROUTE, C | NLM_F_REPLACE, AF_INET, "10.9.0.0", 16, RTN_UNICAST, 1, 0,
		  "replace");
	route_req(fd, RTM_NEWROUTE, 0, AF_INET, "10.10.0.0", 16, RTN_UNICAST, 1, 0, "no create");
	route_req(fd, RTM_NEWROUTE, C | X, AF_INET, "10.9.1.0", 16, RTN_UNICAST, 1, 0, "host bits");
	route_req(fd, RTM_NEWROUTE, C | X, AF_INET, "10.11.0.0", 16, RTN_UNICAST, 7, 0, "dev 7");
	route_req(fd, RTM_NEWROUTE, C | X, AF_INET, "10.8.0.0", 16, RTN_BLACKHOLE, 0, 0, "blackhole");
	route_req(fd, RTM_NEWROUTE, C | X, AF_INET6, "fd01::", 64, RTN_UNICAST, 1, 0, "add fd01::/64");
	route_req(fd, RTM_NEWROUTE, C | X, AF_INET6, "fd02::", 48, RTN_UNICAST, 1, 77, "add fd02::/48 metric 77");
	route_req(fd, RTM_NEWROUTE, C | X, AF_INET6, "fd01::", 64, RTN_UNICAST, 1, 0, "fd01::/64 again");
	dump_routes(fd, AF_INET);
	dump_routes(fd, AF_INET6);
	route_req(fd, RTM_DELROUTE, 0, AF_INET, "10.9.0.0", 16, RTN_UNICAST, 1, 0, "del 10.9/16");
	route_req(fd, RTM_DELROUTE, 0, AF_INET, "10.9.0.0", 16, RTN_UNICAST, 1, 0, "del again");
	route_req(fd, RTM_DELROUTE, 0, AF_INET, "10.8.0.0", 16, RTN_BLACKHOLE, 0, 0, "del blackhole");
	route_req(fd, RTM_DELROUTE, 0, AF_INET6, "fd01::", 64, RTN_UNICAST, 1, 0, "del fd01::/64");
	route_req(fd, RTM_DELROUTE, 0, AF_INET6, "fd01::", 64, RTN_UNICAST, 1, 0, "del fd01::/64 again");
	route_req(fd, RTM_DELROUTE, 0, AF_INET6, "fd02::", 48, RTN_UNICAST, 1, 77, "del fd02::/48");
	dump_routes(fd, AF_UNSPEC);
	close(fd);
	return 0;
}
