/* SO_LINGER with a timeout makes close wait while the FIN cannot go out
 * (the peer's window is shut); the wait ends at the timeout. Without
 * SO_LINGER, close returns at once. */
#include "tcp_util.h"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int filled_client(void)
{
	struct sockaddr_in6 sa;
	socklen_t sl;
	int l, c, s, small = 4096, snd = 32768;
	static char buf[65536];

	l = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	close(l);
	l = tcp_listener(AF_INET, "127.0.0.1", 4, &sa, &sl);
	setsockopt(l, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	c = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(c, SOL_SOCKET, SO_SNDBUF, &snd, sizeof(snd));
	connect(c, (struct sockaddr *)&sa, sl);
	s = accept(l, NULL, NULL);
	(void)s;
	for (int i = 0; i < 1000; i++)
		if (send(c, buf, sizeof(buf), MSG_DONTWAIT) < 0)
			break;
	msleep(100);
	return c;
}

int main(void)
{
	struct linger lg = { 1, 1 };
	double t0, dt;
	int c;

	nl_private_net();
	c = filled_client();
	SHOW(setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	t0 = now();
	SHOW(close(c));
	dt = now() - t0;
	printf("close waited about a second: %s\n", dt > 0.8 && dt < 3 ? "yes" : "no");
	c = filled_client();
	t0 = now();
	SHOW(close(c));
	dt = now() - t0;
	printf("close without linger at once: %s\n", dt < 0.5 ? "yes" : "no");
	return 0;
}
