/* SO_REUSEPORT: two listeners share a port and connections reach one of
 * them; without the option on both, the second bind is EADDRINUSE. */
#include "tcp_util.h"

int main(void)
{
	struct sockaddr_in a = sin4("127.0.0.1", 0);
	int one = 1, l1, l2, l3, c, got = 0;
	struct pollfd p[2];

	nl_private_net();
	l1 = socket(AF_INET, SOCK_STREAM, 0);
	l2 = socket(AF_INET, SOCK_STREAM, 0);
	l3 = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l1, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	setsockopt(l2, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	SHOW(bind(l1, (struct sockaddr *)&a, sizeof(a)));
	a.sin_port = htons((uint16_t)port_of(l1));
	SHOW(bind(l2, (struct sockaddr *)&a, sizeof(a)));
	SHOW(bind(l3, (struct sockaddr *)&a, sizeof(a)));
	SHOW(listen(l1, 8));
	SHOW(listen(l2, 8));
	for (int i = 0; i < 4; i++) {
		c = socket(AF_INET, SOCK_STREAM, 0);
		SHOW(connect(c, (struct sockaddr *)&a, sizeof(a)));
	}
	p[0].fd = l1;
	p[1].fd = l2;
	p[0].events = p[1].events = POLLIN;
	for (;;) {
		int fd;

		if (poll(p, 2, 100) <= 0)
			break;
		fd = accept((p[0].revents & POLLIN) ? l1 : l2, NULL, NULL);
		if (fd < 0)
			break;
		got++;
	}
	printf("accepted %d\n", got);
	return 0;
}
