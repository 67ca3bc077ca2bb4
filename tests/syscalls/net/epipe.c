/* Writing to a stream socket whose peer is closed: SIGPIPE kills by
 * default, MSG_NOSIGNAL and SIG_IGN give plain EPIPE. */
#include "net.h"

int main(void)
{
	int sv[2];
	pid_t pid;

	SHOW(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	SHOW(close(sv[1]));
	SHOW(send(sv[0], "x", 1, MSG_NOSIGNAL));
	pid = fork();
	if (pid == 0) {
		write(sv[0], "x", 1);
		_exit(0);
	}
	reap(pid, "write child");
	pid = fork();
	if (pid == 0) {
		send(sv[0], "x", 1, 0);
		_exit(0);
	}
	reap(pid, "send child");
	pid = fork();
	if (pid == 0) {
		struct iovec iov = { "x", 1 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

		sendmsg(sv[0], &mh, 0);
		_exit(0);
	}
	reap(pid, "sendmsg child");
	signal(SIGPIPE, SIG_IGN);
	SHOW(write(sv[0], "x", 1));
	SHOW(send(sv[0], "x", 1, 0));
	return 0;
}
