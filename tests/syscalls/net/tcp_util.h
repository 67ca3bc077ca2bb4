/* Helpers for the TCP tests: a private network namespace (nl.h), a
 * listener on a free port of 127.0.0.1 or ::1, connected pairs, and
 * state names from TCP_INFO. Ports and sequence numbers differ between
 * runs and are never printed. */
#ifndef TESTS_SYSCALLS_TCP_UTIL_H
#define TESTS_SYSCALLS_TCP_UTIL_H
#include "udp.h"
#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>

/* A listener on addr (127.0.0.1 or ::1) port 0; its address in *sa. */
static inline int tcp_listener(int family, const char *addr, int backlog,
			       struct sockaddr_in6 *sa, socklen_t *salen)
{
	int l = socket(family, SOCK_STREAM, 0);

	memset(sa, 0, sizeof(*sa));
	if (family == AF_INET) {
		struct sockaddr_in a = sin4(addr, 0);

		memcpy(sa, &a, sizeof(a));
		*salen = sizeof(a);
	} else {
		*sa = sin6(addr, 0);
		*salen = sizeof(*sa);
	}
	if (bind(l, (struct sockaddr *)sa, *salen) < 0 || listen(l, backlog) < 0) {
		perror("listener");
		exit(1);
	}
	getsockname(l, (struct sockaddr *)sa, salen);
	return l;
}

/* A connected pair over lo: *c the client, *s the accepted server end. */
static inline void tcp_pair(int family, int *c, int *s)
{
	struct sockaddr_in6 sa;
	socklen_t sl;
	int l = tcp_listener(family, family == AF_INET ? "127.0.0.1" : "::1", 8, &sa, &sl);

	*c = socket(family, SOCK_STREAM, 0);
	if (connect(*c, (struct sockaddr *)&sa, sl) < 0) {
		perror("connect");
		exit(1);
	}
	*s = accept(l, NULL, NULL);
	if (*s < 0) {
		perror("accept");
		exit(1);
	}
	close(l);
}

static inline const char *tcp_state_name(int fd)
{
	static const char *names[] = { "?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1",
				       "FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT",
				       "LAST_ACK", "LISTEN", "CLOSING" };
	struct tcp_info ti;
	socklen_t l = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &l) < 0)
		return strerrorname_np(errno);
	return ti.tcpi_state < 12 ? names[ti.tcpi_state] : "?";
}

/* poll events in words, for one fd, without waiting longer than ms. */
static inline const char *poll_str(int fd, int ms)
{
	static char b[128];
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT | POLLRDHUP | POLLPRI };
	int n = poll(&p, 1, ms);

	b[0] = 0;
	if (n < 0)
		return strerrorname_np(errno);
	if (p.revents & POLLIN) strcat(b, "IN ");
	if (p.revents & POLLPRI) strcat(b, "PRI ");
	if (p.revents & POLLOUT) strcat(b, "OUT ");
	if (p.revents & POLLRDHUP) strcat(b, "RDHUP ");
	if (p.revents & POLLHUP) strcat(b, "HUP ");
	if (p.revents & POLLERR) strcat(b, "ERR ");
	if (!b[0]) strcpy(b, "none");
	return b;
}

static inline int so_error(int fd)
{
	int e = -1;
	socklen_t l = sizeof(e);

	getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &l);
	return e;
}

static inline void msleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Read until EOF or n bytes; returns the count. */
static inline long read_full(int fd, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, (char *)buf + got, n - got);

		if (r <= 0)
			return got ? (long)got : r;
		got += (size_t)r;
	}
	return (long)got;
}
#endif
