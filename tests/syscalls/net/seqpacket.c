/* SOCK_SEQPACKET socketpair: records keep their boundaries, truncation
 * drops the rest, the peer's close reads as 0 and sends get EPIPE. */
#include "net.h"

int main(void)
{
	int sv[2];
	char buf[64];
	struct iovec iov = { buf, 3 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	signal(SIGPIPE, SIG_IGN);
	SHOW(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
	SHOW(write(sv[0], "abcdef", 6));
	SHOW(write(sv[0], "gh", 2));
	SHOW(write(sv[0], "", 0));
	memset(buf, 0, sizeof(buf));
	SHOW(recvmsg(sv[1], &mh, 0));
	printf("got '%s' trunc %d\n", buf, !!(mh.msg_flags & MSG_TRUNC));
	memset(buf, 0, sizeof(buf));
	SHOW(read(sv[1], buf, sizeof(buf)));
	printf("got '%s'\n", buf);
	SHOW(read(sv[1], buf, sizeof(buf)));
	SHOW(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT));
	SHOW(sendto(sv[0], "x", 1, 0, NULL, 0));
	SHOW(close(sv[0]));
	SHOW(read(sv[1], buf, sizeof(buf)));
	SHOW(read(sv[1], buf, sizeof(buf)));
	SHOW(write(sv[1], "y", 1));
	SHOW(send(sv[1], "y", 1, MSG_NOSIGNAL));
	show_poll("closed peer", sv[1]);
	int s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	SHOW(send(s, "x", 1, 0));
	SHOW(recv(s, buf, 1, 0));
	show_poll("unconnected", s);
	return 0;
}
