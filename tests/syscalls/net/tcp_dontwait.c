/* Non-blocking sends fill the buffers when the peer does not read: a
 * write then says EAGAIN; poll drops POLLOUT; draining the peer brings it
 * back. */
#include "tcp_util.h"

int main(void)
{
	static char buf[65536];
	int c, s, eagain = 0, sndbuf = 16384;
	long total = 0, drained = 0;

	nl_private_net();
	tcp_pair(AF_INET, &c, &s);
	setsockopt(c, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	SHOW(recv(s, buf, 10, MSG_DONTWAIT));
	for (int i = 0; i < 100000; i++) {
		ssize_t w = send(c, buf, sizeof(buf), MSG_DONTWAIT);

		if (w < 0) {
			eagain = errno == EAGAIN;
			break;
		}
		total += w;
	}
	printf("eagain %d wrote something %d\n", eagain, total > 0);
	printf("poll full: %s\n", poll_str(c, 0));
	fcntl(s, F_SETFL, O_NONBLOCK);
	for (;;) {
		ssize_t r = read(s, buf, sizeof(buf));

		if (r > 0) {
			drained += r;
			continue;
		}
		if (drained >= total)
			break;
		poll(&(struct pollfd){ .fd = s, .events = POLLIN }, 1, 100);
	}
	printf("drained all %d\n", drained == total);
	printf("poll drained: %s\n", poll_str(c, 1000));
	return 0;
}
