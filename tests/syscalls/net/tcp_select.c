/* select() on a listener and a connection. */
#include "tcp_util.h"
#include <sys/select.h>

static void sel(int fd, const char *what)
{
	fd_set r, w;
	struct timeval tv = { 0, 50000 };

	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(fd, &r);
	FD_SET(fd, &w);
	select(fd + 1, &r, &w, NULL, &tv);
	printf("%s: read %d write %d\n", what, FD_ISSET(fd, &r) ? 1 : 0, FD_ISSET(fd, &w) ? 1 : 0);
}

int main(void)
{
	struct sockaddr_in6 sa;
	socklen_t sl;
	char b[8];
	int l, c, s;

	nl_private_net();
	l = tcp_listener(AF_INET, "127.0.0.1", 4, &sa, &sl);
	sel(l, "listener");
	c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (struct sockaddr *)&sa, sl);
	sel(l, "listener pending");
	s = accept(l, NULL, NULL);
	sel(s, "connected");
	write(c, "x", 1);
	sel(s, "data");
	read(s, b, 1);
	sel(s, "drained");
	close(c);
	sel(s, "peer closed");
	return 0;
}
