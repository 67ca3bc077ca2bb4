/* UDP sockets (udp(7)) and ping sockets (ICMP echo, icmp(7)) for AF_INET
 * and AF_INET6 over the loopback link. */
#ifndef NET_UDP_H
#define NET_UDP_H

#include "net/socket.h"

/* protocol: IPPROTO_UDP, or IPPROTO_ICMP/IPPROTO_ICMPV6 for ping. */
int udp_create(struct task *t, int family, int protocol, struct socket **out);

#endif
