/* UDP and inet socket errors: types and protocols (TCP, ping and raw
 * sockets not built yet are left out), unreachable networks, broadcast
 * without SO_BROADCAST, oversize datagrams, bad destination addresses,
 * options, and a blocking receive ended by SO_RCVTIMEO. */
#include "udp.h"

int main(void)
{
	struct sockaddr_in a = sin4("127.0.0.1", 0), d;
	struct timeval tv = { 0, 50000 };
	int s, r, v, one = 1, sv[2];
	socklen_t l = sizeof(v);
	char c;

	nl_private_net();
	SHOW(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP));
	SHOW(socket(AF_INET, SOCK_SEQPACKET, 0));
	SHOW(socket(AF_INET6, SOCK_DGRAM, IPPROTO_SCTP));
	SHOW(socketpair(AF_INET, SOCK_DGRAM, 0, sv));
	s = socket(AF_INET, SOCK_DGRAM, 0);
	r = socket(AF_INET, SOCK_DGRAM, 0);
	bind(r, (struct sockaddr *)&a, sizeof(a));
	a.sin_port = htons((uint16_t)port_of(r));
	SHOW(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &l));
	printf("SO_TYPE %d\n", v);
	SHOW(getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &v, &l));
	printf("SO_PROTOCOL %d\n", v);
	SHOW(getsockopt(s, SOL_SOCKET, SO_DOMAIN, &v, &l));
	printf("SO_DOMAIN %d\n", v);
	SHOW(getsockopt(s, SOL_SOCKET, SO_BROADCAST, &v, &l));
	printf("SO_BROADCAST %d\n", v);
	v = 1000;
	SHOW(setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)));
	SHOW(getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &l));
	printf("SO_RCVBUF %d\n", v);
	SHOW(getsockopt(s, IPPROTO_IP, IP_TTL, &v, &l));
	printf("IP_TTL %d\n", v);
	v = 0;
	SHOW(setsockopt(s, IPPROTO_IP, IP_TTL, &v, sizeof(v)));

	d = sin4("10.1.1.1", 53);
	SHOW(sendto(s, "x", 1, 0, (struct sockaddr *)&d, sizeof(d)));
	SHOW(connect(s, (struct sockaddr *)&d, sizeof(d)));
	d = sin4("255.255.255.255", port_of(r));
	SHOW(sendto(s, "x", 1, 0, (struct sockaddr *)&d, sizeof(d)));
	d = sin4("127.255.255.255", port_of(r));
	SHOW(sendto(s, "x", 1, 0, (struct sockaddr *)&d, sizeof(d)));
	SHOW(connect(s, (struct sockaddr *)&d, sizeof(d)));
	SHOW(setsockopt(s, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)));
	SHOW(sendto(s, "b", 1, 0, (struct sockaddr *)&d, sizeof(d)));
	rx(r, s, 100, 0, "broadcast to a 127.0.0.1 socket");
	d = sin4("127.0.0.1", 0);
	SHOW(sendto(s, "x", 1, 0, (struct sockaddr *)&d, sizeof(d)));
	SHOW(sendto(s, "x", 1, 0, (struct sockaddr *)&a, sizeof(a) - 1));
	d.sin_family = AF_INET6;
	SHOW(sendto(s, "x", 1, 0, (struct sockaddr *)&d, sizeof(d)));
	SHOW(listen(s, 1));
	SHOW(accept(s, NULL, NULL));

	SHOW(setsockopt(r, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	SHOW(recv(r, &c, 1, 0));
	SHOW(recv(r, &c, 1, MSG_OOB));
	close(s);
	close(r);
	return 0;
}
