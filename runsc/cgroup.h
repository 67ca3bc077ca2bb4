/* The sandbox's host cgroup (runsc/cgroup.c). */
#ifndef RUNSC_CGROUP_H
#define RUNSC_CGROUP_H

#include <stddef.h>
#include <sys/types.h>

#include "runsc/oci.h"

struct global_opts;

/* The cgroup path (relative to the hierarchy root) for container id. */
int cgroup_path_for(const struct global_opts *g, const struct oci_config *cfg, const char *id,
		    char *out, size_t n);
/* Create rel, apply cfg's linux.resources, move pid in. 0 done, 1 no
 * cgroup could be made and none was needed, -errno with err set. */
int cgroup_apply(const struct oci_config *cfg, const char *rel, pid_t pid, char *err, size_t errsz);
/* Remove rel from every hierarchy (its processes must be gone). */
void cgroup_remove(const char *rel);

/* The state-dir file that remembers the path for delete. */
#define CGROUP_STATE_FILE "cgroup"

#endif
