/* TCP basics over 127.0.0.1: listen, connect, accept, both directions of
 * data, getsockname/getpeername agreeing across the ends, EOF on close. */
#include "tcp_util.h"

int main(void)
{
	struct sockaddr_in6 sa, a, b;
	socklen_t sl, al = sizeof(a), bl = sizeof(b);
	char buf[64];
	int l, c, s;

	nl_private_net();
	l = tcp_listener(AF_INET, "127.0.0.1", 4, &sa, &sl);
	c = socket(AF_INET, SOCK_STREAM, 0);
	SHOW(connect(c, (struct sockaddr *)&sa, sl));
	s = accept(l, (struct sockaddr *)&a, &al);
	EXPECT(s >= 0);
	printf("accept addr %s len %u\n", addr_str(&a), al);
	EXPECT(ntohs(a.sin6_port) == port_of(c));
	bl = sizeof(b);
	SHOW(getpeername(c, (struct sockaddr *)&b, &bl));
	EXPECT(ntohs(b.sin6_port) == port_of(l));
	EXPECT(port_of(s) == port_of(l));
	SHOW(write(c, "hello", 5));
	memset(buf, 0, sizeof(buf));
	SHOW(read(s, buf, sizeof(buf)));
	printf("server got '%s'\n", buf);
	SHOW(send(s, "world!", 6, 0));
	memset(buf, 0, sizeof(buf));
	SHOW(recv(c, buf, sizeof(buf), 0));
	printf("client got '%s'\n", buf);
	SHOW(close(c));
	SHOW(read(s, buf, sizeof(buf)));
	SHOW(read(s, buf, sizeof(buf)));
	SHOW(close(s));
	SHOW(close(l));
	return 0;
}
