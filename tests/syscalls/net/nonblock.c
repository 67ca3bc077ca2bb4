/* Nonblocking sockets: EAGAIN on empty reads (SOCK_NONBLOCK, MSG_DONTWAIT,
 * O_NONBLOCK via fcntl), a full stream buffer, SO_RCVTIMEO/SO_SNDTIMEO. */
#include "net.h"
#include <fcntl.h>
#include <sys/time.h>

int main(void)
{
	int sv[2], v;
	char buf[4096];
	long total = 0;
	struct timeval tv = { 0, 50000 }, got;
	socklen_t len = sizeof(got);
	double t0;

	SHOW(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv));
	SHOW(read(sv[0], buf, 1));
	SHOW(recv(sv[0], buf, 1, 0));
	SHOW(fcntl(sv[0], F_SETFL, 0));
	SHOW(recv(sv[0], buf, 1, MSG_DONTWAIT));
	v = 16384;
	SHOW(setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)));
	memset(buf, 'z', sizeof(buf));
	for (int i = 0; i < 10000; i++) {
		long r = write(sv[1], buf, sizeof(buf));

		if (r < 0) {
			printf("full after some bytes: %s\n", strerrorname_np(errno));
			break;
		}
		total += r;
	}
	EXPECT(total > 0 && total < 10000L * 4096);
	SHOW(setsockopt(sv[1], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	SHOW(fcntl(sv[1], F_SETFL, 0));
	t0 = now_mono();
	SHOW(write(sv[1], buf, sizeof(buf)));
	EXPECT(now_mono() - t0 >= 0.04);
	SHOW(getsockopt(sv[1], SOL_SOCKET, SO_SNDTIMEO, &got, &len));
	/* Linux rounds the timeout up to whole jiffies. */
	printf("sndtimeo %ld about50ms %d len %d\n", (long)got.tv_sec,
	       got.tv_usec >= 50000 && got.tv_usec < 60000, len);
	long drained = 0;
	for (;;) {
		long r = recv(sv[0], buf, sizeof(buf), MSG_DONTWAIT);

		if (r <= 0)
			break;
		drained += r;
	}
	EXPECT(drained == total);

	SHOW(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	t0 = now_mono();
	SHOW(read(sv[0], buf, 1));
	EXPECT(now_mono() - t0 >= 0.04);
	tv.tv_usec = 2000000;
	SHOW(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	SHOW(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, 4));
	return 0;
}
