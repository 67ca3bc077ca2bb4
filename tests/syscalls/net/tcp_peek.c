/* MSG_PEEK leaves data queued; FIONREAD counts it; a short read takes
 * the front; MSG_PEEK|MSG_DONTWAIT on an empty socket is EAGAIN. */
#include "tcp_util.h"
#include <sys/ioctl.h>

int main(void)
{
	char buf[100];
	int c, s, n;

	nl_private_net();
	tcp_pair(AF_INET, &c, &s);
	SHOW(recv(s, buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT));
	SHOW(write(c, "abcdefghij", 10));
	msleep(50);
	SHOW(ioctl(s, FIONREAD, &n));
	printf("FIONREAD %d\n", n);
	memset(buf, 0, sizeof(buf));
	SHOW(recv(s, buf, 4, MSG_PEEK));
	printf("peek '%s'\n", buf);
	memset(buf, 0, sizeof(buf));
	SHOW(recv(s, buf, sizeof(buf), MSG_PEEK));
	printf("peek '%s'\n", buf);
	memset(buf, 0, sizeof(buf));
	SHOW(recv(s, buf, 3, 0));
	printf("read '%s'\n", buf);
	SHOW(ioctl(s, FIONREAD, &n));
	printf("FIONREAD %d\n", n);
	memset(buf, 0, sizeof(buf));
	SHOW(recv(s, buf, sizeof(buf), MSG_PEEK));
	printf("peek '%s'\n", buf);
	memset(buf, 0, sizeof(buf));
	SHOW(recv(s, buf, sizeof(buf), 0));
	printf("read '%s'\n", buf);
	SHOW(recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	SHOW(write(c, "xyz", 3));
	SHOW(close(c));
	msleep(50);
	memset(buf, 0, sizeof(buf));
	SHOW(recv(s, buf, sizeof(buf), MSG_PEEK));
	printf("peek '%s'\n", buf);
	SHOW(recv(s, buf, sizeof(buf), 0));
	SHOW(recv(s, buf, sizeof(buf), MSG_PEEK));
	return 0;
}
