/* What recvmsg writes back into the msghdr: msg_namelen with and without
 * a name buffer and from unbound senders, msg_controllen with nothing to
 * report, msg_flags. */
#include "net.h"

int main(void)
{
	int sv[2];
	char buf[8], ctl[64];
	struct sockaddr_un from;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh;

	SHOW(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	SHOW(send(sv[0], "a", 1, 0));
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_namelen = 77;
	mh.msg_control = ctl;
	mh.msg_controllen = sizeof(ctl);
	mh.msg_flags = 0x7fff;
	SHOW(recvmsg(sv[1], &mh, 0));
	printf("namelen %d controllen %zu flags %#x\n", mh.msg_namelen, (size_t)mh.msg_controllen,
	       mh.msg_flags);
	SHOW(send(sv[0], "bb", 2, 0));
	mh.msg_name = &from;
	mh.msg_namelen = sizeof(from);
	mh.msg_controllen = sizeof(ctl);
	SHOW(recvmsg(sv[1], &mh, 0));
	printf("namelen %d controllen %zu flags %#x\n", mh.msg_namelen, (size_t)mh.msg_controllen,
	       mh.msg_flags);
	struct sockaddr_un a;
	socklen_t alen = abstract_addr(&a, "fields");
	SHOW(bind(sv[0], (struct sockaddr *)&a, alen));
	SHOW(send(sv[0], "ccc", 3, 0));
	mh.msg_namelen = 3;
	SHOW(recvmsg(sv[1], &mh, 0));
	printf("namelen_is_alen %d first %d\n", mh.msg_namelen == alen, from.sun_family);
	return 0;
}
