/* tests/syscalls/vfs/chmod_chown.c on a host directory through the gofer. */
#include "gofer.h"
#include "../vfs/chmod_chown.c"
