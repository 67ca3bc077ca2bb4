/* AF_INET and AF_INET6 sockets: the protocol switch (inet_create) and
 * the socket-address helpers TCP, UDP and raw sockets share. Addresses are
 * kept in IPv6 form, an IPv4 one v4-mapped (::ffff:a.b.c.d). */
#ifndef NET_INET_H
#define NET_INET_H

#include "net/socket.h"

int inet_create(struct task *t, int family, int type, int protocol, struct socket **out);

/* The shortest sockaddr_in6 Linux takes (RFC 2133's, without scope id). */
#define INET_SIN6_LEN_MIN 24

/* A guest sockaddr_in (!v6) or sockaddr_in6 (v6), family unchecked. */
struct inet_sa {
	sa_family_t family;
	uint16_t port;              /* host order */
	uint8_t addr[16];
};

/* -EINVAL when len is short of the family field or of the whole struct
 * (INET_SIN6_LEN_MIN for v6); the family is left to the caller. */
int inet_sa_parse(bool v6, const void *addr, socklen_t len, struct inet_sa *sa);
/* A sockaddr of the socket's family (AF_INET for !v6) to *a and *port;
 * -EAFNOSUPPORT for another family. With unspec, AF_UNSPEC sets *unspec
 * (no address): right after the family field, or, when unspec_needs_sin
 * and !v6, only once the length of a whole sockaddr_in was checked (TCP's
 * order). Without unspec, AF_UNSPEC is another family. */
int inet_addr_from(bool v6, const void *addr, socklen_t len, uint8_t *a, uint16_t *port,
		   bool *unspec, bool unspec_needs_sin);
/* Build the sockaddr_in (!v6) or sockaddr_in6 for a and port in out
 * (room for a sockaddr_in6); its length. */
socklen_t inet_addr_to(bool v6, const uint8_t *a, uint16_t port, void *out);
/* Is a the any address of the socket's family? With v4_any_too, a v6
 * socket also counts 0.0.0.0 (v4-mapped) as any (TCP). */
bool inet_is_any(const uint8_t *a, bool v6, bool v4_any_too);
/* Do two bindings to one port cover a common address? a_* is one bound
 * socket (its address, family, IPV6_V6ONLY), b_* the other binding;
 * v4_any_too as for inet_is_any. */
bool inet_bind_overlap(const uint8_t *a_addr, bool a_v6, bool a_v6only, const uint8_t *b_addr,
		       bool b_v6, bool b_v6only, bool v4_any_too);

#endif
