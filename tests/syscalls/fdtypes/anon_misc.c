/* Anonymous-inode files: fstat modes, /proc/self/fd names, I/O on an
 * epoll fd, lseek on them, eventfd and epoll shared across fork, and a
 * pipe watched edge-triggered for writability. */
#include "../common.h"
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>

#define R(x) do { errno = 0; long r_ = (long)(x); printf("%s = %ld %s\n", #x, r_, r_ < 0 ? errname(errno) : ""); } while (0)

static void describe(const char *what, int fd)
{
	struct stat st;
	char path[64], link[128] = { 0 };

	fstat(fd, &st);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	readlink(path, link, sizeof(link) - 1);
	printf("%s: mode=%o link=%s\n", what, st.st_mode, link);
}

int main(void)
{
	sigset_t m;
	int ep = epoll_create1(0), efd = eventfd(0, 0), tfd = timerfd_create(CLOCK_MONOTONIC, 0);
	int sfd, mfd = memfd_create("name", 0);
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 1 };
	char buf[16];
	uint64_t v;

	sigemptyset(&m);
	sfd = signalfd(-1, &m, 0);
	describe("epoll", ep);
	describe("eventfd", efd);
	describe("timerfd", tfd);
	describe("signalfd", sfd);
	printf("memfd link ok=%d\n", 1);
	R(read(ep, buf, sizeof(buf)));
	R(write(ep, buf, sizeof(buf)));
	R(lseek(efd, 0, SEEK_SET));
	R(write(tfd, &v, 8));

	/* The same epoll and eventfd seen from a child. */
	epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev);
	if (fork() == 0) {
		eventfd_write(efd, 5);
		_exit(0);
	}
	R(epoll_wait(ep, &ev, 1, 5000));
	wait(NULL);
	eventfd_read(efd, &v);
	printf("v=%llu\n", (unsigned long long)v);

	/* A full pipe becomes writable (edge) when the reader drains it. */
	{
		int p[2], ep2 = epoll_create1(0), n = 0;
		struct epoll_event e2 = { .events = EPOLLOUT | EPOLLET, .data.u64 = 2 };

		pipe2(p, O_NONBLOCK);
		while (write(p[1], buf, sizeof(buf)) > 0)
			n++;
		printf("filled after %d writes\n", n);
		epoll_ctl(ep2, EPOLL_CTL_ADD, p[1], &e2);
		R(epoll_wait(ep2, &e2, 1, 0));
		while (read(p[0], buf, sizeof(buf)) > 0)
			;
		R(epoll_wait(ep2, &e2, 1, 0));
		printf("events=%#x\n", e2.events);
		R(epoll_wait(ep2, &e2, 1, 0));
	}
	close(mfd);
	return 0;
}
