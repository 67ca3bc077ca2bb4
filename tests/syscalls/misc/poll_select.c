/* poll/select/ppoll on pipes: readiness of each end, timeouts expiring
 * with 0, POLLHUP after the writer closes, POLLNVAL for a bad fd. */
#include "../common.h"
#include <poll.h>
#include <sys/select.h>

int main(void)
{
	int p[2];
	struct pollfd fds[3];
	double t0;

	pipe(p);
	fds[0] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	fds[1] = (struct pollfd){ .fd = p[1], .events = POLLOUT };
	fds[2] = (struct pollfd){ .fd = 99, .events = POLLIN };
	SHOW(poll(fds, 3, 0));
	printf("revents: %#x %#x %#x\n", fds[0].revents, fds[1].revents, fds[2].revents);
	t0 = now_mono();
	SHOW(poll(fds, 1, 50));
	EXPECT(now_mono() - t0 >= 0.049);
	write(p[1], "x", 1);
	SHOW(poll(fds, 1, -1));
	printf("revents: %#x\n", fds[0].revents);
	close(p[1]);
	char c;
	read(p[0], &c, 1);
	SHOW(poll(fds, 1, 100));
	printf("after close: %#x\n", fds[0].revents);

	pipe(p);
	fd_set rd, wr;
	struct timeval tv = { 0, 30000 };
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(p[0], &rd);
	FD_SET(p[1], &wr);
	SHOW(select(p[1] + 1, &rd, &wr, NULL, &tv));
	printf("select: rd=%d wr=%d\n", FD_ISSET(p[0], &rd), FD_ISSET(p[1], &wr));
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	tv.tv_usec = 30000;
	t0 = now_mono();
	SHOW(select(p[0] + 1, &rd, NULL, NULL, &tv));
	EXPECT(now_mono() - t0 >= 0.029);
	struct timespec ts = { 0, 20000000 };
	fds[0] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	SHOW(ppoll(fds, 1, &ts, NULL));
	SHOW(poll(NULL, 0, 10));
	struct pollfd *volatile bad = (void *)8;
	SHOW(poll(bad, 1, 0));
	return 0;
}
