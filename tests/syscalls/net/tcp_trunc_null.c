/* recv(MSG_TRUNC) on TCP discards the bytes without copying them, so a
 * NULL buffer works (tcp(7)); with MSG_PEEK it still peeks. */
#include "tcp_util.h"

int main(void)
{
	int c, s;
	char buf[16] = { 0 };

	tcp_pair(AF_INET, &c, &s);
	SHOW(send(c, "0123456789", 10, 0));
	usleep(100000);
	SHOW(recv(s, NULL, 4, MSG_TRUNC));
	SHOW(recv(s, buf, sizeof(buf), MSG_PEEK));
	printf("peeked %s\n", buf);
	SHOW(recv(s, NULL, 3, MSG_TRUNC | MSG_DONTWAIT));
	memset(buf, 0, sizeof(buf));
	SHOW(recv(s, buf, sizeof(buf), 0));
	printf("rest %s\n", buf);
	SHOW(recv(s, NULL, 3, MSG_TRUNC | MSG_DONTWAIT));
	return 0;
}
