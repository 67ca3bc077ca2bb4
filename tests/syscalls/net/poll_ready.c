/* poll(2) readiness of AF_UNIX sockets through their life: fresh pairs,
 * queued data, a listener with a pending connection, a closed peer, and a
 * reader woken by poll when data arrives from a child. */
#include "net.h"

int main(void)
{
	int sv[2], dv[2];
	struct sockaddr_un a;
	socklen_t alen = abstract_addr(&a, "poll");
	char buf[8];
	pid_t pid;

	SHOW(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	show_poll("stream fresh", sv[0]);
	SHOW(write(sv[1], "x", 1));
	show_poll("stream data", sv[0]);
	SHOW(read(sv[0], buf, 1));
	show_poll("stream drained", sv[0]);
	SHOW(close(sv[1]));
	show_poll("stream peer closed", sv[0]);

	SHOW(socketpair(AF_UNIX, SOCK_DGRAM, 0, dv));
	show_poll("dgram fresh", dv[0]);
	SHOW(send(dv[1], "x", 1, 0));
	show_poll("dgram data", dv[0]);
	SHOW(close(dv[1]));
	show_poll("dgram peer closed", dv[0]);

	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	show_poll("stream unconnected", s);
	int ds = socket(AF_UNIX, SOCK_DGRAM, 0);
	show_poll("dgram unconnected", ds);
	int ls = socket(AF_UNIX, SOCK_STREAM, 0);
	SHOW(bind(ls, (struct sockaddr *)&a, alen));
	SHOW(listen(ls, 1));
	show_poll("listener idle", ls);
	SHOW(connect(s, (struct sockaddr *)&a, alen));
	show_poll("listener pending", ls);
	show_poll("client connected", s);
	int as = accept(ls, NULL, NULL);
	show_poll("listener accepted", ls);
	SHOW(close(as));
	show_poll("client after server close", s);

	SHOW(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = fork();
	if (pid == 0) {
		sleep_ms(50);
		write(sv[1], "late", 4);
		_exit(0);
	}
	struct pollfd p = { .fd = sv[0], .events = POLLIN };
	SHOW(poll(&p, 1, 5000));
	printf("revents %#x\n", p.revents);
	reap(pid, "writer");
	return 0;
}
