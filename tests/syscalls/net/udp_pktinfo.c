/* IP_PKTINFO and IPV6_RECVPKTINFO on UDP: the destination address and
 * interface of each datagram as a control message, MSG_CTRUNC when the
 * control buffer is missing or too small, and the options' values. */
#include "udp.h"

static void rxctl(int fd, size_t ctllen, const char *label)
{
	char buf[64], ctl[256];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = ctllen ? ctl : NULL, .msg_controllen = ctllen };
	long n = recvmsg(fd, &m, MSG_DONTWAIT);

	if (n < 0) {
		printf("%s: %s\n", label, strerrorname_np(errno));
		return;
	}
	printf("%s: %ld controllen=%zu%s\n", label, n, (size_t)m.msg_controllen,
	       m.msg_flags & MSG_CTRUNC ? " CTRUNC" : "");
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

		printf("  cmsg level=%d type=%d len=%zu", c->cmsg_level, c->cmsg_type,
		       (size_t)c->cmsg_len);
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct in_pktinfo))) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			printf(" ifindex=%d addr=%s spec_dst=%s", pi.ipi_ifindex,
			       inet_ntop(AF_INET, &pi.ipi_addr, a, sizeof(a)),
			       inet_ntop(AF_INET, &pi.ipi_spec_dst, b, sizeof(b)));
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO &&
			   c->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			printf(" ifindex=%d addr=%s", pi.ipi6_ifindex,
			       inet_ntop(AF_INET6, &pi.ipi6_addr, a, sizeof(a)));
		}
		printf("\n");
	}
}

int main(void)
{
	struct sockaddr_in a = sin4("0.0.0.0", 0), d;
	struct sockaddr_in6 a6 = sin6("::", 0), d6;
	int r, s, r6, s6, one = 1, v;
	socklen_t l = sizeof(v);

	nl_private_net();
	r = socket(AF_INET, SOCK_DGRAM, 0);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	bind(r, (struct sockaddr *)&a, sizeof(a));
	SHOW(getsockopt(r, IPPROTO_IP, IP_PKTINFO, &v, &l));
	printf("IP_PKTINFO=%d\n", v);
	SHOW(setsockopt(r, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)));
	d = sin4("127.0.0.3", port_of(r));
	sendto(s, "a", 1, 0, (struct sockaddr *)&d, sizeof(d));
	sendto(s, "b", 1, 0, (struct sockaddr *)&d, sizeof(d));
	sendto(s, "c", 1, 0, (struct sockaddr *)&d, sizeof(d));
	sendto(s, "d", 1, 0, (struct sockaddr *)&d, sizeof(d));
	rxctl(r, 256, "v4 pktinfo");
	rxctl(r, 0, "no control buffer");
	rxctl(r, 20, "20 bytes");
	rxctl(r, 8, "8 bytes");

	r6 = socket(AF_INET6, SOCK_DGRAM, 0);
	s6 = socket(AF_INET6, SOCK_DGRAM, 0);
	bind(r6, (struct sockaddr *)&a6, sizeof(a6));
	SHOW(setsockopt(r6, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)));
	d6 = sin6("::1", port_of(r6));
	sendto(s6, "six", 3, 0, (struct sockaddr *)&d6, sizeof(d6));
	rxctl(r6, 256, "v6 pktinfo");
	d = sin4("127.0.0.1", port_of(r6));
	sendto(s, "four", 4, 0, (struct sockaddr *)&d, sizeof(d));
	rxctl(r6, 256, "v4 on a v6 socket");
	close(r);
	close(s);
	close(r6);
	close(s6);
	return 0;
}
