/* AF_INET and AF_INET6 socket creation: which protocol serves a type, as
 * Linux's inet_create walks its inetsw table. UDP and ping (ICMP echo)
 * TCP and raw sockets (net/raw.c) exist. */
#define _GNU_SOURCE
#include "net/inet.h"
#include "net/raw.h"
#include "net/tcp.h"
#include "net/udp.h"

#include <errno.h>
#include <netinet/in.h>

int inet_create(struct task *t, int family, int type, int protocol, struct socket **out)
{
	switch (type) {
	case SOCK_DGRAM:
		/* Ping sockets: any group may make them (ping_group_range
		 * "0 2147483647", as container runtimes set it). */
		if ((family == AF_INET && protocol == IPPROTO_ICMP) ||
		    (family == AF_INET6 && protocol == IPPROTO_ICMPV6))
			return udp_create(t, family, protocol, out);
		if (protocol != 0 && protocol != IPPROTO_UDP)
			return -EPROTONOSUPPORT;
		return udp_create(t, family, IPPROTO_UDP, out);
	case SOCK_STREAM:
		if (protocol != 0 && protocol != IPPROTO_TCP)
			return -EPROTONOSUPPORT;
		return tcp_create(t, family, out);
	case SOCK_RAW:
		return raw_create(t, family, protocol, out);
	default:
		return -ESOCKTNOSUPPORT;
	}
}
