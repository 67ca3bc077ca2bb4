/* The peer closes: reads give EOF, poll says IN|RDHUP, the socket sits
 * in CLOSE_WAIT and can still send until it closes too (LAST_ACK, then
 * the peer's TIME_WAIT). */
#include "tcp_util.h"

int main(void)
{
	char b[16] = { 0 };
	int c, s;

	nl_private_net();
	tcp_pair(AF_INET, &c, &s);
	SHOW(shutdown(c, SHUT_WR));
	msleep(50);
	printf("server %s poll: %s\n", tcp_state_name(s), poll_str(s, 0));
	SHOW(read(s, b, sizeof(b)));
	SHOW(write(s, "late", 4));
	SHOW(read(c, b, sizeof(b)));
	printf("'%s'\n", b);
	SHOW(close(s));
	msleep(50);
	printf("client %s\n", tcp_state_name(c));
	SHOW(read(c, b, sizeof(b)));
	return 0;
}
