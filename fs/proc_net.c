/* procfs: the net/ directory. Each file's text is made by the generator
 * the network stack registered for it (fs/proc_net.h). */
#define _GNU_SOURCE
#include "fs/proc_net.h"
#include "fs/proc_internal.h"

static proc_net_show_fn gens[PROC_NET_NFILES];

void proc_net_provide(enum proc_net_file f, proc_net_show_fn show)
{
	if ((unsigned int)f < PROC_NET_NFILES)
		gens[f] = show;
}

static int show(enum proc_net_file f, struct pbuf *b)
{
	if (gens[f])
		gens[f](b);
	return 0;
}

#define GEN_(fn, id) \
	static int fn(struct pctx *c, struct pbuf *b) { return show(id, b); }
GEN_(show_dev, PROC_NET_DEV)
GEN_(show_if_inet6, PROC_NET_IF_INET6)
GEN_(show_route, PROC_NET_ROUTE)
GEN_(show_snmp, PROC_NET_SNMP)
GEN_(show_tcp, PROC_NET_TCP)
GEN_(show_tcp6, PROC_NET_TCP6)
GEN_(show_udp, PROC_NET_UDP)
GEN_(show_udp6, PROC_NET_UDP6)
GEN_(show_unix, PROC_NET_UNIX)

/* Linux's order of these names in a listing of /proc/net is its
 * creation order; ours is alphabetical, as a sorted ls shows either. */
const struct pent proc_net_ents[] = {
	RO_("dev", show_dev),
	RO_("if_inet6", show_if_inet6),
	RO_("route", show_route),
	RO_("snmp", show_snmp),
	RO_("tcp", show_tcp),
	RO_("tcp6", show_tcp6),
	RO_("udp", show_udp),
	RO_("udp6", show_udp6),
	RO_("unix", show_unix),
	{ 0 }
};
