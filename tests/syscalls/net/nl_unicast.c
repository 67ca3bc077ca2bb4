/* Netlink between two user sockets: unicast by port id, the source
 * address on receipt, a connected socket refusing others, and a
 * destination nobody holds (ECONNREFUSED). */
#include "nl.h"

static unsigned int portid(int fd)
{
	struct sockaddr_nl a;
	socklen_t l = sizeof(a);

	getsockname(fd, (struct sockaddr *)&a, &l);
	return a.nl_pid;
}

int main(void)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK }, from;
	socklen_t fl = sizeof(from);
	char buf[64];
	int a, b, c;
	long n;

	nl_private_net();
	a = nl_open();
	b = nl_open();
	c = nl_open();
	SHOW(bind(a, (struct sockaddr *)&to, sizeof(to)));
	SHOW(bind(b, (struct sockaddr *)&to, sizeof(to)));
	to.nl_pid = portid(b);
	SHOW(sendto(a, "hello", 5, 0, (struct sockaddr *)&to, sizeof(to)));
	memset(&from, 0, sizeof(from));
	n = recvfrom(b, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
	printf("b got %ld '%.*s' from a: %d family=%d\n", n, (int)(n > 0 ? n : 0), buf,
	       from.nl_pid == portid(a), from.nl_family);
	to.nl_pid = 0x7ffffff0;
	SHOW(sendto(a, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)));
	/* b connects to a; c may not send to b then. */
	to.nl_pid = portid(a);
	SHOW(connect(b, (struct sockaddr *)&to, sizeof(to)));
	to.nl_pid = portid(b);
	SHOW(sendto(c, "y", 1, 0, (struct sockaddr *)&to, sizeof(to)));
	SHOW(sendto(a, "z", 1, 0, (struct sockaddr *)&to, sizeof(to)));
	SHOW(recv(b, buf, sizeof(buf), MSG_DONTWAIT));
	SHOW(send(b, "back", 4, 0));
	SHOW(recv(a, buf, sizeof(buf), MSG_DONTWAIT));
	to.nl_family = AF_UNSPEC;
	SHOW(connect(b, (struct sockaddr *)&to, sizeof(to)));
	to.nl_family = AF_NETLINK;
	SHOW(sendto(c, "y", 1, 0, (struct sockaddr *)&to, sizeof(to)));
	SHOW(recv(b, buf, sizeof(buf), MSG_DONTWAIT));
	to.nl_family = AF_INET;
	SHOW(sendto(c, "y", 1, 0, (struct sockaddr *)&to, sizeof(to)));
	SHOW(sendto(c, "y", 1, 0, (struct sockaddr *)&to, 4));
	close(a);
	close(b);
	close(c);
	return 0;
}
