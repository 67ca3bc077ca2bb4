/* Urgent data (MSG_OOB): the last byte of an OOB send is taken out of the
 * stream; reads stop at the mark (SIOCATMARK), recv(MSG_OOB) returns the
 * byte once (then EINVAL), poll shows POLLPRI; with SO_OOBINLINE the byte
 * stays in the stream and MSG_OOB is EINVAL. The F_SETOWN process gets
 * SIGURG. */
#include "tcp_util.h"
#include <sys/ioctl.h>

static volatile int urgs;

static void on_urg(int sig)
{
	urgs++;
}

static void oob(int s, int flags)
{
	char b[8] = { 0 };
	struct iovec iov = { b, sizeof(b) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t r = recvmsg(s, &m, MSG_OOB | flags);

	if (r < 0)
		printf("recv OOB%s: -1 %s\n", flags ? "|PEEK" : "", errname(errno));
	else
		printf("recv OOB%s: %zd '%s' flags OOB %d\n", flags ? "|PEEK" : "", r, b,
		       !!(m.msg_flags & MSG_OOB));
}

static void rd(int s)
{
	char b[32] = { 0 };
	ssize_t r = recv(s, b, sizeof(b), MSG_DONTWAIT);

	if (r < 0)
		printf("read: -1 %s\n", errname(errno));
	else
		printf("read: %zd '%s'\n", r, b);
}

static void mark(int s)
{
	int m = -1, n = -1;

	ioctl(s, SIOCATMARK, &m);
	ioctl(s, FIONREAD, &n);
	printf("atmark %d inq %d poll %s\n", m, n, poll_str(s, 0));
}

int main(void)
{
	int c, s, one = 1;

	nl_private_net();
	signal(SIGURG, on_urg);
	tcp_pair(AF_INET, &c, &s);
	SHOW(fcntl(s, F_SETOWN, getpid()));
	oob(s, 0);
	SHOW(send(c, "ab", 2, 0));
	SHOW(send(c, "XY", 2, MSG_OOB));
	SHOW(send(c, "cd", 2, 0));
	msleep(50);
	printf("SIGURG %d\n", urgs);
	mark(s);
	rd(s);
	mark(s);
	oob(s, MSG_PEEK);
	oob(s, 0);
	oob(s, 0);
	mark(s);
	rd(s);
	mark(s);
	rd(s);
	close(c);
	close(s);

	/* a new mark replaces an unread one */
	tcp_pair(AF_INET, &c, &s);
	SHOW(send(c, "1", 1, MSG_OOB));
	SHOW(send(c, "2", 1, MSG_OOB));
	msleep(50);
	mark(s);
	oob(s, 0);
	rd(s);
	close(c);
	close(s);

	tcp_pair(AF_INET, &c, &s);
	SHOW(setsockopt(s, SOL_SOCKET, SO_OOBINLINE, &one, sizeof(one)));
	SHOW(send(c, "ab", 2, 0));
	SHOW(send(c, "!", 1, MSG_OOB));
	SHOW(send(c, "cd", 2, 0));
	msleep(50);
	mark(s);
	rd(s);
	mark(s);
	oob(s, 0);
	rd(s);
	mark(s);
	return 0;
}
