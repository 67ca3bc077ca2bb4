/* Connecting to a port nobody listens on: ECONNREFUSED (the RST for a
 * segment with no socket), blocking and non-blocking (EINPROGRESS, then
 * POLLOUT|POLLERR|POLLHUP and SO_ERROR); the socket can connect again. */
#include "tcp_util.h"

int main(void)
{
	struct sockaddr_in6 sa;
	socklen_t sl;
	int l, c, port;

	nl_private_net();
	l = tcp_listener(AF_INET, "127.0.0.1", 4, &sa, &sl);
	port = port_of(l);
	close(l); /* the port is free again: nobody answers there */
	c = socket(AF_INET, SOCK_STREAM, 0);
	SHOW(connect(c, (struct sockaddr *)&sa, sl));
	printf("SO_ERROR after = %s\n", errname(so_error(c)));
	SHOW(connect(c, (struct sockaddr *)&sa, sl));
	close(c);

	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	SHOW(connect(c, (struct sockaddr *)&sa, sl));
	printf("poll: %s\n", poll_str(c, 1000));
	printf("SO_ERROR = %s\n", errname(so_error(c)));
	printf("SO_ERROR again = %s\n", errname(so_error(c)));
	SHOW(write(c, "x", 1));
	/* a listener appears: the same socket connects */
	l = tcp_listener(AF_INET, "127.0.0.1", 4, &sa, &sl);
	EXPECT(port_of(l) != port || 1);
	SHOW(connect(c, (struct sockaddr *)&sa, sl));
	printf("poll: %s\n", poll_str(c, 1000));
	printf("SO_ERROR = %s\n", errname(so_error(c)));
	SHOW(connect(c, (struct sockaddr *)&sa, sl));
	SHOW(connect(c, (struct sockaddr *)&sa, sl));
	return 0;
}
