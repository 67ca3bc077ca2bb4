/* SO_RCVTIMEO bounds a blocking recv (EAGAIN), and accept; SO_SNDTIMEO
 * round-trips. */
#include "tcp_util.h"

int main(void)
{
	struct sockaddr_in6 sa;
	socklen_t sl, l;
	struct timeval tv = { 0, 100000 }, g;
	char b[8];
	int c, s, lis;

	nl_private_net();
	tcp_pair(AF_INET, &c, &s);
	SHOW(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	SHOW(recv(s, b, sizeof(b), 0));
	l = sizeof(g);
	SHOW(getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &g, &l));
	printf("rcvtimeo %ld.%06ld\n", (long)g.tv_sec, (long)g.tv_usec);
	tv.tv_usec = 2000000;
	SHOW(setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	tv.tv_sec = 1;
	tv.tv_usec = 500000;
	SHOW(setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	l = sizeof(g);
	SHOW(getsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &g, &l));
	printf("sndtimeo %ld.%06ld\n", (long)g.tv_sec, (long)g.tv_usec);
	lis = tcp_listener(AF_INET, "127.0.0.1", 4, &sa, &sl);
	tv.tv_sec = 0;
	tv.tv_usec = 50000;
	SHOW(setsockopt(lis, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	SHOW(accept(lis, NULL, NULL));
	return 0;
}
