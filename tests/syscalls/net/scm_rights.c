/* SCM_RIGHTS: a pipe's write end passed to a child over a socketpair, the
 * child writes through it; MSG_CTRUNC when the control buffer is short;
 * MSG_CMSG_CLOEXEC; bad fds. */
#include "net.h"
#include <fcntl.h>

static int send_fds(int s, const int *fds, int n, const char *data)
{
	char ctl[CMSG_SPACE(sizeof(int) * 8)];
	struct iovec iov = { (void *)data, strlen(data) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			     .msg_controllen = CMSG_SPACE(sizeof(int) * n) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

	memset(ctl, 0, sizeof(ctl));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * n);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
	return sendmsg(s, &mh, 0);
}

/* Receive; print data, flags and the number of fds; return the first. */
static int recv_fds(int s, size_t ctlsize, int flags)
{
	char data[16] = { 0 }, ctl[256];
	struct iovec iov = { data, sizeof(data) - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			     .msg_controllen = ctlsize };
	struct cmsghdr *c;
	int n = 0, first = -1;
	long r = recvmsg(s, &mh, flags);

	if (r < 0) {
		printf("recvmsg = -1 %s\n", strerrorname_np(errno));
		return -1;
	}
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			n += (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			memcpy(&first, CMSG_DATA(c), sizeof(int));
		}
	}
	printf("recvmsg = %ld '%s' ctrunc %d fds %d controllen %zu\n", r, data,
	       !!(mh.msg_flags & MSG_CTRUNC), n, (size_t)mh.msg_controllen);
	return first;
}

int main(void)
{
	int sv[2], pfd[2], fds[3], fd;
	char buf[32];
	pid_t pid;

	SHOW(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	SHOW(pipe(pfd));
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		int w = recv_fds(sv[1], 256, 0);
		if (w < 0)
			_exit(1);
		if (write(w, "via passed fd", 13) != 13)
			_exit(2);
		_exit(0);
	}
	/* Print nothing until the child (which prints) is reaped. */
	long sent = send_fds(sv[0], &pfd[1], 1, "take");
	close(pfd[1]);
	reap(pid, "child");
	printf("sent %ld\n", sent);
	memset(buf, 0, sizeof(buf));
	SHOW(read(pfd[0], buf, sizeof(buf)));
	printf("pipe got '%s'\n", buf);
	SHOW(read(pfd[0], buf, sizeof(buf)));

	/* Three fds, room for one: MSG_CTRUNC. */
	fds[0] = fds[1] = fds[2] = pfd[0];
	SHOW(send_fds(sv[1], fds, 3, "three"));
	fd = recv_fds(sv[0], CMSG_SPACE(sizeof(int)), 0);
	EXPECT(fd >= 0);
	SHOW(fcntl(fd, F_GETFD));
	SHOW(close(fd));
	/* No control buffer at all. */
	SHOW(send_fds(sv[1], fds, 2, "two"));
	recv_fds(sv[0], 0, 0);
	/* MSG_CMSG_CLOEXEC. */
	SHOW(send_fds(sv[1], fds, 1, "one"));
	fd = recv_fds(sv[0], 256, MSG_CMSG_CLOEXEC);
	SHOW(fcntl(fd, F_GETFD));
	/* An fd in flight survives the sender's close. */
	int q[2];
	SHOW(pipe(q));
	SHOW(send_fds(sv[1], &q[0], 1, "r"));
	SHOW(close(q[0]));
	SHOW(write(q[1], "still", 5));
	fd = recv_fds(sv[0], 256, 0);
	memset(buf, 0, sizeof(buf));
	SHOW(read(fd, buf, sizeof(buf)));
	printf("got '%s'\n", buf);
	/* Errors. */
	fds[0] = 999;
	SHOW(send_fds(sv[1], fds, 1, "bad"));
	SHOW(recv(sv[0], buf, sizeof(buf), MSG_DONTWAIT));
	/* Datagram sockets carry fds too; peek leaves them queued. */
	int dv[2];
	SHOW(socketpair(AF_UNIX, SOCK_DGRAM, 0, dv));
	SHOW(send_fds(dv[0], &q[1], 1, "dg"));
	fd = recv_fds(dv[1], 256, MSG_PEEK);
	EXPECT(fd >= 0);
	fd = recv_fds(dv[1], 256, 0);
	EXPECT(fd >= 0);
	return 0;
}
