/* shutdown variants: bad how, an unconnected socket, SHUT_RD, SHUT_WR and
 * SHUT_RDWR on connections, with poll after each. */
#include "tcp_util.h"

int main(void)
{
	char buf[32];
	int c, s, u = socket(AF_INET, SOCK_STREAM, 0);

	nl_private_net();
	signal(SIGPIPE, SIG_IGN);
	SHOW(shutdown(u, SHUT_RDWR));
	SHOW(shutdown(u, 7));
	printf("unconnected poll: %s\n", poll_str(u, 0));

	tcp_pair(AF_INET, &c, &s);
	printf("connected poll: %s\n", poll_str(c, 0));
	SHOW(shutdown(c, SHUT_RD));
	printf("after SHUT_RD poll: %s\n", poll_str(c, 0));
	SHOW(recv(c, buf, sizeof(buf), MSG_DONTWAIT));
	SHOW(write(c, "still", 5));
	SHOW(read(s, buf, sizeof(buf)));
	SHOW(shutdown(c, SHUT_WR));
	msleep(50);
	printf("after SHUT_WR poll: %s\n", poll_str(c, 0));
	printf("peer poll: %s\n", poll_str(s, 0));
	SHOW(write(c, "x", 1));
	SHOW(shutdown(c, SHUT_RDWR));
	close(c);
	close(s);

	tcp_pair(AF_INET, &c, &s);
	SHOW(shutdown(s, SHUT_RDWR));
	msleep(50);
	printf("RDWR poll: %s\n", poll_str(s, 0));
	printf("peer poll: %s\n", poll_str(c, 0));
	SHOW(read(c, buf, sizeof(buf)));
	printf("states %s %s\n", tcp_state_name(s), tcp_state_name(c));
	return 0;
}
