/* getsockname and getpeername through a connection's life: unbound,
 * bound, listening, connected, after the peer's reset. */
#include "tcp_util.h"

static void names(const char *what, int fd)
{
	struct sockaddr_in6 a;
	socklen_t l = sizeof(a);
	int r;

	memset(&a, 0, sizeof(a));
	r = getsockname(fd, (struct sockaddr *)&a, &l);
	printf("%s: sockname %d %s port %s len %u", what, r, addr_str(&a),
	       ntohs(a.sin6_port) ? "set" : "0", l);
	l = sizeof(a);
	memset(&a, 0, sizeof(a));
	r = getpeername(fd, (struct sockaddr *)&a, &l);
	if (r < 0)
		printf("; peer -1 %s\n", errname(errno));
	else
		printf("; peer %s port %s len %u\n", addr_str(&a), ntohs(a.sin6_port) ? "set" : "0", l);
}

int main(void)
{
	struct sockaddr_in b = sin4("127.0.0.1", 0);
	struct sockaddr_in6 sa;
	socklen_t sl;
	struct linger lg = { 1, 0 };
	int s = socket(AF_INET, SOCK_STREAM, 0), l, c, a;

	nl_private_net();
	names("unbound", s);
	bind(s, (struct sockaddr *)&b, sizeof(b));
	names("bound", s);
	l = tcp_listener(AF_INET, "127.0.0.1", 4, &sa, &sl);
	names("listening", l);
	c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (struct sockaddr *)&sa, sl);
	names("client", c);
	a = accept(l, NULL, NULL);
	names("accepted", a);
	setsockopt(a, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(a);
	msleep(50);
	names("reset", c);
	s = socket(AF_INET6, SOCK_STREAM, 0);
	names("v6 unbound", s);
	return 0;
}
