/* Raw IP sockets (raw(7)) on loopback, in a private network namespace
 * natively: protocol 0 is refused; an ICMP raw socket names itself with
 * the protocol as its port; an echo request it sends to 127.0.0.1 is seen
 * twice, as the request and as the reply, each with its IPv4 header;
 * IP_HDRINCL packets get their total length, source and checksum filled;
 * ICMP_FILTER hides a type; an ICMPv6 raw socket has its checksum at 2
 * (IPV6_CHECKSUM may not change it), sees the request and the reply
 * without an IP header, with valid checksums. */
#include "udp.h"
#include "nl.h"
#include <linux/icmp.h>
#include <netinet/ip.h>

static uint16_t csum(const void *p, size_t n, uint32_t s)
{
	const uint8_t *b = p;

	for (; n > 1; b += 2, n -= 2)
		s += (uint32_t)(b[0] << 8 | b[1]);
	if (n)
		s += (uint32_t)b[0] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Read what arrives for our identifier, at most max packets, for 1 s. */
static void show_v4(int fd, int id, int max)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	unsigned char b[256];
	int seen = 0;

	while (seen < max && poll(&p, 1, 1000) == 1) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		long n = recvfrom(fd, b, sizeof(b), 0, (struct sockaddr *)&from, &fl);
		size_t ihl;

		if (n < 20)
			break;
		ihl = (size_t)(b[0] & 15) * 4;
		if ((size_t)n < ihl + 8 || (b[ihl + 4] << 8 | b[ihl + 5]) != id)
			continue;
		seen++;
		printf("v4 recv %ld: ver %d ihl %zu totlen-ok %d proto %d ttl-set %d src %d.%d.%d.%d "
		       "dst %d.%d.%d.%d hdr-csum-ok %d type %d code %d seq %d icmp-csum-ok %d from %s "
		       "port %d\n", n, b[0] >> 4, ihl, (b[2] << 8 | b[3]) == n, b[9], b[8] > 0,
		       b[12], b[13], b[14], b[15], b[16], b[17], b[18], b[19], csum(b, ihl, 0) == 0,
		       b[ihl], b[ihl + 1], b[ihl + 6] << 8 | b[ihl + 7],
		       csum(b + ihl, (size_t)n - ihl, 0) == 0, addr_str(&from), ntohs(from.sin_port));
	}
	printf("v4 seen %d\n", seen);
}

static void echo_req(unsigned char *q, int id, int seq, const char *data)
{
	uint16_t c;

	memset(q, 0, 8);
	q[0] = 8;
	q[4] = (unsigned char)(id >> 8), q[5] = (unsigned char)id;
	q[6] = (unsigned char)(seq >> 8), q[7] = (unsigned char)seq;
	memcpy(q + 8, data, strlen(data));
	c = csum(q, 8 + strlen(data), 0);
	q[2] = (unsigned char)(c >> 8), q[3] = (unsigned char)c;
}

static void v4(void)
{
	struct sockaddr_in lo = sin4("127.0.0.1", 0), me;
	socklen_t ml = sizeof(me);
	unsigned char q[64], pkt[128];
	int fd, one = 1, v = 0;
	socklen_t vl = sizeof(v);
	uint32_t filt;

	SHOW(socket(AF_INET, SOCK_RAW, 0));
	fd = socket(AF_INET, SOCK_RAW, 256);
	printf("protocol 256: %s\n", fd < 0 ? strerrorname_np(errno) : "ok");
	close(fd);
	SHOW(socket(AF_INET, SOCK_RAW, 263));
	SHOW(socket(AF_INET, SOCK_RAW, -1));
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	printf("socket: %s\n", fd < 0 ? strerrorname_np(errno) : "ok");
	if (fd < 0)
		return;
	SHOW(getsockname(fd, (struct sockaddr *)&me, &ml));
	printf("name %s port %d\n", addr_str(&me), ntohs(me.sin_port));
	SHOW(getsockopt(fd, IPPROTO_IP, IP_HDRINCL, &v, &vl));
	printf("hdrincl %d\n", v);
	SHOW(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &vl));
	printf("type %d\n", v);
	SHOW(getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &vl));
	printf("protocol %d\n", v);

	/* Request and reply both come up to the raw socket. */
	echo_req(q, 0x4242, 1, "rawdata");
	SHOW(sendto(fd, q, 15, 0, (struct sockaddr *)&lo, sizeof(lo)));
	show_v4(fd, 0x4242, 2);

	/* ICMP_FILTER: echo requests (type 8) hidden. */
	filt = 1u << 8;
	SHOW(setsockopt(fd, SOL_RAW, ICMP_FILTER, &filt, sizeof(filt)));
	echo_req(q, 0x4343, 2, "filtered");
	SHOW(sendto(fd, q, 16, 0, (struct sockaddr *)&lo, sizeof(lo)));
	show_v4(fd, 0x4343, 2);
	filt = 0;
	setsockopt(fd, SOL_RAW, ICMP_FILTER, &filt, sizeof(filt));

	/* IP_HDRINCL: a header with no length, source, id or checksum. */
	SHOW(setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)));
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x45;
	pkt[8] = 33;
	pkt[9] = IPPROTO_ICMP;
	pkt[16] = 127, pkt[19] = 1;
	echo_req(pkt + 20, 0x4444, 3, "incl");
	SHOW(sendto(fd, pkt, 32, 0, (struct sockaddr *)&lo, sizeof(lo)));
	show_v4(fd, 0x4444, 2);
	SHOW(sendto(fd, pkt, 12, 0, (struct sockaddr *)&lo, sizeof(lo)));
	close(fd);

	fd = socket(AF_INET, SOCK_RAW, IPPROTO_UDP);
	printf("udp raw socket: %s\n", fd < 0 ? strerrorname_np(errno) : "ok");
	SHOW(setsockopt(fd, SOL_RAW, ICMP_FILTER, &filt, sizeof(filt)));
	close(fd);
}

