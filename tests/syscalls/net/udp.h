/* Helpers for the UDP tests: a private network namespace (see nl.h),
 * addresses, and printing what arrived without port numbers that differ
 * between runs. */
#ifndef TESTS_SYSCALLS_UDP_H
#define TESTS_SYSCALLS_UDP_H
#include "nl.h"
#include <netinet/in.h>

static inline struct sockaddr_in sin4(const char *a, int port)
{
	struct sockaddr_in s = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };

	inet_pton(AF_INET, a, &s.sin_addr);
	return s;
}

static inline struct sockaddr_in6 sin6(const char *a, int port)
{
	struct sockaddr_in6 s = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port) };

	inet_pton(AF_INET6, a, &s.sin6_addr);
	return s;
}

/* The port a socket is bound to (0 if none). */
static inline int port_of(int fd)
{
	struct sockaddr_in6 s;
	socklen_t l = sizeof(s);

	memset(&s, 0, sizeof(s));
	if (getsockname(fd, (struct sockaddr *)&s, &l) < 0)
		return -1;
	return ntohs(s.sin6_port); /* same offset in sockaddr_in */
}

static inline const char *addr_str(const void *sa)
{
	static char b[INET6_ADDRSTRLEN + 8];
	const struct sockaddr *s = sa;

	if (s->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, b, sizeof(b));
	else if (s->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, b, sizeof(b));
	else
		snprintf(b, sizeof(b), "family %d", s->sa_family);
	return b;
}

/* Receive one datagram without blocking and print it with its source
 * (the source port as "port of from_fd" when it matches). */
static inline void rx(int fd, int from_fd, size_t len, int flags, const char *label)
{
	char buf[70000];
	struct sockaddr_in6 src;
	struct iovec iov = { buf, len };
	struct msghdr m = { .msg_name = &src, .msg_namelen = sizeof(src), .msg_iov = &iov,
			    .msg_iovlen = 1 };
	long n;

	memset(&src, 0, sizeof(src));
	n = recvmsg(fd, &m, flags | MSG_DONTWAIT);
	if (n < 0) {
		printf("%s: -1 %s\n", label, strerrorname_np(errno));
		return;
	}
	printf("%s: %ld '%.*s' from %s port %s namelen %u%s\n", label, n,
	       (int)(n < (long)len ? n : (long)len) > 20 ? 20 : (int)(n < (long)len ? n : (long)len),
	       buf, addr_str(&src),
	       from_fd >= 0 && ntohs(src.sin6_port) == port_of(from_fd) ? "ok" : "other",
	       m.msg_namelen, m.msg_flags & MSG_TRUNC ? " TRUNC" : "");
}
#endif
