/* IPv4 and IPv6: header building and checking, the routing decision
 * (net/route.c), delivery through lo or out a link (net/link.h) with
 * fragmentation to the path MTU, and the receive path to the transport
 * protocols. Addresses are kept in IPv6 form, IPv4 ones v4-mapped
 * (::ffff:a.b.c.d). */
#ifndef NET_IP_H
#define NET_IP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IP_UDP_MAX_V4 (65535 - 20 - 8)
#define IP_UDP_MAX_V6 (65535 - 8)

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
/* The source address to reach dst (the route's preferred source), or
 * -ENETUNREACH (or -EADDRNOTAVAIL: a route but no address to send from). */
int ip_route_src(const uint8_t *dst, uint8_t *src);
/* The MTU towards dst: the link's, or less once ICMP said so (path MTU
 * discovery); 0 when dst has no route. A transport sizes segments by it. */
unsigned int ip_mtu(const uint8_t *dst);
/* The largest TCP segment (TCP header and data) worth handing to
 * ip_output at once towards dst: up to 64 KiB where the link cuts segments
 * itself (GSO) or for lo, else the path MTU's. ip_output takes larger TCP
 * segments anyway and cuts them to the MTU; 0: no route. */
unsigned int ip_tso_max(const uint8_t *dst);
/* A TCP segment (header, checksum filled or not) of up to ip_tso_max
 * bytes, sent as segments of at most mss payload bytes each (the
 * connection's send MSS): one GSO frame on a link that cuts them, else cut
 * here with their own checksums. Segments no larger than mss go as
 * ip_output sends them. */
int ip_output_tso(const uint8_t *src, const uint8_t *dst, const void *seg, size_t len, int ttl,
		  unsigned int mss);
/* Room ip_output_tcp needs in front of a segment: the link's and the
 * largest IP header. */
#define IP_TCP_HEADROOM 56
/* As ip_output_tso for a TCP segment whose checksum is not filled, in a
 * buffer with IP_TCP_HEADROOM writable bytes before seg: the headers are
 * built in place rather than in a copy, and the checksum is computed only
 * where the segment leaves whole (a GSO frame carries the pseudo-header
 * sum, pieces cut here are summed each, lo takes none). mss 0: never cut
 * for TSO. */
int ip_output_tcp(const uint8_t *src, const uint8_t *dst, uint8_t *seg, size_t len, int ttl,
		  unsigned int mss);
/* Does a packet to dst go through lo (the receive path at once, as
 * ip_output would deliver it)? TCP then hands its segment to the receiver
 * by reference instead of as a packet. */
bool ip_route_lo(const uint8_t *dst);
/* An ICMP "fragmentation needed" / ICMPv6 "packet too big" said so. */
void ip_pmtu_update(const uint8_t *dst, unsigned int mtu);

/* The internet checksum over buf, folded into sum (RFC 1071). */
uint32_t ip_csum_add(uint32_t sum, const void *buf, size_t len);
uint16_t ip_csum_fold(uint32_t sum);
/* The pseudo-header sum of a transport header (RFC 768, RFC 8200 8.1). */
uint32_t ip_pseudo(const uint8_t *src, const uint8_t *dst, int proto, size_t len);

/* Wrap a transport payload in an IP header and send it by the route: to a
 * local destination through lo, which runs the receive path before this
 * returns (and returns its result: -ECONNREFUSED when no socket took a
 * datagram); out a link otherwise (0 once sent or queued for the
 * neighbour's address). A datagram larger than the path MTU leaves in
 * fragments (IPv4 with DF clear, IPv6 with fragment headers); a fitting
 * IPv4 datagram has DF set (Linux's IP_PMTUDISC_WANT). */
int ip_output(const uint8_t *src, const uint8_t *dst, int proto, const void *payload,
	      size_t len, int ttl);

/* Send a whole IP packet built by the caller (raw sockets' IP_HDRINCL),
 * routed by dst; never fragmented (-EMSGSIZE past the path MTU). */
int ip_output_packet(const uint8_t *dst, const uint8_t *pkt, size_t len);

/* The receive side of a transport protocol: called with the addresses and
 * the transport bytes of a checked packet. Returns 0, or -ECONNREFUSED
 * when no socket wants it (the sender hears ICMP port unreachable). */
int udp_input(const uint8_t *src, const uint8_t *dst, const uint8_t *data, size_t len);
/* ICMP and ICMPv6 (net/icmp.c): echo requests are answered, echo
 * replies go to the ping socket of their identifier. */
int icmp_input(const uint8_t *src, const uint8_t *dst, const uint8_t *data, size_t len);
void ping_input(const uint8_t *src, const uint8_t *dst, const uint8_t *msg, size_t len);
/* Send an ICMP (IPv4 header) or ICMPv6 error of type and code about a
 * received packet: its IP header (hlen bytes) and transport bytes. */
void icmp_send_error(int type, int code, const uint8_t *hdr, size_t hlen, const uint8_t *data,
		     size_t len);
/* An ICMP port unreachable for a datagram from src:sport to dst:dport. */
void udp_unreachable(const uint8_t *src, uint16_t sport, const uint8_t *dst, uint16_t dport);

#endif
