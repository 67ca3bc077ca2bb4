/* tests/syscalls/vfs/readlink.c on a host directory through the gofer. */
#include "gofer.h"
#include "../vfs/readlink.c"
