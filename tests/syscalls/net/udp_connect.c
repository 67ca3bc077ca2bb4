/* Connected UDP: getpeername, the peer filter on receipt, send without a
 * destination, EDESTADDRREQ, ICMP port unreachable as ECONNREFUSED (once,
 * on the next call), connect(AF_UNSPEC) to disconnect, getsockname after
 * connect, shutdown. */
#include "udp.h"

int main(void)
{
	struct sockaddr_in a = sin4("127.0.0.1", 0), p;
	struct sockaddr_in6 any = { 0 };
	socklen_t l = sizeof(p);
	int r, s, o, e;
	socklen_t el = sizeof(e);

	nl_private_net();
	r = socket(AF_INET, SOCK_DGRAM, 0);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	o = socket(AF_INET, SOCK_DGRAM, 0);
	SHOW(bind(r, (struct sockaddr *)&a, sizeof(a)));
	a.sin_port = htons((uint16_t)port_of(r));
	SHOW(send(s, "x", 1, 0));
	SHOW(getpeername(s, (struct sockaddr *)&p, &l));
	SHOW(connect(s, (struct sockaddr *)&a, sizeof(a)));
	l = sizeof(p);
	SHOW(getpeername(s, (struct sockaddr *)&p, &l));
	printf("peer %s port ok %d len %u\n", addr_str(&p), p.sin_port == a.sin_port, l);
	l = sizeof(p);
	SHOW(getsockname(s, (struct sockaddr *)&p, &l));
	printf("local %s\n", addr_str(&p));
	SHOW(send(s, "hi", 2, 0));
	rx(r, s, 100, 0, "r got");
	/* r connects to s: o's datagrams are no longer for r. */
	p.sin_port = htons((uint16_t)port_of(s));
	SHOW(connect(r, (struct sockaddr *)&p, sizeof(p)));
	SHOW(sendto(o, "other", 5, 0, (struct sockaddr *)&a, sizeof(a)));
	SHOW(send(s, "peer", 4, 0));
	rx(r, s, 100, 0, "r filtered");
	rx(r, s, 100, 0, "r again");

	/* Nobody on the port: the next call fails once. */
	close(r);
	SHOW(send(s, "lost", 4, 0));
	SHOW(send(s, "lost", 4, 0));
	SHOW(send(s, "lost", 4, 0));
	SHOW(getsockopt(s, SOL_SOCKET, SO_ERROR, &e, &el));
	printf("SO_ERROR=%s\n", e ? strerrorname_np(e) : "0");
	SHOW(send(s, "lost", 4, 0));
	SHOW(recv(s, &e, 4, MSG_DONTWAIT));
	SHOW(recv(s, &e, 4, MSG_DONTWAIT));
	/* An unconnected sender hears nothing. */
	SHOW(sendto(o, "lost", 4, 0, (struct sockaddr *)&a, sizeof(a)));
	SHOW(sendto(o, "lost", 4, 0, (struct sockaddr *)&a, sizeof(a)));

	any.sin6_family = AF_UNSPEC;
	SHOW(connect(s, (struct sockaddr *)&any, sizeof(any)));
	l = sizeof(p);
	SHOW(getpeername(s, (struct sockaddr *)&p, &l));
	SHOW(send(s, "x", 1, 0));
	SHOW(shutdown(o, SHUT_RDWR));
	SHOW(shutdown(s, SHUT_RD));
	close(s);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	SHOW(connect(s, (struct sockaddr *)&a, sizeof(a)));
	SHOW(shutdown(s, SHUT_WR));
	SHOW(send(s, "x", 1, MSG_NOSIGNAL));
	SHOW(shutdown(s, SHUT_RD));
	SHOW(recv(s, &e, 4, 0));
	show_poll("shut", s);
	close(s);
	close(o);
	return 0;
}
