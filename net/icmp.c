/* ICMP (RFC 792) and ICMPv6 (RFC 4443) on the receive path: this host
 * answers echo requests (icmp_echo) and hands echo replies to the ping
 * socket whose identifier they carry. Other messages are dropped. */
#define _GNU_SOURCE
#include "net/ip.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#define ICMP_ECHOREPLY_T 0
#define ICMP_ECHO_T 8
#define ICMP6_ECHO_T 128
#define ICMP6_ECHOREPLY_T 129

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
	if (data[0] != (v4 ? ICMP_ECHO_T : ICMP6_ECHO_T) || data[1])
		return 0;
	/* The reply goes back from the address asked. */
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
