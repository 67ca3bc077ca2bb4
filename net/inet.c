/* AF_INET and AF_INET6 socket creation: which protocol serves a type, as
 * Linux's inet_create walks its inetsw table. UDP and ping (ICMP echo)
 * TCP and raw sockets (net/raw.c) exist. */
#define _GNU_SOURCE
#include "net/inet.h"
#include "net/ip.h"
#include "net/raw.h"
#include "net/tcp.h"
#include "net/udp.h"

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
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

/* ---- socket addresses ---- */

int inet_sa_parse(bool v6, const void *addr, socklen_t len, struct inet_sa *sa)
{
	if (len < sizeof(sa_family_t))
		return -EINVAL;
	if (!v6) {
		struct sockaddr_in sin;

		if (len < sizeof(sin))
			return -EINVAL;
		memcpy(&sin, addr, sizeof(sin));
		sa->family = sin.sin_family;
		sa->port = ntohs(sin.sin_port);
		ip_map4(sa->addr, &sin.sin_addr);
	} else {
		struct sockaddr_in6 s6;

		if (len < INET_SIN6_LEN_MIN)
			return -EINVAL;
		memset(&s6, 0, sizeof(s6));
		memcpy(&s6, addr, len < sizeof(s6) ? len : sizeof(s6));
		sa->family = s6.sin6_family;
		sa->port = ntohs(s6.sin6_port);
		memcpy(sa->addr, &s6.sin6_addr, 16);
	}
	return 0;
}

int inet_addr_from(bool v6, const void *addr, socklen_t len, uint8_t *a, uint16_t *port,
		   bool *unspec, bool unspec_needs_sin)
{
	struct inet_sa sa;
	sa_family_t fam;
	int r;

	if (unspec)
		*unspec = false;
	if (len < sizeof(sa_family_t))
		return -EINVAL;
	memcpy(&fam, addr, sizeof(fam));
	if (fam == AF_UNSPEC && unspec && (v6 || !unspec_needs_sin)) {
		*unspec = true;
		return 0;
	}
	r = inet_sa_parse(v6, addr, len, &sa);
	if (r < 0)
		return r;
	if (fam == AF_UNSPEC && unspec) {
		*unspec = true;
		return 0;
	}
	if (sa.family != (v6 ? AF_INET6 : AF_INET))
		return -EAFNOSUPPORT;
	memcpy(a, sa.addr, 16);
	*port = sa.port;
	return 0;
}

socklen_t inet_addr_to(bool v6, const uint8_t *a, uint16_t port, void *out)
{
	if (!v6) {
		struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };

		memcpy(&sin.sin_addr, a + 12, 4);
		memcpy(out, &sin, sizeof(sin));
		return sizeof(sin);
	} else {
		struct sockaddr_in6 s6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };

		memcpy(&s6.sin6_addr, a, 16);
		memcpy(out, &s6, sizeof(s6));
		return sizeof(s6);
	}
}

bool inet_is_any(const uint8_t *a, bool v6, bool v4_any_too)
{
	return ip_is_any(a, !v6) || (v4_any_too && v6 && ip_is_any(a, false));
}

bool inet_bind_overlap(const uint8_t *a_addr, bool a_v6, bool a_v6only, const uint8_t *b_addr,
		       bool b_v6, bool b_v6only, bool v4_any_too)
{
	bool a_any = inet_is_any(a_addr, a_v6, v4_any_too);
	bool b_any = inet_is_any(b_addr, b_v6, v4_any_too);
	bool a_v4 = !a_v6 || (a_any && !a_v6only) || ip_is_v4mapped(a_addr);
	bool b_v4 = !b_v6 || (b_any && !b_v6only) || ip_is_v4mapped(b_addr);
	bool a_in6 = a_v6 && !ip_is_v4mapped(a_addr);
	bool b_in6 = b_v6 && !ip_is_v4mapped(b_addr);

	if (!(a_v4 && b_v4) && !(a_in6 && b_in6))
		return false;
	return a_any || b_any || !memcmp(a_addr, b_addr, 16);
}
