/* FIONREAD/SIOCINQ and SIOCOUTQ on connections; SIOCINQ on a listener is
 * EINVAL; SIOCATMARK without urgent data is 0. */
#include "tcp_util.h"
#include <linux/sockios.h>
#include <sys/ioctl.h>

int main(void)
{
	struct sockaddr_in6 sa;
	socklen_t sl;
	int c, s, l, n;
	char b[8];

	nl_private_net();
	tcp_pair(AF_INET, &c, &s);
	SHOW(ioctl(s, FIONREAD, &n));
	printf("inq %d\n", n);
	write(c, "12345", 5);
	msleep(50);
	SHOW(ioctl(s, SIOCINQ, &n));
	printf("inq %d\n", n);
	SHOW(ioctl(c, SIOCOUTQ, &n));
	printf("outq %d\n", n);
	read(s, b, 2);
	SHOW(ioctl(s, SIOCINQ, &n));
	printf("inq %d\n", n);
	SHOW(ioctl(s, SIOCATMARK, &n));
	printf("atmark %d\n", n);
	l = tcp_listener(AF_INET, "127.0.0.1", 4, &sa, &sl);
	SHOW(ioctl(l, SIOCINQ, &n));
	SHOW(ioctl(l, SIOCOUTQ, &n));
	return 0;
}
