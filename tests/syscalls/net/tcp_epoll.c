/* epoll readiness through a connection's life: a listener with a pending
 * connection, writable, readable, RDHUP on the peer's FIN, HUP|ERR after a
 * reset; edge-triggered once per arrival. */
#include "tcp_util.h"
#include <sys/epoll.h>

static void ev(int ep, const char *what)
{
	struct epoll_event e[4];
	int n = epoll_wait(ep, e, 4, 100);

	printf("%s:", what);
	if (n <= 0)
		printf(" none");
	for (int i = 0; i < n; i++) {
		unsigned v = e[i].events;

		printf(" fd%d", (int)e[i].data.u32);
		if (v & EPOLLIN) printf(" IN");
		if (v & EPOLLOUT) printf(" OUT");
		if (v & EPOLLRDHUP) printf(" RDHUP");
		if (v & EPOLLHUP) printf(" HUP");
		if (v & EPOLLERR) printf(" ERR");
	}
	printf("\n");
}

int main(void)
{
	struct sockaddr_in6 sa;
	socklen_t sl;
	struct epoll_event e = { 0 };
	struct linger lg = { 1, 0 };
	char buf[16];
	int l, c, s, ep = epoll_create1(0), et = epoll_create1(0);

	nl_private_net();
	signal(SIGPIPE, SIG_IGN);
	l = tcp_listener(AF_INET, "127.0.0.1", 4, &sa, &sl);
	e.events = EPOLLIN;
	e.data.u32 = 0;
	epoll_ctl(ep, EPOLL_CTL_ADD, l, &e);
	ev(ep, "idle listener");
	c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (struct sockaddr *)&sa, sl);
	ev(ep, "pending connection");
	s = accept(l, NULL, NULL);
	ev(ep, "after accept");
	e.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
	e.data.u32 = 1;
	epoll_ctl(ep, EPOLL_CTL_ADD, s, &e);
	ev(ep, "connected");
	e.events = EPOLLIN | EPOLLET;
	e.data.u32 = 2;
	epoll_ctl(et, EPOLL_CTL_ADD, s, &e);
	ev(et, "et idle");
	write(c, "data", 4);
	ev(ep, "data");
	ev(et, "et data");
	ev(et, "et again");
	read(s, buf, sizeof(buf));
	shutdown(c, SHUT_WR);
	ev(ep, "peer FIN");
	setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(c);
	msleep(50);
	ev(ep, "peer RST");
	return 0;
}
