/* tests/syscalls/vfs/utimensat.c on a host directory through the gofer. */
#include "gofer.h"
#include "../vfs/utimensat.c"
