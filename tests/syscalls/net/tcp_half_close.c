/* shutdown(SHUT_WR) half-closes: the peer reads the data then EOF and can
 * still answer; poll shows RDHUP on the reading side; writes after the
 * shutdown are EPIPE. */
#include "tcp_util.h"

int main(void)
{
	char buf[100];
	int c, s;

	nl_private_net();
	signal(SIGPIPE, SIG_IGN);
	tcp_pair(AF_INET, &c, &s);
	SHOW(write(c, "request", 7));
	SHOW(shutdown(c, SHUT_WR));
	msleep(50);
	printf("server poll: %s\n", poll_str(s, 0));
	printf("client poll: %s\n", poll_str(c, 0));
	SHOW(read(s, buf, sizeof(buf)));
	SHOW(read(s, buf, sizeof(buf)));
	SHOW(read(s, buf, sizeof(buf)));
	printf("server %s client %s\n", tcp_state_name(s), tcp_state_name(c));
	SHOW(write(s, "response", 8));
	SHOW(read(c, buf, sizeof(buf)));
	SHOW(write(c, "more", 4));
	SHOW(close(s));
	msleep(50);
	SHOW(read(c, buf, sizeof(buf)));
	printf("client poll: %s\n", poll_str(c, 0));
	printf("client %s\n", tcp_state_name(c));
	return 0;
}
