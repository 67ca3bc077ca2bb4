/* IPv4 and IPv6 for the loopback link: packet buffers, header building
 * and checking, the routing decision (local or unreachable) and delivery
 * through lo to the transport protocols. Addresses are kept in IPv6 form,
 * IPv4 ones v4-mapped (::ffff:a.b.c.d). */
#ifndef NET_IP_H
#define NET_IP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IP_UDP_MAX_V4 (65535 - 20 - 8)
#define IP_UDP_MAX_V6 (65535 - 8)

/* A packet on its way: the bytes of one IP datagram. */
struct pkt {
	uint8_t *data;
	size_t len;
	int family;                 /* of the header */
};

static inline bool ip_is_v4mapped(const uint8_t *a)
{
	static const uint8_t pfx[12] = { [10] = 0xff, [11] = 0xff };
	const uint8_t *p = a;

	for (int i = 0; i < 12; i++)
		if (p[i] != pfx[i])
			return false;
	return true;
}

void ip_map4(uint8_t *out, const void *v4);
bool ip_is_any(const uint8_t *a, bool v4);
/* An address of this host (lo up): 127/8, ::1 or one on an interface. */
bool ip_is_local(const uint8_t *a);
bool ip_is_broadcast(const uint8_t *a);
/* The source address to reach dst (the local route's preferred source),
 * or -ENETUNREACH. */
int ip_route_src(const uint8_t *dst, uint8_t *src);

/* The internet checksum over buf, folded into sum (RFC 1071). */
uint32_t ip_csum_add(uint32_t sum, const void *buf, size_t len);
uint16_t ip_csum_fold(uint32_t sum);
/* The pseudo-header sum of a transport header (RFC 768, RFC 8200 8.1). */
uint32_t ip_pseudo(const uint8_t *src, const uint8_t *dst, int proto, size_t len);

/* Wrap a transport payload in an IP header and send it through lo to the
 * receive path. */
int ip_output(const uint8_t *src, const uint8_t *dst, int proto, const void *payload,
	      size_t len, int ttl);

/* The receive side of a transport protocol: called with the addresses and
 * the transport bytes of a checked packet. Returns 0, or -ECONNREFUSED
 * when no socket wants it (the sender hears ICMP port unreachable). */
int udp_input(const uint8_t *src, const uint8_t *dst, const uint8_t *data, size_t len);
/* ICMP and ICMPv6 (net/icmp.c): echo requests are answered, echo
 * replies go to the ping socket of their identifier. */
int icmp_input(const uint8_t *src, const uint8_t *dst, const uint8_t *data, size_t len);
void ping_input(const uint8_t *src, const uint8_t *dst, const uint8_t *msg, size_t len);
/* An ICMP port unreachable for a datagram from src:sport to dst:dport. */
void udp_unreachable(const uint8_t *src, uint16_t sport, const uint8_t *dst, uint16_t dport);

#endif
