/* tests/syscalls/vfs/renameat2_flags.c on a host directory through the gofer. */
#include "gofer.h"
#include "../vfs/renameat2_flags.c"
