/* A dual-stack listener on :: takes IPv4 connections, which it sees as
 * v4-mapped addresses; an IPV6_V6ONLY one refuses them; an AF_INET6
 * client reaches an AF_INET listener through ::ffff:127.0.0.1. */
#include "tcp_util.h"

int main(void)
{
	struct sockaddr_in6 sa = sin6("::", 0), a, m;
	struct sockaddr_in s4;
	socklen_t sl = sizeof(sa), al = sizeof(a);
	int l, c, s, on = 1, port;

	nl_private_net();
	l = socket(AF_INET6, SOCK_STREAM, 0);
	bind(l, (struct sockaddr *)&sa, sl);
	listen(l, 4);
	port = port_of(l);
	s4 = sin4("127.0.0.1", port);
	c = socket(AF_INET, SOCK_STREAM, 0);
	SHOW(connect(c, (struct sockaddr *)&s4, sizeof(s4)));
	s = accept(l, (struct sockaddr *)&a, &al);
	printf("peer %s len %u\n", addr_str(&a), al);
	al = sizeof(a);
	getsockname(s, (struct sockaddr *)&a, &al);
	printf("local %s\n", addr_str(&a));
	SHOW(write(c, "4to6", 4));
	SHOW(read(s, (char[8]){ 0 }, 8));
	close(c);
	close(s);
	close(l);

	l = socket(AF_INET6, SOCK_STREAM, 0);
	setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	sa.sin6_port = htons((uint16_t)port);
	SHOW(bind(l, (struct sockaddr *)&sa, sl));
	SHOW(listen(l, 4));
	c = socket(AF_INET, SOCK_STREAM, 0);
	SHOW(connect(c, (struct sockaddr *)&s4, sizeof(s4)));
	close(c);
	close(l);

	l = socket(AF_INET, SOCK_STREAM, 0);
	s4 = sin4("127.0.0.1", 0);
	bind(l, (struct sockaddr *)&s4, sizeof(s4));
	listen(l, 4);
	m = sin6("::ffff:127.0.0.1", port_of(l));
	c = socket(AF_INET6, SOCK_STREAM, 0);
	SHOW(connect(c, (struct sockaddr *)&m, sizeof(m)));
	al = sizeof(a);
	getsockname(c, (struct sockaddr *)&a, &al);
	printf("client local %s\n", addr_str(&a));
	s = accept(l, (struct sockaddr *)&s4, &(socklen_t){ sizeof(s4) });
	printf("server peer %s\n", addr_str(&s4));
	SHOW(write(c, "6to4", 4));
	SHOW(read(s, (char[8]){ 0 }, 8));
	return 0;
}
