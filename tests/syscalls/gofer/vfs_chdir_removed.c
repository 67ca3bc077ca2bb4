/* tests/syscalls/vfs/chdir_removed.c on a host directory through the gofer. */
#include "gofer.h"
#include "../vfs/chdir_removed.c"
