/* OCI hooks run by the CLI (see hooks.c). */
#ifndef RUNSC_HOOKS_H
#define RUNSC_HOOKS_H

#include "runsc/oci.h"
#include "runsc/state.h"

struct global_opts;

/* Run the hooks of one kind in order with the state on stdin; the first
 * failure stops them and is reported (0 or -1). */
int hooks_run(struct global_opts *g, const struct oci_config *cfg, enum oci_hook_kind kind,
	      const struct state *s);
/* The container's config.json, as copied into its state dir at create. */
int hooks_load(int dirfd, struct oci_config *cfg);

#endif
