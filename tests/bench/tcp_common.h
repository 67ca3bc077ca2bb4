/* What the TCP benchmarks (tcp_lat.c, tcp_bw.c) share: parsing an
 * ADDR:PORT argument and a listening socket. IPv4 only. */
#ifndef TESTS_BENCH_TCP_COMMON_H
#define TESTS_BENCH_TCP_COMMON_H
#include "bench.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* ADDR:PORT into sa; dies on a malformed one. */
static void parse_addr(const char *s, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	size_t len = colon ? (size_t)(colon - s) : 0;

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	if (!colon || len == 0 || len >= sizeof(host))
		die("address must be ADDR:PORT");
	memcpy(host, s, len);
	host[len] = 0;
	sa->sin_port = htons((uint16_t)atoi(colon + 1));
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		die("address must be an IPv4 ADDR:PORT");
}

/* A socket listening on sa (port 0: any; sa gets the one bound). */
static int listener(struct sockaddr_in *sa, int backlog)
{
	socklen_t len = sizeof(*sa);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)sa, sizeof(*sa)) < 0 ||
	    listen(fd, backlog) < 0 ||
	    getsockname(fd, (struct sockaddr *)sa, &len) < 0)
		die("bind/listen");
	return fd;
}

#endif
