/* The sandbox's host namespaces per linux.namespaces: existing ones
 * joined by path (user first), new ones made for the sentry and gofer as
 * runc makes them for a container, uid/gid maps written for a new user
 * namespace, and linux.sysctl checked against what the sandbox models. */
#ifndef RUNSC_NS_H
#define RUNSC_NS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "runsc/oci.h"

struct ns_plan {
	int fds[OCI_NS_COUNT];        /* open namespace files to join, -1: none */
	bool new_user;                /* clone the sandbox into a new user namespace */
	bool new_net;                 /* boot unshares a network namespace */
	bool host_net;                /* --network=host: runsc's own */
	int exe_fd;                   /* this binary, for exec after joining */
};

/* Check the config's namespaces and sysctls and open the paths to join.
 * Returns 0, or -1 with a one-line message naming the field in err. */
int ns_prepare(const struct oci_config *cfg, const char *network, struct ns_plan *p, char *err,
	       size_t errsz);
void ns_release(struct ns_plan *p);
/* The clone flags of the sandbox process (CLONE_NEWPID unless a pid
 * namespace is joined, CLONE_NEWUSER for a new user namespace). */
unsigned long ns_clone_flags(const struct ns_plan *p);
/* Parent, around the clone: enter the pid namespace to join (children
 * go there) and come back afterwards. */
int ns_pid_enter(const struct ns_plan *p, int *savefd);
void ns_pid_leave(int savefd);
/* In the sandbox process before exec: join the namespaces with a path,
 * user first. Returns 0 or -errno with the failing type in *which. */
int ns_join(const struct ns_plan *p, enum oci_ns_type *which);
/* Parent: write uid_map, setgroups and gid_map of the new user namespace
 * of pid, as runc does. 0, or -1 with err. */
int ns_write_idmaps(const struct oci_config *cfg, pid_t pid, char *err, size_t errsz);
/* The host uid and gid that the container's root maps to (itself when
 * no user namespace is made). */
void ns_root_ids(const struct oci_config *cfg, uid_t *uid, gid_t *gid);

#endif
