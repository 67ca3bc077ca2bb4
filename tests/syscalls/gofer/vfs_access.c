/* tests/syscalls/vfs/access.c on a host directory through the gofer. */
#include "gofer.h"
#include "../vfs/access.c"
