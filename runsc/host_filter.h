/* The sentry's own seccomp filter (runsc/host_filter.c). */
#ifndef RUNSC_HOST_FILTER_H
#define RUNSC_HOST_FILTER_H

#include <stdio.h>

/* Drop every capability of this process (and its future children):
 * the sentry needs none once set up. 0 or a negative errno. */
int host_caps_drop(void);
/* Confine this process (all its threads) to the sentry's host syscalls.
 * Returns 0 or a negative errno. */
int host_filter_install(void);
/* The allowed host syscalls, one per line (`runsc syscalls --host-filter`). */
void host_filter_print(FILE *out);

#endif
