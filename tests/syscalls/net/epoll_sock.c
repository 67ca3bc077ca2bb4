/* epoll on AF_UNIX sockets: EPOLLIN on data and on a pending connection,
 * EPOLLOUT, EPOLLRDHUP/EPOLLHUP after the peer closes. */
#include "net.h"
#include <sys/epoll.h>

static void wait_show(int ep, const char *label)
{
	struct epoll_event ev[4];
	int n = epoll_wait(ep, ev, 4, 1000);

	printf("%s: n=%d", label, n);
	for (int i = 0; i < n; i++)
		printf(" [%u:%#x]", ev[i].data.u32, ev[i].events);
	printf("\n");
}

int main(void)
{
	int sv[2], ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.u32 = 1 };
	struct sockaddr_un a;
	socklen_t alen = abstract_addr(&a, "ep");
	char buf[8];
	pid_t pid;

	SHOW(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	SHOW(epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev));
	pid = fork();
	if (pid == 0) {
		sleep_ms(30);
		write(sv[1], "x", 1);
		_exit(0);
	}
	wait_show(ep, "data");
	reap(pid, "writer");
	SHOW(read(sv[0], buf, sizeof(buf)));
	SHOW(close(sv[1]));
	wait_show(ep, "peer closed");

	int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	SHOW(bind(ls, (struct sockaddr *)&a, alen));
	SHOW(listen(ls, 4));
	ev.events = EPOLLIN;
	ev.data.u32 = 2;
	SHOW(epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev));
	SHOW(epoll_ctl(ep, EPOLL_CTL_DEL, sv[0], NULL));
	pid = fork();
	if (pid == 0) {
		int c = socket(AF_UNIX, SOCK_STREAM, 0);

		sleep_ms(30);
		connect(c, (struct sockaddr *)&a, alen);
		write(c, "y", 1);
		sleep_ms(100);
		_exit(0);
	}
	wait_show(ep, "listener");
	int as = accept4(ls, NULL, NULL, SOCK_NONBLOCK);
	EXPECT(as >= 0);
	SHOW(accept(ls, NULL, NULL));
	/* Let the client's byte arrive, so the readiness below does not
	 * depend on who ran first. */
	sleep_ms(50);
	ev.events = EPOLLIN | EPOLLOUT | EPOLLET;
	ev.data.u32 = 3;
	SHOW(epoll_ctl(ep, EPOLL_CTL_ADD, as, &ev));
	SHOW(epoll_ctl(ep, EPOLL_CTL_DEL, ls, NULL));
	wait_show(ep, "accepted");
	reap(pid, "client");
	return 0;
}
