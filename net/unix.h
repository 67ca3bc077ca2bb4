/* AF_UNIX sockets (unix(7)) in the sentry: stream, datagram and seqpacket,
 * socketpair, the abstract namespace, SCM_RIGHTS and SCM_CREDENTIALS. */
#ifndef NET_UNIX_H
#define NET_UNIX_H

#include "net/socket.h"

/* type is SOCK_STREAM/SOCK_DGRAM/SOCK_SEQPACKET without flags. */
int unix_create(struct task *t, int type, int protocol, struct socket **out);
int unix_pair(struct task *t, int type, int protocol, struct socket **a, struct socket **b);

#endif
