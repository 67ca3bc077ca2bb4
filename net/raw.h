/* Raw IP sockets (raw(7), ipv6(7) "raw"): SOCK_RAW for one IP protocol,
 * needing CAP_NET_RAW. */
#ifndef NET_RAW_H
#define NET_RAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/socket.h"

int raw_create(struct task *t, int family, int protocol, struct socket **out);
/* A received datagram (after reassembly) of protocol proto: each raw
 * socket of that protocol whose bindings match gets a copy (IPv4: the
 * header too, hdr/hlen; IPv6: the payload only). Returns true when one
 * did, so the sender hears no protocol unreachable. */
bool raw_input(int proto, const uint8_t *src, const uint8_t *dst, const uint8_t *hdr,
	       size_t hlen, const uint8_t *data, size_t len);
/* Is there a raw socket at all (lo then carries TCP as bytes for it)? */
bool raw_any(void);

#endif
