/* --network=sandbox on the host side: the network namespace's interfaces,
 * addresses and routes, recorded through host netlink before the sentry
 * is confined, and an AF_PACKET socket on each for the sentry's stack. */
#ifndef RUNSC_NETCONF_H
#define RUNSC_NETCONF_H

#include <stdbool.h>

/* The --network flag ("sandbox", "none", "host"). */
extern const char *netconf_network;

/* From main(), while the host's /proc is still visible: the --network
 * mode, and the host's initial network namespace (/proc/1/ns/net, or its
 * fixed inode number on Linux 6.18 and later) for netconf_record to tell
 * whether it runs in another. */
void netconf_init(const char *network);

/* Record this network namespace's Ethernet interfaces (not lo), open and
 * bind a packet socket on each, and take their addresses away from the
 * host interface (the host kernel must not answer for them too). Done
 * once; later calls return 0. Without force, only when this is not the
 * host's initial namespace (as netconf_init found it; unknown counts as
 * the host's): `runsc do` in the host namespace stays loopback only, as
 * does an OCI container without a network namespace of its own. Needs no
 * /proc (the namespace's inode comes through SIOCGSKNS); without /proc the
 * host interface's IPv6 is not switched off, its IPv6 addresses are only
 * removed. Returns the number of interfaces recorded, or -errno. */
int netconf_record(bool force);
/* Install what netconf_record kept (recording first if nothing was) as
 * the stack's interfaces, addresses and routes. Before the host filter:
 * it starts the receive threads. */
int netconf_install(void);
/* The packet socket fds, for the host filter's rules; returns the count. */
int netconf_packet_fds(int *fds, int max);

#endif
