/* ICMP (RFC 792) and ICMPv6 (RFC 4443) on the receive path: this host
 * answers echo requests and hands echo replies to the ping socket whose
 * identifier they carry; destination unreachable and packet too big
 * messages reach the UDP socket or the path MTU cache they concern. The
 * send side of errors (icmp_send_error) is rate limited as Linux's
 * icmp_ratelimit. Neighbour discovery has its own module (net/ndp.c). */
#define _GNU_SOURCE
#include "net/ip.h"
#include "sentry/time.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#define ICMP_ECHOREPLY_T 0
#define ICMP_UNREACH_T 3
#define ICMP_ECHO_T 8
#define ICMP_TIMXCEED_T 11
#define ICMP6_UNREACH_T 1
#define ICMP6_TOOBIG_T 2
#define ICMP6_ECHO_T 128
#define ICMP6_ECHOREPLY_T 129
/* Errors we send: a burst of 50, then one each 20 ms (icmp_msgs_burst,
 * icmp_ratelimit's 1000/s is per destination there; one bucket here). */
#define ERR_BURST 50
#define ERR_GAP_NS (20ULL * 1000000ULL)

static void udp_error_of(const uint8_t *inner_src, const uint8_t *inner_dst, const uint8_t *udp,
			 size_t len)
{
	if (len < 4)
		return;
	udp_unreachable(inner_src, (uint16_t)(udp[0] << 8 | udp[1]), inner_dst,
			(uint16_t)(udp[2] << 8 | udp[3]));
}

/* An error about a packet we sent: the original header and the start of
 * its transport header follow the ICMP header. */
static void error4(const uint8_t *data, size_t len)
{
	const uint8_t *ip = data + 8;
	uint8_t src[16], dst[16];
	size_t ihl;

	if (len < 8 + 20 || (ip[0] >> 4) != 4)
		return;
	ihl = (size_t)(ip[0] & 0xf) * 4;
	if (ihl < 20 || len < 8 + ihl)
		return;
	ip_map4(src, ip + 12);
	ip_map4(dst, ip + 16);
	if (!ip_is_local(src))
		return;
	if (data[0] == ICMP_UNREACH_T && data[1] == 4) {
		/* Fragmentation needed (RFC 1191): the next hop's MTU. */
		unsigned int mtu = (unsigned int)(data[6] << 8 | data[7]);

		if (mtu >= 68)
			ip_pmtu_update(dst, mtu);
	} else if (data[0] == ICMP_UNREACH_T && data[1] == 3 && ip[9] == IPPROTO_UDP) {
		udp_error_of(src, dst, ip + ihl, len - 8 - ihl);
	}
}

static void error6(const uint8_t *data, size_t len)
{
	const uint8_t *ip = data + 8;

	if (len < 8 + 40 || (ip[0] >> 4) != 6 || !ip_is_local(ip + 8))
		return;
	if (data[0] == ICMP6_TOOBIG_T) {
		unsigned int mtu = (unsigned int)data[4] << 24 | (unsigned int)data[5] << 16 |
				   (unsigned int)data[6] << 8 | data[7];

		ip_pmtu_update(ip + 24, mtu);
	} else if (data[0] == ICMP6_UNREACH_T && data[1] == 4 && ip[6] == IPPROTO_UDP) {
		udp_error_of(ip + 8, ip + 24, ip + 40, len - 48);
	}
}

