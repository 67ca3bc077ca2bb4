/* MSG_TRUNC on a TCP socket discards the bytes it counts. */
#include "tcp_util.h"

int main(void)
{
	char buf[32] = { 0 };
	int c, s;

	nl_private_net();
	tcp_pair(AF_INET, &c, &s);
	write(c, "0123456789", 10);
	msleep(50);
	SHOW(recv(s, buf, 4, MSG_TRUNC));
	SHOW(recv(s, buf, 3, 0));
	printf("'%s'\n", buf);
	SHOW(recv(s, buf, 100, MSG_TRUNC | MSG_DONTWAIT));
	SHOW(recv(s, buf, 100, MSG_DONTWAIT));
	return 0;
}
