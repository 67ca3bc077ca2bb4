/* Netlink socket creation, binding and names: types, protocols, autobind
 * to the process id, explicit ids, EADDRINUSE, rebinding, bad addresses,
 * socketpair, and the generic options. */
#include "nl.h"

static void name_of(int fd, const char *label)
{
	struct sockaddr_nl a;
	socklen_t len = sizeof(a);

	memset(&a, 0xff, sizeof(a));
	if (getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		printf("%s: getsockname %s\n", label, strerrorname_np(errno));
		return;
	}
	printf("%s: len=%u family=%d pid=%s groups=%u\n", label, len, a.nl_family,
	       a.nl_pid == 0 ? "0" : a.nl_pid == (unsigned)getpid() ? "getpid" :
	       (int)a.nl_pid < 0 ? "negative" : (a.nl_pid == 4242 ? "4242" : "other"),
	       a.nl_groups);
}

static void opt(int fd, int level, int name, const char *what)
{
	int v = -1;
	socklen_t l = sizeof(v);

	if (getsockopt(fd, level, name, &v, &l) < 0)
		printf("%s = -1 %s\n", what, strerrorname_np(errno));
	else
		printf("%s = %d (len %u)\n", what, v, l);
}

int main(void)
{
	struct sockaddr_nl a = { .nl_family = AF_NETLINK };
	int fd, fd2, fd3, sv[2];

	nl_private_net();
	SHOW(socket(AF_NETLINK, SOCK_STREAM, NETLINK_ROUTE));
	SHOW(socket(AF_NETLINK, SOCK_SEQPACKET, NETLINK_ROUTE));
	SHOW(socket(AF_NETLINK, SOCK_RAW, 99));
	SHOW(socket(AF_NETLINK, SOCK_RAW, -1));
	SHOW(socketpair(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE, sv));
	fd = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_ROUTE);
	printf("dgram socket: %s\n", fd >= 0 ? "ok" : strerrorname_np(errno));
	close(fd);

	fd = nl_open();
	name_of(fd, "unbound");
	opt(fd, SOL_SOCKET, SO_TYPE, "SO_TYPE");
	opt(fd, SOL_SOCKET, SO_DOMAIN, "SO_DOMAIN");
	opt(fd, SOL_SOCKET, SO_PROTOCOL, "SO_PROTOCOL");
	opt(fd, SOL_SOCKET, SO_ERROR, "SO_ERROR");
	opt(fd, SOL_NETLINK, NETLINK_CAP_ACK, "NETLINK_CAP_ACK");
	SHOW(bind(fd, (struct sockaddr *)&a, sizeof(a) - 1));
	a.nl_family = AF_INET;
	SHOW(bind(fd, (struct sockaddr *)&a, sizeof(a)));
	a.nl_family = AF_NETLINK;
	SHOW(bind(fd, (struct sockaddr *)&a, sizeof(a)));
	name_of(fd, "autobound");
	a.nl_pid = 4242;
	SHOW(bind(fd, (struct sockaddr *)&a, sizeof(a)));
	a.nl_pid = (unsigned)getpid();
	SHOW(bind(fd, (struct sockaddr *)&a, sizeof(a)));

	fd2 = nl_open();
	SHOW(bind(fd2, (struct sockaddr *)&a, sizeof(a)));
	a.nl_pid = 4242;
	SHOW(bind(fd2, (struct sockaddr *)&a, sizeof(a)));
	name_of(fd2, "explicit");
	fd3 = nl_open();
	SHOW(bind(fd3, (struct sockaddr *)&a, sizeof(a)));
	a.nl_pid = 0;
	SHOW(bind(fd3, (struct sockaddr *)&a, sizeof(a)));
	name_of(fd3, "second autobind");
	close(fd);
	fd = nl_open();
	a.nl_pid = 0;
	SHOW(bind(fd, (struct sockaddr *)&a, sizeof(a)));
	name_of(fd, "after close");
	{
		struct sockaddr_nl p;
		socklen_t l = sizeof(p);

		SHOW(getpeername(fd, (struct sockaddr *)&p, &l));
		printf("peer len=%u pid=%u\n", l, p.nl_pid);
	}
	SHOW(listen(fd, 1));
	SHOW(accept(fd, NULL, NULL));
	SHOW(shutdown(fd, SHUT_RDWR));
	close(fd);
	close(fd2);
	close(fd3);
	return 0;
}
