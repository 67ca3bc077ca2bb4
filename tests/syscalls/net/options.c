/* Socket options of AF_UNIX sockets beyond the basic ones: stored
 * generic options (SO_LINGER, SO_PRIORITY, SO_KEEPALIVE), SO_RCVLOWAT
 * changing how much a stream read waits for, refused ones, other levels. */
#include "net.h"
#include <netinet/in.h>
#include <netinet/tcp.h>

int main(void)
{
	int s = socket(AF_UNIX, SOCK_STREAM, 0), v = 1, sv[2];
	socklen_t len = sizeof(v);
	struct linger l = { 1, 5 };
	char buf[16];

	SHOW(getsockopt(s, SOL_TCP, TCP_NODELAY, &v, &len));
	SHOW(setsockopt(s, SOL_TCP, TCP_NODELAY, &v, sizeof(v)));
	SHOW(setsockopt(s, SOL_SOCKET, SO_LINGER, &l, sizeof(l)));
	SHOW(setsockopt(s, SOL_SOCKET, SO_LINGER, &l, 4));
	SHOW(setsockopt(s, SOL_SOCKET, SO_PRIORITY, &v, sizeof(v)));
	SHOW(setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof(v)));
	len = sizeof(v);
	SHOW(getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, &len));
	printf("keepalive %d\n", v);
	memset(&l, 0, sizeof(l));
	len = sizeof(l);
	SHOW(getsockopt(s, SOL_SOCKET, SO_LINGER, &l, &len));
	printf("linger %d %d len %d\n", l.l_onoff, l.l_linger, len);
	len = sizeof(v);
	SHOW(getsockopt(s, SOL_SOCKET, SO_PRIORITY, &v, &len));
	printf("priority %d\n", v);
	SHOW(getsockopt(s, SOL_SOCKET, SO_RCVLOWAT, &v, &len));
	printf("rcvlowat %d\n", v);
	SHOW(getsockopt(s, SOL_SOCKET, SO_SNDLOWAT, &v, &len));
	printf("sndlowat %d\n", v);
	SHOW(setsockopt(s, SOL_SOCKET, SO_SNDLOWAT, &v, sizeof(v)));
	SHOW(setsockopt(s, SOL_SOCKET, SO_BROADCAST, &v, sizeof(v)));
	SHOW(setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &v, sizeof(v)));
	SHOW(getsockopt(s, SOL_SOCKET, SO_PEERSEC, &v, &len));
	len = sizeof(v);
	socklen_t *volatile badlen = (socklen_t *)1;
	SHOW(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, badlen));
	SHOW(getsockopt(s, SOL_SOCKET, SO_TYPE, NULL, &len));

	/* SO_RCVLOWAT 6: a read waits for six bytes (or the whole request). */
	SHOW(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	v = 6;
	SHOW(setsockopt(sv[1], SOL_SOCKET, SO_RCVLOWAT, &v, sizeof(v)));
	pid_t pid = fork();
	if (pid == 0) {
		write(sv[0], "abc", 3);
		sleep_ms(50);
		write(sv[0], "defgh", 5);
		_exit(0);
	}
	SHOW(read(sv[1], buf, sizeof(buf)));
	reap(pid, "writer");
	SHOW(write(sv[0], "xy", 2));
	SHOW(read(sv[1], buf, 2));
	return 0;
}
