/* epoll_create/ctl/wait over pipes and eventfds: level-triggered
 * readiness, data returned as given, error cases of epoll_ctl. */
#include "../common.h"
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

static void show(const char *what, int ep, int max, int ms)
{
	struct epoll_event ev[8];
	int n = epoll_wait(ep, ev, max, ms);

	printf("%s: n=%d %s", what, n, n < 0 ? errname(errno) : "");
	for (int i = 0; i < n; i++)
		printf(" [%#x %llx]", ev[i].events, (unsigned long long)ev[i].data.u64);
	printf("\n");
}

#define R(x) do { errno = 0; int r_ = (x); printf("%s = %d %s\n", #x, r_, r_ < 0 ? errname(errno) : ""); } while (0)

int main(void)
{
	int p[2], ep, efd, fd;
	struct epoll_event ev = { 0 };
	char c;

	R(epoll_create(0));
	R(epoll_create(-1));
	R(epoll_create1(0x1234));
	ep = epoll_create1(EPOLL_CLOEXEC);
	printf("cloexec=%d\n", fcntl(ep, F_GETFD));
	pipe(p);
	efd = eventfd(0, EFD_NONBLOCK);

	ev.events = EPOLLIN;
	ev.data.u64 = 0x1122334455667788ULL;
	R(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	R(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	ev.events = EPOLLOUT;
	ev.data.u64 = 0xabc;
	R(epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev));
	ev.events = EPOLLIN;
	ev.data.u64 = 0xe;
	R(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev));
	R(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev));
	R(epoll_ctl(p[0], EPOLL_CTL_ADD, efd, &ev));
	R(epoll_ctl(ep, EPOLL_CTL_ADD, 999, &ev));
	R(epoll_ctl(999, EPOLL_CTL_ADD, efd, &ev));
	R(epoll_ctl(ep, 77, efd, &ev));
	R(epoll_ctl(ep, EPOLL_CTL_MOD, 0 + 100 > 0 ? dup(efd) : 0, &ev));
	R(epoll_ctl(ep, EPOLL_CTL_DEL, dup(p[0]), NULL));
	R(epoll_ctl(ep, EPOLL_CTL_ADD, efd, (void *)8));
	fd = open("/etc/passwd", O_RDONLY);
	R(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	close(fd);
	ev.events = EPOLLIN | EPOLLEXCLUSIVE;
	R(epoll_ctl(ep, EPOLL_CTL_MOD, efd, &ev));
	ev.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLPRI;
	fd = eventfd(0, 0);
	R(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	ev.events = EPOLLIN | EPOLLEXCLUSIVE;
	R(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	R(epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev));
	R(epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL));
	close(fd);

	R(epoll_wait(ep, NULL, 0, 0));
	R(epoll_wait(ep, NULL, -1, 0));
	R(epoll_wait(efd, (void *)&ev, 1, 0));
	R(epoll_wait(1000, (void *)&ev, 1, 0));

	show("only pipe writable", ep, 8, 0);
	write(p[1], "ab", 2);
	show("pipe readable", ep, 8, 0);
	show("still (level)", ep, 8, 0);
	read(p[0], &c, 1);
	read(p[0], &c, 1);
	show("drained", ep, 8, 0);
	eventfd_write(efd, 3);
	show("eventfd", ep, 8, 0);
	show("max 1", ep, 1, 0);
	show("max 1 again", ep, 1, 0);
	ev.events = EPOLLOUT;
	ev.data.u64 = 0xf;
	R(epoll_ctl(ep, EPOLL_CTL_MOD, efd, &ev));
	show("after mod", ep, 8, 0);
	R(epoll_ctl(ep, EPOLL_CTL_DEL, efd, NULL));
	R(epoll_ctl(ep, EPOLL_CTL_DEL, efd, NULL));
	R(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL));
	show("after del", ep, 8, 0);
	/* Closing the write end hangs up the read end. */
	close(p[1]);
	show("hangup", ep, 8, 0);
	/* Closing the last reference drops the watch. */
	close(p[0]);
	show("closed", ep, 8, 0);
	show("timeout 20ms", ep, 8, 20);
	return 0;
}
