/* SO_LINGER with a zero timeout: close aborts with RST (no FIN, no
 * TIME_WAIT); the peer sees ECONNRESET. A non-zero linger closes
 * normally when everything was already acknowledged. */
#include "tcp_util.h"

int main(void)
{
	struct linger lg = { 1, 0 };
	char buf[16];
	int c, s;

	nl_private_net();
	signal(SIGPIPE, SIG_IGN);
	tcp_pair(AF_INET, &c, &s);
	SHOW(write(c, "bye", 3));
	msleep(20);
	SHOW(read(s, buf, sizeof(buf)));
	SHOW(setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	SHOW(close(c));
	msleep(50);
	printf("server %s poll: %s\n", tcp_state_name(s), poll_str(s, 0));
	SHOW(read(s, buf, sizeof(buf)));
	SHOW(read(s, buf, sizeof(buf)));

	tcp_pair(AF_INET, &c, &s);
	lg.l_linger = 2;
	SHOW(setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	SHOW(close(c));
	msleep(50);
	printf("server %s\n", tcp_state_name(s));
	SHOW(read(s, buf, sizeof(buf)));
	return 0;
}
