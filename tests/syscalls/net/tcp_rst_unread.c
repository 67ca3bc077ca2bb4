/* Closing a socket with unread data sends RST (RFC 2525 2.17): the peer's
 * next read is ECONNRESET, then EOF; its writes are EPIPE. */
#include "tcp_util.h"

int main(void)
{
	char buf[100];
	int c, s;

	nl_private_net();
	signal(SIGPIPE, SIG_IGN);
	tcp_pair(AF_INET, &c, &s);
	SHOW(write(c, "never read", 10));
	msleep(50);
	SHOW(close(s));
	msleep(50);
	printf("client poll: %s\n", poll_str(c, 0));
	printf("client %s\n", tcp_state_name(c));
	SHOW(read(c, buf, sizeof(buf)));
	SHOW(read(c, buf, sizeof(buf)));
	SHOW(write(c, "x", 1));
	printf("SO_ERROR = %s\n", errname(so_error(c)));
	SHOW(getpeername(c, (struct sockaddr *)buf, &(socklen_t){ sizeof(buf) }));
	SHOW(shutdown(c, SHUT_RDWR));
	return 0;
}
