/* The cgroup2 filesystem the container sees (fs/cgroupfs.c): itself at
 * the root, with the limits of its OCI config. */
#ifndef FS_CGROUPFS_H
#define FS_CGROUPFS_H

#include <stdint.h>

/* linux.resources as the sandbox applies them: -1 (or 0 for the period)
 * for none. Called by runsc before the sentry boots. */
void cgroupfs_set_limits(int64_t mem_max, int64_t cpu_quota, uint64_t cpu_period,
			 int64_t pids_max);

#endif
