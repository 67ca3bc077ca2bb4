/* Helpers of the gofer conformance tests: they run with --overlay=none
 * (runsc-flags), so the scratch directory under /var/tmp is a host
 * directory reached through the gofer, natively the same directory.
 * vfs_NAME.c reruns tests/syscalls/vfs/NAME.c that way. */
#ifndef TESTS_SYSCALLS_GOFER_H
#define TESTS_SYSCALLS_GOFER_H
#define VFS_SCRATCH_BASE "/var/tmp"
#include "../vfs/vfs.h"

#endif
