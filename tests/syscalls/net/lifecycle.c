/* Connection life cycle corners: a client whose pending connection is
 * dropped by the listener's close sees ECONNRESET; accepting a connection
 * whose client already left; a full backlog with a nonblocking connect;
 * a socket passed over itself; SO_ERROR after a reset. */
#include "net.h"
#include <fcntl.h>

int main(void)
{
	struct sockaddr_un a;
	socklen_t alen = abstract_addr(&a, "life");
	int ls, c1, c2, c3, as, v;
	socklen_t len = sizeof(v);
	char buf[8];

	ls = socket(AF_UNIX, SOCK_STREAM, 0);
	SHOW(bind(ls, (struct sockaddr *)&a, alen));
	SHOW(listen(ls, 0));
	c1 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	c2 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	c3 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	SHOW(connect(c1, (struct sockaddr *)&a, alen));
	SHOW(connect(c2, (struct sockaddr *)&a, alen));
	SHOW(connect(c3, (struct sockaddr *)&a, alen));
	SHOW(write(c1, "hi", 2));
	SHOW(close(c1));
	as = accept(ls, NULL, NULL);
	EXPECT(as >= 0);
	SHOW(read(as, buf, sizeof(buf)));
	SHOW(read(as, buf, sizeof(buf)));
	SHOW(close(as));
	SHOW(close(ls));
	show_poll("dropped client", c2);
	SHOW(getsockopt(c2, SOL_SOCKET, SO_ERROR, &v, &len));
	printf("so_error %s\n", strerrorname_np(v));
	SHOW(getsockopt(c2, SOL_SOCKET, SO_ERROR, &v, &len));
	printf("so_error %d\n", v);
	SHOW(read(c2, buf, sizeof(buf)));

	/* A connection still pending when the listener closes is reset. */
	struct sockaddr_un b;
	socklen_t blen = abstract_addr(&b, "life2");
	int ls2 = socket(AF_UNIX, SOCK_STREAM, 0), c4 = socket(AF_UNIX, SOCK_STREAM, 0);
	SHOW(bind(ls2, (struct sockaddr *)&b, blen));
	SHOW(listen(ls2, 4));
	SHOW(connect(c4, (struct sockaddr *)&b, blen));
	SHOW(write(c4, "lost", 4));
	SHOW(close(ls2));
	show_poll("reset client", c4);
	SHOW(read(c4, buf, sizeof(buf)));
	SHOW(read(c4, buf, sizeof(buf)));
	SHOW(send(c4, "x", 1, MSG_NOSIGNAL));
	SHOW(connect(c4, (struct sockaddr *)&b, blen));

	/* A socket carried in its own queue: closing it must not hang. */
	int sv[2];
	SHOW(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	char ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { "s", 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			     .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &sv[1], sizeof(int));
	SHOW(sendmsg(sv[0], &mh, 0));
	SHOW(close(sv[1]));
	SHOW(close(sv[0]));
	return 0;
}
