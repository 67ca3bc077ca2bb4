/* IPv6 UDP: ::1, dual-stack sockets receiving IPv4 as v4-mapped
 * addresses, IPV6_V6ONLY (set before bind only), v4-mapped destinations
 * from a v6 socket, a v4 and a v6 socket on one port, address lengths. */
#include "udp.h"

int main(void)
{
	struct sockaddr_in6 a = sin6("::", 0), m;
	struct sockaddr_in v4;
	int d, o, s4, s6, one = 1, v;
	socklen_t l = sizeof(v);

	nl_private_net();
	d = socket(AF_INET6, SOCK_DGRAM, 0);
	s4 = socket(AF_INET, SOCK_DGRAM, 0);
	s6 = socket(AF_INET6, SOCK_DGRAM, 0);
	SHOW(getsockopt(d, IPPROTO_IPV6, IPV6_V6ONLY, &v, &l));
	printf("v6only default %d\n", v);
	SHOW(bind(d, (struct sockaddr *)&a, sizeof(a)));
	SHOW(setsockopt(d, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)));
	v4 = sin4("127.0.0.1", port_of(d));
	SHOW(sendto(s4, "from v4", 7, 0, (struct sockaddr *)&v4, sizeof(v4)));
	rx(d, s4, 100, 0, "dual got v4");
	m = sin6("::1", port_of(d));
	SHOW(sendto(s6, "from v6", 7, 0, (struct sockaddr *)&m, sizeof(m)));
	rx(d, s6, 100, 0, "dual got v6");
	m = sin6("::ffff:127.0.0.1", port_of(d));
	SHOW(sendto(s6, "mapped", 6, 0, (struct sockaddr *)&m, sizeof(m)));
	rx(d, s6, 100, 0, "dual got mapped");
	SHOW(sendto(s6, "short", 5, 0, (struct sockaddr *)&m, 23));
	SHOW(sendto(s6, "v4 addr", 7, 0, (struct sockaddr *)&v4, sizeof(v4)));
	close(d);

	/* A v6-only socket and a v4 socket share a port. */
	o = socket(AF_INET6, SOCK_DGRAM, 0);
	SHOW(setsockopt(o, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)));
	SHOW(bind(o, (struct sockaddr *)&a, sizeof(a)));
	d = socket(AF_INET, SOCK_DGRAM, 0);
	v4 = sin4("0.0.0.0", port_of(o));
	SHOW(bind(d, (struct sockaddr *)&v4, sizeof(v4)));
	v4 = sin4("127.0.0.1", port_of(o));
	SHOW(sendto(s4, "v4 only", 7, 0, (struct sockaddr *)&v4, sizeof(v4)));
	rx(d, s4, 100, 0, "v4 socket");
	rx(o, s4, 100, 0, "v6only socket");
	m = sin6("::ffff:127.0.0.1", port_of(o));
	SHOW(sendto(o, "x", 1, 0, (struct sockaddr *)&m, sizeof(m)));
	m = sin6("::ffff:127.0.0.1", 0);
	SHOW(bind(s6, (struct sockaddr *)&m, sizeof(m)));
	close(d);
	close(o);

	/* Without v6only, a dual socket conflicts with a v4 one. */
	d = socket(AF_INET, SOCK_DGRAM, 0);
	v4 = sin4("0.0.0.0", 0);
	SHOW(bind(d, (struct sockaddr *)&v4, sizeof(v4)));
	o = socket(AF_INET6, SOCK_DGRAM, 0);
	a.sin6_port = htons((uint16_t)port_of(d));
	SHOW(bind(o, (struct sockaddr *)&a, sizeof(a)));
	close(d);
	close(o);
	close(s4);
	close(s6);
	return 0;
}
