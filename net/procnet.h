/* The network stack's side of /proc/net (net/procnet.c): generators of
 * its files, registered with procfs (fs/proc_net.h) at start-up. */
#ifndef NET_PROCNET_H
#define NET_PROCNET_H

#include "fs/proc.h"

/* The lines of /proc/net/tcp (family AF_INET) or tcp6 (AF_INET6) after
 * the header, one per TCP socket, numbering them from *sl on (and moving
 * *sl past them). The format is Linux's (net/ipv4/tcp_ipv4.c
 * get_tcp4_sock, padded to 149 columns; net/ipv6/tcp_ipv6.c get_tcp6_sock,
 * not padded). net/tcp.c defines it; until then a weak default in
 * net/procnet.c prints no lines. Called under the BKL; must not block. */
void tcp_proc_lines(struct pbuf *b, int family, int *sl);

#endif
