/* The interface ioctls on netlink and unix sockets (netdevice(7)):
 * SIOCGIFCONF sizing and listing, SIOCGIFFLAGS, SIOCGIFINDEX,
 * SIOCGIFNAME, SIOCGIFADDR, SIOCGIFNETMASK, SIOCGIFMTU, SIOCGIFTXQLEN,
 * SIOCGIFHWADDR, and unknown names or indexes. */
#include "nl.h"

static void sin(const char *label, struct sockaddr *sa)
{
	struct sockaddr_in *s = (struct sockaddr_in *)sa;
	char b[INET_ADDRSTRLEN];

	printf("%s: family=%d %s\n", label, s->sin_family,
	       inet_ntop(AF_INET, &s->sin_addr, b, sizeof(b)));
}

static void on(int fd, const char *kind)
{
	struct ifreq ifr, list[8];
	struct ifconf ifc = { 0 };

	printf("-- %s\n", kind);
	SHOWOK(ioctl(fd, SIOCGIFCONF, &ifc));
	printf("needed len=%d (%d entries)\n", ifc.ifc_len, ifc.ifc_len / (int)sizeof(ifr));
	ifc.ifc_len = sizeof(list);
	ifc.ifc_req = list;
	SHOWOK(ioctl(fd, SIOCGIFCONF, &ifc));
	for (int i = 0; i < ifc.ifc_len / (int)sizeof(ifr); i++) {
		printf("conf %d: %s ", i, list[i].ifr_name);
		sin("addr", &list[i].ifr_addr);
	}
	ifc.ifc_len = sizeof(ifr) - 1;
	SHOWOK(ioctl(fd, SIOCGIFCONF, &ifc));
	printf("short buffer len=%d\n", ifc.ifc_len);

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	SHOWOK(ioctl(fd, SIOCGIFFLAGS, &ifr));
	printf("flags=0x%x\n", (unsigned short)ifr.ifr_flags);
	SHOWOK(ioctl(fd, SIOCGIFINDEX, &ifr));
	printf("index=%d\n", ifr.ifr_ifindex);
	SHOWOK(ioctl(fd, SIOCGIFMTU, &ifr));
	printf("mtu=%d\n", ifr.ifr_mtu);
	SHOWOK(ioctl(fd, SIOCGIFTXQLEN, &ifr));
	printf("txqlen=%d\n", ifr.ifr_qlen);
	SHOWOK(ioctl(fd, SIOCGIFHWADDR, &ifr));
	printf("hw family=%d\n", ifr.ifr_hwaddr.sa_family);
	SHOWOK(ioctl(fd, SIOCGIFADDR, &ifr));
	sin("SIOCGIFADDR", &ifr.ifr_addr);
	SHOWOK(ioctl(fd, SIOCGIFNETMASK, &ifr));
	sin("SIOCGIFNETMASK", &ifr.ifr_netmask);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_ifindex = 1;
	SHOWOK(ioctl(fd, SIOCGIFNAME, &ifr));
	printf("name of 1=%s\n", ifr.ifr_name);
	ifr.ifr_ifindex = 99;
	SHOW(ioctl(fd, SIOCGIFNAME, &ifr));
	strcpy(ifr.ifr_name, "nope0");
	SHOW(ioctl(fd, SIOCGIFFLAGS, &ifr));
	SHOW(ioctl(fd, SIOCGIFINDEX, &ifr));
	SHOW(ioctl(fd, SIOCGIFADDR, &ifr));
	memset(ifr.ifr_name, 'x', sizeof(ifr.ifr_name));
	SHOW(ioctl(fd, SIOCGIFINDEX, &ifr));
}

int main(void)
{
	int fd;

	nl_private_net();
	fd = nl_open();
	on(fd, "netlink");
	close(fd);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	on(fd, "unix dgram");
	close(fd);
	return 0;
}
