/* tests/syscalls/vfs/rename_basic.c on a host directory through the gofer. */
#include "gofer.h"
#include "../vfs/rename_basic.c"
