/* tests/syscalls/vfs/unlink_errors.c on a host directory through the gofer. */
#include "gofer.h"
#include "../vfs/unlink_errors.c"
