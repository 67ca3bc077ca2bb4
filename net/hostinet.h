/* --network=host: AF_INET and AF_INET6 sockets are host sockets the
 * sentry makes and drives on the guest's behalf (docs/network-host.md).
 * Weaker isolation by design: the guest reaches the host's network
 * stack, its interfaces and its loopback services. */
#ifndef NET_HOSTINET_H
#define NET_HOSTINET_H

#include <stdbool.h>

#include "net/socket.h"

/* Set by runsc before the sandbox starts (--network=host). */
extern bool hostinet_enabled;

/* A host socket of family (AF_INET/AF_INET6), type without flags. */
int hostinet_create(struct task *t, int family, int type, int protocol, struct socket **out);

#endif
