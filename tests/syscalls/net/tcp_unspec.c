/* connect(AF_UNSPEC) disconnects (the peer sees a reset); the socket can
 * then connect elsewhere. */
#include "tcp_util.h"

int main(void)
{
	struct sockaddr_in6 sa, sb;
	struct sockaddr un = { .sa_family = AF_UNSPEC };
	socklen_t sl, sbl;
	char b[8];
	int l1, l2, c, s;

	nl_private_net();
	signal(SIGPIPE, SIG_IGN);
	l1 = tcp_listener(AF_INET, "127.0.0.1", 4, &sa, &sl);
	l2 = tcp_listener(AF_INET, "127.0.0.1", 4, &sb, &sbl);
	c = socket(AF_INET, SOCK_STREAM, 0);
	SHOW(connect(c, (struct sockaddr *)&sa, sl));
	s = accept(l1, NULL, NULL);
	SHOW(connect(c, &un, sizeof(un)));
	printf("client %s\n", tcp_state_name(c));
	msleep(50);
	SHOW(read(s, b, sizeof(b)));
	SHOW(connect(c, (struct sockaddr *)&sb, sbl));
	s = accept(l2, NULL, NULL);
	SHOW(write(c, "again", 5));
	SHOW(read(s, b, sizeof(b)));
	return 0;
}
