/* UDP socket options: defaults and round trips of SO_SNDTIMEO,
 * SO_RCVTIMEO, SO_PRIORITY, SO_KEEPALIVE, SO_SNDBUF, SO_REUSEADDR,
 * IP_TTL, IPV6_UNICAST_HOPS, bad lengths and values, unknown options. */
#include "udp.h"

static void geti(int fd, int level, int name, const char *what)
{
	int v = -7;
	socklen_t l = sizeof(v);

	if (getsockopt(fd, level, name, &v, &l) < 0)
		printf("get %s: %s\n", what, strerrorname_np(errno));
	else
		printf("get %s: %d (len %u)\n", what, v, l);
}

static void seti(int fd, int level, int name, int v, const char *what)
{
	if (setsockopt(fd, level, name, &v, sizeof(v)) < 0)
		printf("set %s=%d: %s\n", what, v, strerrorname_np(errno));
	else
		printf("set %s=%d: ok\n", what, v);
}

int main(void)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0), s6 = socket(AF_INET6, SOCK_DGRAM, 0);
	struct timeval tv = { 2, 500000 }, got;
	socklen_t l = sizeof(got);
	char small = 1;

	nl_private_net();
	SHOW(setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	SHOW(getsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &got, &l));
	printf("sndtimeo %ld.%06ld\n", (long)got.tv_sec, (long)got.tv_usec);
	tv.tv_usec = 2000000;
	SHOW(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	SHOW(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, 4));
	geti(s, SOL_SOCKET, SO_PRIORITY, "SO_PRIORITY");
	seti(s, SOL_SOCKET, SO_PRIORITY, 5, "SO_PRIORITY");
	geti(s, SOL_SOCKET, SO_PRIORITY, "SO_PRIORITY");
	geti(s, SOL_SOCKET, SO_KEEPALIVE, "SO_KEEPALIVE");
	seti(s, SOL_SOCKET, SO_KEEPALIVE, 1, "SO_KEEPALIVE");
	geti(s, SOL_SOCKET, SO_KEEPALIVE, "SO_KEEPALIVE");
	geti(s, SOL_SOCKET, SO_SNDBUF, "SO_SNDBUF");
	seti(s, SOL_SOCKET, SO_SNDBUF, 10000, "SO_SNDBUF");
	geti(s, SOL_SOCKET, SO_SNDBUF, "SO_SNDBUF");
	seti(s, SOL_SOCKET, SO_SNDBUF, 1, "SO_SNDBUF");
	geti(s, SOL_SOCKET, SO_SNDBUF, "SO_SNDBUF");
	geti(s, SOL_SOCKET, SO_REUSEADDR, "SO_REUSEADDR");
	SHOW(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &small, 1));
	seti(s, IPPROTO_IP, IP_TTL, 7, "IP_TTL");
	geti(s, IPPROTO_IP, IP_TTL, "IP_TTL");
	seti(s, IPPROTO_IP, IP_TTL, 256, "IP_TTL");
	seti(s, IPPROTO_IP, IP_TTL, -1, "IP_TTL");
	geti(s, IPPROTO_IP, IP_TTL, "IP_TTL");
	geti(s6, IPPROTO_IPV6, IPV6_UNICAST_HOPS, "IPV6_UNICAST_HOPS");
	geti(s, SOL_SOCKET, 9999, "SOL_SOCKET 9999");
	geti(s, IPPROTO_IP, 9999, "IPPROTO_IP 9999");
	geti(s, IPPROTO_UDP, 9999, "IPPROTO_UDP 9999");
	close(s);
	close(s6);
	return 0;
}
