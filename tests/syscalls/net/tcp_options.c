/* Socket and TCP options on a fresh socket: defaults, round trips,
 * range checks and unknown names. */
#include "tcp_util.h"

static void geti(int fd, int level, int name, const char *what)
{
	int v = -1;
	socklen_t l = sizeof(v);

	if (getsockopt(fd, level, name, &v, &l) < 0)
		printf("get %s: -1 %s\n", what, errname(errno));
	else
		printf("get %s: %d (len %u)\n", what, v, l);
}

static void seti(int fd, int level, int name, int v, const char *what)
{
	if (setsockopt(fd, level, name, &v, sizeof(v)) < 0)
		printf("set %s=%d: -1 %s\n", what, v, errname(errno));
	else
		printf("set %s=%d: ok\n", what, v);
}

#define G(l, n) geti(s, l, n, #n)
#define S(l, n, v) seti(s, l, n, v, #n)

int main(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	char cc[32];
	socklen_t l;
	struct linger lg = { 1, 5 };

	nl_private_net();
	G(SOL_SOCKET, SO_TYPE);
	G(SOL_SOCKET, SO_PROTOCOL);
	G(SOL_SOCKET, SO_DOMAIN);
	G(SOL_SOCKET, SO_ERROR);
	G(SOL_SOCKET, SO_ACCEPTCONN);
	G(SOL_SOCKET, SO_SNDBUF);
	G(SOL_SOCKET, SO_RCVBUF);
	S(SOL_SOCKET, SO_SNDBUF, 10000);
	G(SOL_SOCKET, SO_SNDBUF);
	S(SOL_SOCKET, SO_RCVBUF, 100);
	G(SOL_SOCKET, SO_RCVBUF);
	S(SOL_SOCKET, SO_REUSEADDR, 5);
	G(SOL_SOCKET, SO_REUSEADDR);
	S(SOL_SOCKET, SO_KEEPALIVE, 1);
	G(SOL_SOCKET, SO_KEEPALIVE);
	G(SOL_SOCKET, SO_OOBINLINE);
	G(IPPROTO_TCP, TCP_NODELAY);
	S(IPPROTO_TCP, TCP_NODELAY, 1);
	G(IPPROTO_TCP, TCP_NODELAY);
	G(IPPROTO_TCP, TCP_CORK);
	S(IPPROTO_TCP, TCP_CORK, 1);
	G(IPPROTO_TCP, TCP_CORK);
	G(IPPROTO_TCP, TCP_MAXSEG);
	S(IPPROTO_TCP, TCP_MAXSEG, 10);
	S(IPPROTO_TCP, TCP_MAXSEG, 1000);
	G(IPPROTO_TCP, TCP_MAXSEG);
	G(IPPROTO_TCP, TCP_KEEPIDLE);
	G(IPPROTO_TCP, TCP_KEEPINTVL);
	G(IPPROTO_TCP, TCP_KEEPCNT);
	S(IPPROTO_TCP, TCP_KEEPIDLE, 0);
	S(IPPROTO_TCP, TCP_KEEPIDLE, 30);
	S(IPPROTO_TCP, TCP_KEEPINTVL, 40000);
	S(IPPROTO_TCP, TCP_KEEPINTVL, 5);
	S(IPPROTO_TCP, TCP_KEEPCNT, 200);
	S(IPPROTO_TCP, TCP_KEEPCNT, 3);
	G(IPPROTO_TCP, TCP_KEEPIDLE);
	G(IPPROTO_TCP, TCP_KEEPINTVL);
	G(IPPROTO_TCP, TCP_KEEPCNT);
	G(IPPROTO_TCP, TCP_SYNCNT);
	G(IPPROTO_TCP, 9999);
	G(SOL_SOCKET, 9999);
	l = sizeof(cc);
	memset(cc, 0, sizeof(cc));
	/* the default follows net.ipv4.tcp_congestion_control: not printed */
	SHOWOK(getsockopt(s, IPPROTO_TCP, TCP_CONGESTION, cc, &l));
	SHOW(setsockopt(s, IPPROTO_TCP, TCP_CONGESTION, "reno", 4));
	l = sizeof(cc);
	memset(cc, 0, sizeof(cc));
	SHOW(getsockopt(s, IPPROTO_TCP, TCP_CONGESTION, cc, &l));
	printf("congestion '%s'\n", cc);
	SHOW(setsockopt(s, IPPROTO_TCP, TCP_CONGESTION, "nosuchcc", 8));
	SHOW(setsockopt(s, IPPROTO_TCP, TCP_CONGESTION, "cubic", 5));
	SHOW(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	memset(&lg, 0, sizeof(lg));
	l = sizeof(lg);
	SHOW(getsockopt(s, SOL_SOCKET, SO_LINGER, &lg, &l));
	printf("linger %d %d len %u\n", lg.l_onoff, lg.l_linger, l);
	SHOW(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &lg, 2));
	return 0;
}
