/* Binding rules: a port in use is EADDRINUSE; SO_REUSEADDR lets two
 * non-listening sockets share it but not two listeners; a port held by a
 * TIME_WAIT connection needs SO_REUSEADDR. */
#include "tcp_util.h"

static int bound(int port, int reuse)
{
	struct sockaddr_in a = sin4("127.0.0.1", port);
	int s = socket(AF_INET, SOCK_STREAM, 0);

	if (reuse)
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof(reuse));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		printf("bind(reuse=%d): -1 %s\n", reuse, errname(errno));
		close(s);
		return -1;
	}
	printf("bind(reuse=%d): ok\n", reuse);
	return s;
}

int main(void)
{
	struct sockaddr_in a = sin4("127.0.0.1", 0);
	int one = 1, l, port, x, y, c, s;

	nl_private_net();
	l = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	bind(l, (struct sockaddr *)&a, sizeof(a));
	port = port_of(l);
	x = bound(port, 0);
	x = bound(port, 1);
	SHOW(listen(l, 4));
	y = bound(port, 1);
	SHOW(listen(x, 4));
	close(x);
	close(y);

	/* the server closes first: its end sits in TIME_WAIT on the port */
	c = socket(AF_INET, SOCK_STREAM, 0);
	a.sin_port = htons((uint16_t)port);
	SHOW(connect(c, (struct sockaddr *)&a, sizeof(a)));
	s = accept(l, NULL, NULL);
	close(l);
	SHOW(close(s));
	msleep(50);
	printf("client %s\n", tcp_state_name(c));
	SHOW(close(c));
	msleep(50);
	x = bound(port, 0);
	x = bound(port, 1);
	SHOW(listen(x, 4));
	return 0;
}
