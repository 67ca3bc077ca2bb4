/* tests/syscalls/vfs/opath_ops.c on a host directory through the gofer. */
#include "gofer.h"
#include "../vfs/opath_ops.c"
