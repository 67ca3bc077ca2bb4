/* Netlink route dumps of a namespace with only lo: links, addresses (all,
 * IPv4, IPv6) and routes (all tables), each ended by NLMSG_DONE. */
#include "nl.h"

int main(void)
{
	int fd;

	nl_private_net();
	fd = nl_open();
	dump_links(fd);
	dump_addrs(fd, AF_UNSPEC);
	dump_addrs(fd, AF_INET);
	dump_addrs(fd, AF_INET6);
	dump_routes(fd, AF_UNSPEC);
	dump_routes(fd, AF_INET);
	dump_routes(fd, AF_INET6);
	close(fd);
	return 0;
}
