/* Keepalive options on a connection: SO_KEEPALIVE and the TCP_KEEP*
 * values carry over, the connection stays up, accepted sockets inherit
 * the listener's TCP_NODELAY. */
#include "tcp_util.h"

int main(void)
{
	struct sockaddr_in6 sa;
	socklen_t sl, l = sizeof(int);
	int lis, c, s, one = 1, v, idle = 1, intvl = 1, cnt = 2;

	nl_private_net();
	lis = tcp_listener(AF_INET, "127.0.0.1", 4, &sa, &sl);
	setsockopt(lis, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c = socket(AF_INET, SOCK_STREAM, 0);
	SHOW(setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)));
	SHOW(setsockopt(c, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle)));
	SHOW(setsockopt(c, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl)));
	SHOW(setsockopt(c, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt)));
	connect(c, (struct sockaddr *)&sa, sl);
	s = accept(lis, NULL, NULL);
	getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, &l);
	printf("accepted nodelay %d\n", v);
	/* probes go out every second and are answered */
	msleep(3500);
	printf("client %s server %s\n", tcp_state_name(c), tcp_state_name(s));
	getsockopt(c, IPPROTO_TCP, TCP_KEEPCNT, &v, &l);
	printf("keepcnt %d\n", v);
	SHOW(write(c, "alive", 5));
	SHOW(read(s, (char[8]){ 0 }, 8));
	return 0;
}
