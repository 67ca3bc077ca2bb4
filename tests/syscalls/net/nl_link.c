/* Setting lo down and up with RTM_NEWLINK and SIOCSIFFLAGS: its flags,
 * IPv6 addresses leave with the link and ::1 comes back, IPv4 addresses
 * stay, routes other than local ones go; unknown links give ENODEV. */
#include "nl.h"

static void flags(int fd, const char *label)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		printf("%s: SIOCGIFFLAGS %s\n", label, strerrorname_np(errno));
	else
		printf("%s: flags=0x%x\n", label, (unsigned short)ifr.ifr_flags);
}

static void set_link(int fd, int index, unsigned int fl, unsigned int change, const char *what)
{
	struct nl_req r;

	nl_init(&r, RTM_NEWLINK, 0, 0);
	r.ifi.ifi_index = index;
	r.ifi.ifi_flags = fl;
	r.ifi.ifi_change = change;
	nl_fixed(&r, sizeof(r.ifi));
	nl_do(fd, &r, what);
}

int main(void)
{
	struct nl_req r;
	unsigned char a[4] = { 10, 3, 0, 1 };
	struct ifreq ifr;
	int fd;

	nl_private_net();
	fd = nl_open();
	nl_init(&r, RTM_NEWADDR, NLM_F_CREATE, 0);
	r.ifa.ifa_family = AF_INET;
	r.ifa.ifa_prefixlen = 16;
	r.ifa.ifa_index = 1;
	nl_fixed(&r, sizeof(r.ifa));
	nl_attr(&r, IFA_LOCAL, a, 4);
	nl_do(fd, &r, "add 10.3.0.1/16");
	flags(fd, "start");
	set_link(fd, 1, 0, IFF_UP, "down");
	flags(fd, "after down");
	dump_links(fd);
	dump_addrs(fd, AF_UNSPEC);
	dump_routes(fd, AF_UNSPEC);
	set_link(fd, 1, IFF_UP, IFF_UP, "up");
	flags(fd, "after up");
	dump_addrs(fd, AF_UNSPEC);
	dump_routes(fd, AF_UNSPEC);

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	ioctl(fd, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags &= ~IFF_UP;
	SHOW(ioctl(fd, SIOCSIFFLAGS, &ifr));
	flags(fd, "ioctl down");
	dump_addrs(fd, AF_INET6);
	ifr.ifr_flags |= IFF_UP;
	SHOW(ioctl(fd, SIOCSIFFLAGS, &ifr));
	flags(fd, "ioctl up");
	dump_addrs(fd, AF_INET6);
	set_link(fd, 42, IFF_UP, IFF_UP, "index 42");
	strcpy(ifr.ifr_name, "nope0");
	SHOW(ioctl(fd, SIOCSIFFLAGS, &ifr));
	close(fd);
	return 0;
}
