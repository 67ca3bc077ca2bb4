/* Readiness of both ends: a new pair (master writable only), a partial
 * line is not readable on the slave in canonical mode, a whole line is;
 * echo makes the master readable; epoll on the slave wakes for a line. */
#include "tty.h"
#include <sys/epoll.h>

static void pr(const char *label, int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT | POLLPRI };

	poll(&p, 1, 0);
	printf("%s: %#x\n", label, p.revents);
}

int main(void)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	struct termios t;
	char buf[64];
	int m, s, ep;

	if (pty_pair(&m, &s) < 0)
		return 1;
	tcgetattr(s, &t);
	t.c_lflag &= ~ECHO;
	tcsetattr(s, TCSANOW, &t);
	pr("master new", m);
	pr("slave new", s);
	write(m, "abc", 3);
	sleep_ms(100);
	pr("slave partial line", s);
	ep = epoll_create1(0);
	epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
	printf("epoll before line %d\n", epoll_wait(ep, &out, 1, 0));
	write(m, "\n", 1);
	printf("epoll after line %d\n", epoll_wait(ep, &out, 1, 2000));
	pr("slave line", s);
	read(s, buf, sizeof(buf));
	pr("slave drained", s);
	write(s, "x", 1);
	{
		struct pollfd p = { .fd = m, .events = POLLIN };

		poll(&p, 1, 2000);
	}
	pr("master with output", m);
	read(m, buf, sizeof(buf));
	pr("master drained", m);
	return 0;
}