int icmp_input(const uint8_t *src, const uint8_t *dst, const uint8_t *data, size_t len)
{
	bool v4 = ip_is_v4mapped(dst);
	int proto = v4 ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	uint32_t sum = v4 ? 0 : ip_pseudo(src, dst, proto, len);
	uint8_t *reply;
	uint16_t c;
	int r;

	if (len < 8 || ip_csum_fold(ip_csum_add(sum, data, len)))
		return -EINVAL;
	if (data[0] == (v4 ? ICMP_ECHOREPLY_T : ICMP6_ECHOREPLY_T)) {
		ping_input(src, dst, data, len);
		return 0;
	}
	if (v4 && (data[0] == ICMP_UNREACH_T || data[0] == ICMP_TIMXCEED_T)) {
		error4(data, len);
		return 0;
	}
	if (!v4 && (data[0] == ICMP6_UNREACH_T || data[0] == ICMP6_TOOBIG_T)) {
		error6(data, len);
		return 0;
	}
	if (data[0] != (v4 ? ICMP_ECHO_T : ICMP6_ECHO_T) || data[1])
		return 0;
	/* Echo requests to a group are not answered (icmp_echo_ignore_
	 * broadcasts); the reply goes back from the address asked. */
	if (ip_is_broadcast(dst) || (!v4 && dst[0] == 0xff) ||
	    (v4 && dst[12] == 255 && dst[13] == 255 && dst[14] == 255 && dst[15] == 255))
		return 0;
	reply = malloc(len);
	if (!reply)
		return -ENOMEM;
	memcpy(reply, data, len);
	reply[0] = v4 ? ICMP_ECHOREPLY_T : ICMP6_ECHOREPLY_T;
	reply[2] = reply[3] = 0;
	sum = v4 ? 0 : ip_pseudo(dst, src, proto, len);
	c = ip_csum_fold(ip_csum_add(sum, reply, len));
	reply[2] = (uint8_t)(c >> 8);
	reply[3] = (uint8_t)c;
	r = ip_output(dst, src, proto, reply, len, 64);
	free(reply);
	return r;
}

static bool err_allowed(void)
{
	static uint64_t last;
	static unsigned int tokens = ERR_BURST;
	uint64_t now = time_host_mono();

	if (now - last >= ERR_GAP_NS) {
		uint64_t add = (now - last) / ERR_GAP_NS;

		tokens = add >= ERR_BURST || tokens + add >= ERR_BURST ? ERR_BURST :
			 tokens + (unsigned int)add;
		last = now;
	}
	if (!tokens)
		return false;
	tokens--;
	return true;
}

void icmp_send_error(int type, int code, const uint8_t *hdr, size_t hlen, const uint8_t *data,
		     size_t len)
{
	bool v4 = (hdr[0] >> 4) == 4;
	uint8_t src[16], dst[16], msg[1232];
	size_t n, room;
	uint32_t sum;
	uint16_t c;

	if (v4) {
		ip_map4(dst, hdr + 12);
		ip_map4(src, hdr + 16);
		/* RFC 792: the header and the first 64 bits of data. */
		room = 8;
	} else {
		memcpy(dst, hdr + 8, 16);
		memcpy(src, hdr + 24, 16);
		/* RFC 4443 2.4(c): as much as fits the minimum MTU. */
		room = sizeof(msg) - 8 - hlen;
	}
	if (hlen > 60 || !ip_is_local(src) || !err_allowed())
		return;
	memset(msg, 0, 8);
	msg[0] = (uint8_t)type;
	msg[1] = (uint8_t)code;
	if (!v4 && type == 4)
		msg[7] = 6;     /* the pointer: the fixed header's next header */
	memcpy(msg + 8, hdr, hlen);
	n = len < room ? len : room;
	memcpy(msg + 8 + hlen, data, n);
	n += 8 + hlen;
	if (!v4) {
		/* The original's payload length as we quote it. */
		msg[8 + 4] = (uint8_t)((n - 48) >> 8);
		msg[8 + 5] = (uint8_t)(n - 48);
	}
	sum = v4 ? 0 : ip_pseudo(src, dst, IPPROTO_ICMPV6, n);
	c = ip_csum_fold(ip_csum_add(sum, msg, n));
	msg[2] = (uint8_t)(c >> 8);
	msg[3] = (uint8_t)c;
	ip_output(src, dst, v4 ? IPPROTO_ICMP : IPPROTO_ICMPV6, msg, n, 64);
}
