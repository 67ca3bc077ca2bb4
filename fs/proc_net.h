/* /proc/net (and /proc/<pid>/net): the directory lives in procfs, its
 * contents come from the network stack, which registers one generator per
 * file at start-up (net/procnet.c), so procfs needs no knowledge of
 * sockets. A file without a generator reads empty. */
#ifndef FS_PROC_NET_H
#define FS_PROC_NET_H

#include "fs/proc.h"

enum proc_net_file {
	PROC_NET_DEV,
	PROC_NET_IF_INET6,
	PROC_NET_ROUTE,
	PROC_NET_SNMP,
	PROC_NET_TCP,
	PROC_NET_TCP6,
	PROC_NET_UDP,
	PROC_NET_UDP6,
	PROC_NET_UNIX,
	PROC_NET_NFILES
};

/* Called under the BKL while the file is opened; appends the whole
 * contents to b. */
typedef void (*proc_net_show_fn)(struct pbuf *b);

void proc_net_provide(enum proc_net_file f, proc_net_show_fn show);

#endif
