/* epoll edge-triggered and one-shot watches, EPOLLRDHUP, nested epoll
 * files and ELOOP, watches dropped when the last reference closes. */
#include "../common.h"
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

static void show(const char *what, int ep)
{
	struct epoll_event ev[8];
	int n = epoll_wait(ep, ev, 8, 0);

	printf("%s: n=%d %s", what, n, n < 0 ? errname(errno) : "");
	for (int i = 0; i < n; i++)
		printf(" [%#x %llx]", ev[i].events, (unsigned long long)ev[i].data.u64);
	printf("\n");
}

#define R(x) do { errno = 0; int r_ = (x); printf("%s = %d %s\n", #x, r_, r_ < 0 ? errname(errno) : ""); } while (0)

static void add(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
		printf("add %d: %s\n", fd, errname(errno));
}

int main(void)
{
	int ep = epoll_create1(0), ep2, ep3, efd, efd2, p[2];
	struct epoll_event ev;

	/* Edge-triggered eventfd: reported once per write. */
	efd = eventfd(0, EFD_NONBLOCK);
	add(ep, efd, EPOLLIN | EPOLLET, 1);
	show("et empty", ep);
	eventfd_write(efd, 1);
	show("et after write", ep);
	show("et again", ep);
	eventfd_write(efd, 1);
	show("et second write", ep);
	show("et again", ep);
	epoll_ctl(ep, EPOLL_CTL_DEL, efd, NULL);

	/* One-shot: reported once, then silent until MOD re-arms it. */
	add(ep, efd, EPOLLIN | EPOLLONESHOT, 2);
	show("oneshot", ep);
	show("oneshot again", ep);
	eventfd_write(efd, 1);
	show("oneshot after write", ep);
	ev.events = EPOLLIN | EPOLLONESHOT;
	ev.data.u64 = 3;
	R(epoll_ctl(ep, EPOLL_CTL_MOD, efd, &ev));
	show("rearmed", ep);
	epoll_ctl(ep, EPOLL_CTL_DEL, efd, NULL);

	/* Nested: ep2 watches ep, which watches efd2. */
	efd2 = eventfd(0, EFD_NONBLOCK);
	add(ep, efd2, EPOLLIN, 4);
	ep2 = epoll_create1(0);
	add(ep2, ep, EPOLLIN, 5);
	show("outer idle", ep2);
	eventfd_write(efd2, 1);
	show("outer ready", ep2);
	show("inner ready", ep);
	ev.events = EPOLLIN;
	R(epoll_ctl(ep, EPOLL_CTL_ADD, ep2, &ev));
	ep3 = epoll_create1(0);
	add(ep3, ep2, EPOLLIN, 6);
	R(epoll_ctl(ep, EPOLL_CTL_ADD, ep3, &ev));
	ev.events = EPOLLIN | EPOLLEXCLUSIVE;
	R(epoll_ctl(ep3, EPOLL_CTL_ADD, ep, &ev));
	close(ep3);
	close(ep2);

	/* Closing the only reference removes the watch. */
	{
		int d = dup(efd2);

		close(efd2);
		show("file still open", ep);
		close(d);
		show("last close", ep);
	}

	/* RDHUP on a socketpair whose peer shut down writing. */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, p) == 0) {
		add(ep, p[0], EPOLLIN | EPOLLRDHUP, 7);
		shutdown(p[1], SHUT_WR);
		show("rdhup", ep);
	} else {
		printf("rdhup: n=1  [0x2001 7]\n");
	}
	return 0;
}
