/* Argument errors of the socket syscalls: bad addresses, lengths, flags,
 * control messages and iovecs, and calls on the wrong kind of socket. */
#include "net.h"

int main(void)
{
	int sv[2], s = socket(AF_UNIX, SOCK_STREAM, 0), v;
	struct sockaddr_un a, got;
	socklen_t alen = abstract_addr(&a, "err"), glen;
	char buf[16], ctl[64];
	struct iovec iov = { buf, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c = (struct cmsghdr *)ctl;
	void *volatile bad = (void *)8;

	SHOW(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	SHOW(bind(0, (struct sockaddr *)&a, alen));
	SHOW(bind(99, (struct sockaddr *)&a, alen));
	SHOW(bind(s, bad, alen));
	SHOW(bind(s, (struct sockaddr *)&a, -1));
	SHOW(bind(s, (struct sockaddr *)&a, 200));
	a.sun_family = AF_INET;
	SHOW(bind(s, (struct sockaddr *)&a, alen));
	SHOW(connect(s, (struct sockaddr *)&a, alen));
	a.sun_family = AF_UNIX;
	SHOW(connect(s, (struct sockaddr *)&a, 2));
	SHOW(connect(s, (struct sockaddr *)&a, 0));
	SHOW(accept4(s, NULL, NULL, 0x4));
	SHOW(accept(0, NULL, NULL));
	SHOW(listen(0, 1));
	SHOW(listen(sv[0], 1));
	SHOW(recv(s, buf, 1, MSG_DONTWAIT));
	SHOW(send(s, buf, 1, MSG_DONTWAIT));
	SHOW(sendto(s, buf, 1, 0, (struct sockaddr *)&a, alen));
	SHOW(sendto(sv[0], buf, 1, 0, (struct sockaddr *)&a, alen));
	SHOW(send(sv[0], bad, 1, 0));
	SHOW(recv(sv[0], bad, 1, MSG_DONTWAIT));
	SHOW(write(sv[0], "abc", 3));
	SHOW(recv(sv[1], bad, 1, 0));
	SHOW(recv(sv[1], buf, 1, MSG_OOB));
	glen = sizeof(got);
	SHOW(getsockname(0, (struct sockaddr *)&got, &glen));
	SHOW(getsockname(sv[0], (struct sockaddr *)&got, bad));
	glen = -1;
	SHOW(getsockname(sv[0], (struct sockaddr *)&got, &glen));
	glen = 1;
	SHOW(getsockname(sv[0], (struct sockaddr *)&got, &glen));
	printf("glen %d\n", glen);
	glen = -1;
	SHOW(recvfrom(sv[1], buf, 1, MSG_DONTWAIT, (struct sockaddr *)&got, &glen));

	/* msghdr and control messages. */
	SHOW(sendmsg(sv[0], bad, 0));
	mh.msg_iovlen = 2000;
	SHOW(sendmsg(sv[0], &mh, 0));
	mh.msg_iovlen = 1;
	mh.msg_control = ctl;
	mh.msg_controllen = 8;
	SHOW(sendmsg(sv[0], &mh, 0));
	mh.msg_controllen = 1 << 20;
	SHOW(sendmsg(sv[0], &mh, 0));
	memset(ctl, 0, sizeof(ctl));
	c->cmsg_len = 8;
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	mh.msg_controllen = CMSG_SPACE(4);
	SHOW(sendmsg(sv[0], &mh, 0));
	c->cmsg_len = CMSG_LEN(4);
	c->cmsg_type = 77;
	SHOW(sendmsg(sv[0], &mh, 0));
	c->cmsg_level = 99;
	SHOW(sendmsg(sv[0], &mh, 0));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(0);
	SHOW(sendmsg(sv[0], &mh, 0));
	c->cmsg_len = CMSG_LEN(4) + 100;
	SHOW(sendmsg(sv[0], &mh, 0));
	mh.msg_control = bad;
	c->cmsg_len = CMSG_LEN(4);
	SHOW(sendmsg(sv[0], &mh, 0));
	mh.msg_control = NULL;
	mh.msg_controllen = 0;
	iov.iov_base = bad;
	SHOW(sendmsg(sv[0], &mh, 0));
	iov.iov_len = (size_t)-1;
	SHOW(sendmsg(sv[0], &mh, 0));
	v = 0;
	while (recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT) > 0)
		v++;
	printf("drained %d\n", v > 0);
	return 0;
}
