/* UDP over loopback: ephemeral ports in ip_local_port_range, sendto and
 * recvfrom with the source address, datagram boundaries, MSG_PEEK,
 * MSG_TRUNC, a short buffer, FIONREAD, poll readiness, empty datagrams,
 * write/read on a connected socket, and the largest datagram. */
#include "udp.h"

int main(void)
{
	struct sockaddr_in a = sin4("127.0.0.1", 0);
	int r, s, n;
	static char big[65508];

	nl_private_net();
	r = socket(AF_INET, SOCK_DGRAM, 0);
	s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	printf("unbound port=%d\n", port_of(r));
	SHOW(bind(r, (struct sockaddr *)&a, sizeof(a)));
	n = port_of(r);
	printf("ephemeral in range: %d\n", n >= 32768 && n <= 60999);
	a.sin_port = htons((uint16_t)n);
	show_poll("empty", r);
	SHOW(sendto(s, "one", 3, 0, (struct sockaddr *)&a, sizeof(a)));
	n = port_of(s);
	printf("sender autobound in range: %d\n", n >= 32768 && n <= 60999);
	SHOW(sendto(s, "second", 6, 0, (struct sockaddr *)&a, sizeof(a)));
	SHOW(sendto(s, "", 0, 0, (struct sockaddr *)&a, sizeof(a)));
	show_poll("queued", r);
	SHOWOK(ioctl(r, FIONREAD, &n));
	printf("FIONREAD=%d\n", n);
	rx(r, s, 100, MSG_PEEK, "peek");
	rx(r, s, 2, MSG_PEEK | MSG_TRUNC, "peek trunc 2");
	rx(r, s, 100, 0, "first");
	rx(r, s, 3, 0, "second, 3 bytes");
	SHOWOK(ioctl(r, FIONREAD, &n));
	printf("FIONREAD=%d\n", n);
	rx(r, s, 100, 0, "empty datagram");
	rx(r, s, 100, 0, "none");
	show_poll("drained", r);

	SHOW(sendto(s, big, sizeof(big), 0, (struct sockaddr *)&a, sizeof(a)));
	SHOW(sendto(s, big, sizeof(big) - 1, 0, (struct sockaddr *)&a, sizeof(a)));
	SHOW(recv(r, big, sizeof(big), MSG_DONTWAIT));

	SHOW(connect(s, (struct sockaddr *)&a, sizeof(a)));
	SHOW(write(s, "via write", 9));
	SHOW(read(r, big, 100));
	a = sin4("127.0.0.5", ntohs(a.sin_port));
	SHOW(sendto(s, "to .5", 5, 0, (struct sockaddr *)&a, sizeof(a)));
	rx(r, s, 100, 0, "bound to 127.0.0.1, sent to .5");
	close(r);
	close(s);
	return 0;
}
