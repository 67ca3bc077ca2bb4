/* Netlink sockets: the route protocol (rtnetlink(7)). */
#ifndef NET_NETLINK_H
#define NET_NETLINK_H

#include "net/socket.h"

int netlink_create(struct task *t, int type, int protocol, struct socket **out);

#endif
