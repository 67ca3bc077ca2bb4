/* tests/syscalls/vfs/openat_dirfd.c on a host directory through the gofer. */
#include "gofer.h"
#include "../vfs/openat_dirfd.c"
