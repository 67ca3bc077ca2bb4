/* The sentry's own seccomp filter (runsc/host_filter.c). */
#ifndef RUNSC_HOST_FILTER_H
#define RUNSC_HOST_FILTER_H

#include <stdbool.h>
#include <stdio.h>

/* Drop every capability of this process (and its future children):
 * the sentry needs none once set up. 0 or a negative errno. */
int host_caps_drop(void);
/* Confine this process (all its threads) to the sentry's host syscalls.
 * Returns 0 or a negative errno. */
int host_filter_install(void);
/* --network=host (net/hostinet.c): the filter also allows the socket
 * calls host sockets need; set before host_filter_install/print. */
void host_filter_set_hostnet(bool on);
/* The platform `runsc syscalls --host-filter` prints for (--platform):
 * ptrace, systrap or kvm; any other name prints every platform. */
void host_filter_set_platform(const char *name);
/* The allowed host syscalls, one per line (`runsc syscalls --host-filter`). */
void host_filter_print(FILE *out);

#endif
