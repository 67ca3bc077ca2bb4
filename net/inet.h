/* AF_INET and AF_INET6 sockets: the protocol switch (inet_create). */
#ifndef NET_INET_H
#define NET_INET_H

#include "net/socket.h"

int inet_create(struct task *t, int family, int type, int protocol, struct socket **out);

#endif
