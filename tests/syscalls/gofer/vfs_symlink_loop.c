/* tests/syscalls/vfs/symlink_loop.c on a host directory through the gofer. */
#include "gofer.h"
#include "../vfs/symlink_loop.c"
