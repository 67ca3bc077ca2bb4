/* TCP_CORK holds small writes back until uncorked; MSG_MORE does the
 * same for one send; the peer receives everything, in order. */
#include "tcp_util.h"
#include <sys/ioctl.h>

int main(void)
{
	char b[64] = { 0 };
	int c, s, one = 1, zero = 0, n;

	nl_private_net();
	tcp_pair(AF_INET, &c, &s);
	SHOW(setsockopt(c, IPPROTO_TCP, TCP_CORK, &one, sizeof(one)));
	write(c, "a", 1);
	write(c, "b", 1);
	msleep(50);
	ioctl(s, FIONREAD, &n);
	printf("while corked %d\n", n);
	SHOW(setsockopt(c, IPPROTO_TCP, TCP_CORK, &zero, sizeof(zero)));
	msleep(50);
	ioctl(s, FIONREAD, &n);
	printf("uncorked %d\n", n);
	SHOW(send(c, "c", 1, MSG_MORE));
	msleep(50);
	ioctl(s, FIONREAD, &n);
	printf("after MSG_MORE %d\n", n);
	SHOW(send(c, "d", 1, 0));
	msleep(50);
	SHOW(read(s, b, sizeof(b)));
	printf("'%s'\n", b);
	return 0;
}
