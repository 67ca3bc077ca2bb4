/* getifaddrs(3) and if_nameindex(3), which glibc builds from netlink route
 * dumps and interface ioctls: names, families, addresses, netmasks and
 * flags of a namespace with lo, then with an added address. */
#include "nl.h"
#include <ifaddrs.h>

static void show(void)
{
	struct ifaddrs *ifa, *i;
	struct if_nameindex *ni;
	char a[INET6_ADDRSTRLEN], m[INET6_ADDRSTRLEN];

	if (getifaddrs(&ifa) < 0) {
		printf("getifaddrs: %s\n", strerrorname_np(errno));
		return;
	}
	for (i = ifa; i; i = i->ifa_next) {
		int f = i->ifa_addr ? i->ifa_addr->sa_family : -1;

		printf("  %s family=%d flags=0x%x", i->ifa_name, f, i->ifa_flags);
		if (f == AF_INET)
			printf(" %s/%s",
			       inet_ntop(f, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, a, sizeof(a)),
			       inet_ntop(f, &((struct sockaddr_in *)i->ifa_netmask)->sin_addr, m, sizeof(m)));
		if (f == AF_INET6)
			printf(" %s/%s",
			       inet_ntop(f, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, a, sizeof(a)),
			       inet_ntop(f, &((struct sockaddr_in6 *)i->ifa_netmask)->sin6_addr, m, sizeof(m)));
		printf("\n");
	}
	freeifaddrs(ifa);
	ni = if_nameindex();
	for (int k = 0; ni && ni[k].if_index; k++)
		printf("  if_nameindex %u %s\n", ni[k].if_index, ni[k].if_name);
	if (ni)
		if_freenameindex(ni);
	printf("  if_nametoindex(lo)=%u if_nametoindex(nope0)=%u\n", if_nametoindex("lo"),
	       if_nametoindex("nope0"));
}

int main(void)
{
	struct nl_req r;
	unsigned char a[4] = { 172, 16, 5, 9 };
	char name[IF_NAMESIZE];
	int fd;

	nl_private_net();
	show();
	fd = nl_open();
	nl_init(&r, RTM_NEWADDR, NLM_F_CREATE, 0);
	r.ifa.ifa_family = AF_INET;
	r.ifa.ifa_prefixlen = 20;
	r.ifa.ifa_index = 1;
	nl_fixed(&r, sizeof(r.ifa));
	nl_attr(&r, IFA_LOCAL, a, 4);
	nl_do(fd, &r, "add 172.16.5.9/20");
	show();
	printf("if_indextoname(1)=%s\n", if_indextoname(1, name) ? name : "NULL");
	close(fd);
	return 0;
}
