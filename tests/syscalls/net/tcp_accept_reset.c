/* A connection reset while it waits in the accept queue is still handed
 * out; reading it says ECONNRESET. A listener's close resets connections
 * nobody accepted. */
#include "tcp_util.h"

int main(void)
{
	struct sockaddr_in6 sa;
	socklen_t sl;
	struct linger lg = { 1, 0 };
	char b[8];
	int l, c, s, c2;

	nl_private_net();
	l = tcp_listener(AF_INET, "127.0.0.1", 4, &sa, &sl);
	c2 = socket(AF_INET, SOCK_STREAM, 0);
	c = socket(AF_INET, SOCK_STREAM, 0);
	SHOW(connect(c, (struct sockaddr *)&sa, sl));
	setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(c);
	msleep(50);
	s = accept(l, NULL, NULL);
	EXPECT(s >= 0);
	SHOW(read(s, b, sizeof(b)));
	SHOW(read(s, b, sizeof(b)));
	SHOW(connect(c2, (struct sockaddr *)&sa, sl));
	SHOW(close(l));
	msleep(50);
	printf("c2 %s\n", tcp_state_name(c2));
	SHOW(read(c2, b, sizeof(b)));
	return 0;
}
