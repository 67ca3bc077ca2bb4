/* SOCK_DGRAM socketpair: message boundaries, truncation (MSG_TRUNC in
 * msg_flags and as a recv flag), zero-length datagrams, FIONREAD of the
 * next datagram, EMSGSIZE, and sends after the peer is gone. */
#include "net.h"
#include <sys/ioctl.h>

int main(void)
{
	int sv[2], n;
	char buf[64];
	struct iovec iov = { buf, 4 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	static char big[300000];

	SHOW(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	SHOW(send(sv[0], "one", 3, 0));
	SHOW(send(sv[0], "twotwo", 6, 0));
	SHOW(send(sv[0], "", 0, 0));
	SHOW(send(sv[0], "threethree", 10, 0));
	SHOW(ioctl(sv[1], FIONREAD, &n));
	printf("next %d\n", n);
	memset(buf, 0, sizeof(buf));
	SHOW(recv(sv[1], buf, sizeof(buf), 0));
	printf("got '%s'\n", buf);
	memset(buf, 0, sizeof(buf));
	SHOW(recvmsg(sv[1], &mh, 0));
	printf("got '%s' trunc %d\n", buf, !!(mh.msg_flags & MSG_TRUNC));
	SHOW(recv(sv[1], buf, sizeof(buf), 0));
	memset(buf, 0, sizeof(buf));
	SHOW(recv(sv[1], buf, 5, MSG_TRUNC));
	printf("got '%s'\n", buf);
	SHOW(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT));
	SHOW(send(sv[0], big, sizeof(big), 0));
	SHOW(write(sv[1], "x", 1));
	SHOW(read(sv[0], buf, 0));
	SHOW(close(sv[1]));
	SHOW(send(sv[0], "x", 1, 0));
	SHOW(send(sv[0], "x", 1, 0));
	SHOW(recv(sv[0], buf, sizeof(buf), MSG_DONTWAIT));
	return 0;
}
