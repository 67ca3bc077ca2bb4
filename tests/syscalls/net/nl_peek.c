/* recvmsg on netlink: MSG_PEEK keeps the datagram, MSG_TRUNC returns its
 * full length, a short buffer sets MSG_TRUNC in msg_flags and drops the
 * rest, the source address is the kernel's, and MSG_DONTWAIT on an empty
 * queue gives EAGAIN; poll readiness follows the queue. */
#include "nl.h"

static long rx(int fd, size_t len, int flags, const char *label)
{
	static char buf[4096];
	struct sockaddr_nl a;
	struct iovec iov = { buf, len };
	struct msghdr m = { .msg_name = &a, .msg_namelen = sizeof(a), .msg_iov = &iov,
			    .msg_iovlen = 1 };
	long n;

	memset(&a, 0xff, sizeof(a));
	n = recvmsg(fd, &m, flags);
	if (n < 0)
		printf("%s: -1 %s\n", label, strerrorname_np(errno));
	else
		printf("%s: %ld flags=%s namelen=%u family=%d pid=%u groups=%u\n", label, n,
		       m.msg_flags & MSG_TRUNC ? "TRUNC" : "0", m.msg_namelen, a.nl_family,
		       a.nl_pid, a.nl_groups);
	return n;
}

int main(void)
{
	struct nl_req r;
	int fd;

	nl_private_net();
	fd = nl_open();
	show_poll("empty", fd);
	rx(fd, 100, MSG_DONTWAIT, "empty");
	nl_init(&r, NLMSG_NOOP, NLM_F_ACK, 1);
	nl_fixed(&r, 0);
	SHOW(nl_send(fd, &r));
	show_poll("queued", fd);
	rx(fd, 4, MSG_PEEK, "peek 4");
	rx(fd, 4, MSG_PEEK | MSG_TRUNC, "peek|trunc 4");
	rx(fd, 0, MSG_PEEK | MSG_TRUNC, "peek|trunc 0");
	rx(fd, 4096, MSG_PEEK, "peek all");
	rx(fd, 8, 0, "read 8");
	rx(fd, 100, MSG_DONTWAIT, "after");
	show_poll("drained", fd);

	nl_init(&r, NLMSG_NOOP, NLM_F_ACK, 2);
	nl_fixed(&r, 0);
	SHOW(nl_send(fd, &r));
	SHOW(nl_send(fd, &r));
	rx(fd, 4096, MSG_TRUNC, "trunc flag, big buffer");
	SHOW(read(fd, (char[64]){ 0 }, 64));
	rx(fd, 100, MSG_DONTWAIT, "after read");
	close(fd);
	return 0;
}