static void v6(void)
{
	struct sockaddr_in6 lo = sin6("::1", 0);
	struct pollfd p;
	unsigned char q[64], b[256];
	int fd = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6), v = 0, four = 4, seen = 0;
	socklen_t vl = sizeof(v);

	printf("socket6: %s\n", fd < 0 ? strerrorname_np(errno) : "ok");
	if (fd < 0)
		return;
	SHOW(getsockopt(fd, IPPROTO_IPV6, IPV6_CHECKSUM, &v, &vl));
	printf("checksum offset %d\n", v);
	SHOW(setsockopt(fd, IPPROTO_IPV6, IPV6_CHECKSUM, &four, sizeof(four)));
	memset(q, 0, sizeof(q));
	q[0] = 128;
	q[4] = 0x45, q[5] = 0x45, q[7] = 9;
	memcpy(q + 8, "six", 3);
	/* The checksum is the kernel's to fill. */
	SHOW(sendto(fd, q, 11, 0, (struct sockaddr *)&lo, sizeof(lo)));
	p.fd = fd;
	p.events = POLLIN;
	while (seen < 2 && poll(&p, 1, 1000) == 1) {
		struct sockaddr_in6 from;
		socklen_t fl = sizeof(from);
		long n = recvfrom(fd, b, sizeof(b), 0, (struct sockaddr *)&from, &fl);
		struct in6_addr one = IN6ADDR_LOOPBACK_INIT;
		uint32_t s = 0;

		if (n < 8 || b[4] != 0x45 || b[5] != 0x45)
			continue;
		/* The pseudo-header: ::1 both ways, length, next header 58. */
		for (int i = 0; i < 16; i += 2)
			s += 2 * (uint32_t)(one.s6_addr[i] << 8 | one.s6_addr[i + 1]);
		s += (uint32_t)n + 58;
		seen++;
		printf("v6 recv %ld: type %d code %d seq %d data '%.*s' csum-ok %d from %s\n", n, b[0],
		       b[1], b[6] << 8 | b[7], (int)n - 8, b + 8, csum(b, (size_t)n, s) == 0,
		       addr_str(&from));
	}
	printf("v6 seen %d\n", seen);
	close(fd);
	fd = socket(AF_INET6, SOCK_RAW, 253);
	SHOW(getsockopt(fd, IPPROTO_IPV6, IPV6_CHECKSUM, &v, &vl));
	printf("checksum offset %d\n", v);
	SHOW(setsockopt(fd, IPPROTO_IPV6, IPV6_CHECKSUM, (int[]){ 3 }, sizeof(int)));
	SHOW(setsockopt(fd, IPPROTO_IPV6, IPV6_CHECKSUM, &four, sizeof(four)));
	SHOW(getsockopt(fd, IPPROTO_IPV6, IPV6_CHECKSUM, &v, &vl));
	printf("checksum offset %d\n", v);
	close(fd);
}

int main(void)
{
	nl_private_net();
	v4();
	v6();
	return 0;
}
