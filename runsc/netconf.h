/* --network=sandbox on the host side: the network namespace's interfaces,
 * addresses and routes, recorded through host netlink before the sentry
 * is confined, and an AF_PACKET socket on each for the sentry's stack. */
#ifndef RUNSC_NETCONF_H
#define RUNSC_NETCONF_H

#include <stdbool.h>

/* The --network flag ("sandbox", "none"); main.c sets it. */
extern const char *netconf_network;

/* Record this network namespace's Ethernet interfaces (not lo), open and
 * bind a packet socket on each, and take their addresses away from the
 * host interface (the host kernel must not answer for them too). Done
 * once; later calls return 0. Without force, only when this is not the
 * host's initial namespace (/proc/self/ns/net against /proc/1/ns/net):
 * `runsc do` in the host namespace stays loopback only. OCI start-up,
 * having entered the namespace its config names, calls it with force set
 * while /proc is still visible (before the empty root). Returns the
 * number of interfaces recorded, or -errno. */
int netconf_record(bool force);
/* Install what netconf_record kept (recording first if nothing was) as
 * the stack's interfaces, addresses and routes. Before the host filter:
 * it starts the receive threads. */
int netconf_install(void);
/* The packet socket fds, for the host filter's rules; returns the count. */
int netconf_packet_fds(int *fds, int max);

#endif
