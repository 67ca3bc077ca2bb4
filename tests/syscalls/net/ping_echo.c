/* Ping sockets (SOCK_DGRAM, IPPROTO_ICMP/IPPROTO_ICMPV6, icmp(7)): an echo
 * request to 127.0.0.1 and ::1 comes back as a reply with our data and
 * sequence number and the socket's identifier; requests that are not echo
 * requests or are shorter than a header are EINVAL; unreachable
 * destinations ENETUNREACH. Natively the namespace's ping_group_range is
 * opened to every group first (the sandbox's default). */
#include "udp.h"
#include <fcntl.h>

static void ping(int family, const char *addr, int seq, const char *payload)
{
	int proto = family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	int fd = socket(family, SOCK_DGRAM, proto);
	unsigned char req[64] = { 0 }, rep[128];
	struct sockaddr_in6 to6 = sin6(addr, 0), from;
	struct sockaddr_in to4 = sin4(addr, 0);
	socklen_t fl = sizeof(from);
	struct sockaddr_in me;
	socklen_t ml = sizeof(me);
	size_t len = 8 + strlen(payload);
	long n;

	if (fd < 0) {
		printf("socket: %s\n", strerrorname_np(errno));
		return;
	}
	req[0] = family == AF_INET ? 8 : 128;
	req[6] = (unsigned char)(seq >> 8);
	req[7] = (unsigned char)seq;
	memcpy(req + 8, payload, strlen(payload));
	if (family == AF_INET)
		n = sendto(fd, req, len, 0, (struct sockaddr *)&to4, sizeof(to4));
	else
		n = sendto(fd, req, len, 0, (struct sockaddr *)&to6, sizeof(to6));
	printf("%s send: %ld %s\n", addr, n, n < 0 ? strerrorname_np(errno) : "");
	getsockname(fd, (struct sockaddr *)&me, &ml);
	memset(&from, 0, sizeof(from));
	n = recvfrom(fd, rep, sizeof(rep), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
	if (n < 0) {
		printf("%s recv: %s\n", addr, strerrorname_np(errno));
	} else {
		printf("%s recv: %ld type=%d code=%d id=%s seq=%d data='%.*s' from %s port %d len %u\n",
		       addr, n, rep[0], rep[1],
		       (rep[4] << 8 | rep[5]) == ntohs(me.sin_port) ? "ours" : "other",
		       rep[6] << 8 | rep[7], (int)n - 8, rep + 8, addr_str(&from),
		       ntohs(from.sin6_port), fl);
	}
	req[0] = 13; /* timestamp request */
	SHOW(sendto(fd, req, len, 0, family == AF_INET ? (struct sockaddr *)&to4 :
			   (struct sockaddr *)&to6, family == AF_INET ? sizeof(to4) : sizeof(to6)));
	SHOW(sendto(fd, req, 4, 0, family == AF_INET ? (struct sockaddr *)&to4 :
			   (struct sockaddr *)&to6, family == AF_INET ? sizeof(to4) : sizeof(to6)));
	close(fd);
}

int main(void)
{
	int fd;

	nl_private_net();
	fd = open("/proc/sys/net/ipv4/ping_group_range", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "0 2147483647", 12) < 0)
			perror("ping_group_range");
		close(fd);
	}
	ping(AF_INET, "127.0.0.1", 1, "hello");
	ping(AF_INET, "127.0.0.7", 2, "seven");
	ping(AF_INET6, "::1", 3, "six");
	{
		struct sockaddr_in d = sin4("10.9.9.9", 0);
		unsigned char req[8] = { 8 };

		fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
		SHOW(sendto(fd, req, 8, 0, (struct sockaddr *)&d, sizeof(d)));
		close(fd);
	}
	SHOW(socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMPV6));
	SHOW(socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMP));
	return 0;
}
