/* UDP bind: EADDRINUSE, SO_REUSEADDR and SO_REUSEPORT sharing, wildcard
 * against specific addresses, non-local addresses, rebinding, short and
 * foreign addresses, and which of two sockets gets a datagram. */
#include "udp.h"

static int udp(int reuseaddr, int reuseport)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuseaddr, sizeof(int));
	setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &reuseport, sizeof(int));
	return fd;
}

int main(void)
{
	struct sockaddr_in a = sin4("127.0.0.1", 0), w;
	int x, y, z, q, port;

	nl_private_net();
	x = udp(0, 0);
	SHOW(bind(x, (struct sockaddr *)&a, sizeof(a)));
	port = port_of(x);
	a.sin_port = htons((uint16_t)port);
	y = udp(0, 0);
	SHOW(bind(y, (struct sockaddr *)&a, sizeof(a)));
	w = sin4("0.0.0.0", port);
	SHOW(bind(y, (struct sockaddr *)&w, sizeof(w)));
	w = sin4("127.0.0.2", port);
	SHOW(bind(y, (struct sockaddr *)&w, sizeof(w)));
	SHOW(bind(y, (struct sockaddr *)&a, sizeof(a)));
	close(y);
	SHOW(bind(x, (struct sockaddr *)&a, sizeof(a)));
	close(x);

	x = udp(1, 0);
	y = udp(1, 0);
	SHOW(bind(x, (struct sockaddr *)&a, sizeof(a)));
	SHOW(bind(y, (struct sockaddr *)&a, sizeof(a)));
	z = udp(0, 0);
	SHOW(bind(z, (struct sockaddr *)&a, sizeof(a)));
	close(x);
	close(y);
	close(z);

	x = udp(0, 1);
	y = udp(0, 1);
	z = udp(0, 0);
	SHOW(bind(x, (struct sockaddr *)&a, sizeof(a)));
	SHOW(bind(y, (struct sockaddr *)&a, sizeof(a)));
	SHOW(bind(z, (struct sockaddr *)&a, sizeof(a)));
	close(x);
	close(y);
	close(z);

	/* A specific address beats the wildcard for delivery. */
	x = udp(1, 0);
	y = udp(1, 0);
	q = udp(0, 0);
	w = sin4("0.0.0.0", port);
	SHOW(bind(x, (struct sockaddr *)&w, sizeof(w)));
	SHOW(bind(y, (struct sockaddr *)&a, sizeof(a)));
	SHOW(sendto(q, "to .1", 5, 0, (struct sockaddr *)&a, sizeof(a)));
	w = sin4("127.0.0.9", port);
	SHOW(sendto(q, "to .9", 5, 0, (struct sockaddr *)&w, sizeof(w)));
	rx(x, q, 100, 0, "wildcard 1");
	rx(x, q, 100, 0, "wildcard 2");
	rx(y, q, 100, 0, "specific");
	close(x);
	close(y);

	x = udp(0, 0);
	w = sin4("10.200.0.1", 0);
	SHOW(bind(x, (struct sockaddr *)&w, sizeof(w)));
	w = sin4("127.3.4.5", 0);
	SHOW(bind(x, (struct sockaddr *)&w, sizeof(w)));
	close(x);
	x = udp(0, 0);
	SHOW(bind(x, (struct sockaddr *)&a, sizeof(a) - 1));
	w.sin_family = AF_INET6;
	SHOW(bind(x, (struct sockaddr *)&w, sizeof(w)));
	w = sin4("127.0.0.1", 80);
	SHOW(bind(x, (struct sockaddr *)&w, sizeof(w)) >= 0 ? 0 : -1);
	close(x);
	close(q);
	return 0;
}
