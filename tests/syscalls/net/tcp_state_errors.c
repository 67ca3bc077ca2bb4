/* Calls in the wrong state: listen on a connected socket, connect on a
 * listener, recv on a listener or an unconnected socket, send on an
 * unconnected socket (EPIPE), bind twice, bind to a foreign address,
 * wrong families and short addresses. */
#include "tcp_util.h"

int main(void)
{
	struct sockaddr_in6 sa;
	struct sockaddr_in a = sin4("127.0.0.1", 0), far = sin4("192.0.2.1", 80);
	struct sockaddr_in6 a6 = sin6("::1", 0);
	socklen_t sl;
	char b[4];
	int l, c, s, u;

	nl_private_net();
	signal(SIGPIPE, SIG_IGN);
	l = tcp_listener(AF_INET, "127.0.0.1", 4, &sa, &sl);
	SHOW(connect(l, (struct sockaddr *)&sa, sl));
	SHOW(recv(l, b, sizeof(b), MSG_DONTWAIT));
	SHOW(send(l, "x", 1, 0));
	SHOW(listen(l, 10));
	tcp_pair(AF_INET, &c, &s);
	SHOW(listen(c, 4));
	SHOW(bind(c, (struct sockaddr *)&a, sizeof(a)));
	u = socket(AF_INET, SOCK_STREAM, 0);
	SHOW(recv(u, b, sizeof(b), MSG_DONTWAIT));
	SHOW(send(u, "x", 1, 0));
	SHOW(bind(u, (struct sockaddr *)&far, sizeof(far)));
	SHOW(bind(u, (struct sockaddr *)&a6, sizeof(a6)));
	SHOW(bind(u, (struct sockaddr *)&a, 4));
	SHOW(connect(u, (struct sockaddr *)&a6, sizeof(a6)));
	SHOW(bind(u, (struct sockaddr *)&a, sizeof(a)));
	SHOW(bind(u, (struct sockaddr *)&a, sizeof(a)));
	SHOW(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
	SHOW(socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) >= 0);
	SHOW(recv(c, b, sizeof(b), MSG_OOB | MSG_DONTWAIT));
	return 0;
}
