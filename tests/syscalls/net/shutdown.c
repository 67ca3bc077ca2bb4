/* shutdown(2) on stream sockets: SHUT_WR gives the peer EOF and us EPIPE,
 * SHUT_RD makes our reads return 0; poll shows RDHUP/HUP. */
#include "net.h"

int main(void)
{
	int sv[2];
	char buf[16];

	signal(SIGPIPE, SIG_IGN);
	SHOW(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	show_poll("fresh a", sv[0]);
	SHOW(write(sv[0], "data", 4));
	SHOW(shutdown(sv[0], SHUT_WR));
	show_poll("after SHUT_WR a", sv[0]);
	show_poll("after SHUT_WR b", sv[1]);
	SHOW(write(sv[0], "x", 1));
	SHOW(read(sv[1], buf, sizeof(buf)));
	SHOW(read(sv[1], buf, sizeof(buf)));
	SHOW(write(sv[1], "back", 4));
	SHOW(read(sv[0], buf, sizeof(buf)));
	SHOW(shutdown(sv[1], SHUT_RD));
	SHOW(read(sv[1], buf, sizeof(buf)));
	SHOW(shutdown(sv[1], SHUT_RDWR));
	show_poll("after SHUT_RDWR b", sv[1]);
	show_poll("after SHUT_RDWR a", sv[0]);
	SHOW(shutdown(sv[1], 3));
	SHOW(shutdown(sv[1], -1));
	SHOW(shutdown(0, SHUT_RD));
	SHOW(shutdown(99, SHUT_RD));
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	SHOW(shutdown(s, SHUT_RDWR));
	int d[2];
	SHOW(socketpair(AF_UNIX, SOCK_DGRAM, 0, d));
	SHOW(shutdown(d[0], SHUT_RD));
	SHOW(recv(d[0], buf, sizeof(buf), 0));
	show_poll("dgram SHUT_RD", d[0]);
	SHOW(shutdown(d[0], SHUT_WR));
	SHOW(send(d[0], "x", 1, 0));
	SHOW(send(d[1], "x", 1, 0));
	return 0;
}
