/* TCP over IPv6 loopback (::1): addresses, data, and IPV6_V6ONLY. */
#include "tcp_util.h"

int main(void)
{
	struct sockaddr_in6 sa, a;
	socklen_t sl, al = sizeof(a);
	char buf[32] = { 0 };
	int l, c, s, v = -1;
	socklen_t vl = sizeof(v);

	nl_private_net();
	l = tcp_listener(AF_INET6, "::1", 4, &sa, &sl);
	printf("listener %s len %u\n", addr_str(&sa), sl);
	c = socket(AF_INET6, SOCK_STREAM, 0);
	SHOW(getsockopt(c, IPPROTO_IPV6, IPV6_V6ONLY, &v, &vl));
	printf("v6only %d\n", v);
	SHOW(connect(c, (struct sockaddr *)&sa, sl));
	s = accept(l, (struct sockaddr *)&a, &al);
	printf("peer %s len %u port ok %d\n", addr_str(&a), al, ntohs(a.sin6_port) == port_of(c));
	al = sizeof(a);
	getsockname(c, (struct sockaddr *)&a, &al);
	printf("client %s\n", addr_str(&a));
	SHOW(write(c, "six", 3));
	SHOW(read(s, buf, sizeof(buf)));
	printf("got '%s' state %s\n", buf, tcp_state_name(s));
	SHOW(setsockopt(c, IPPROTO_IPV6, IPV6_V6ONLY, &v, sizeof(v)));
	SHOW(getsockopt(c, IPPROTO_IP, IP_TTL, &v, &vl));
	return 0;
}
