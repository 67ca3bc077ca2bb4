/* tests/syscalls/vfs/empty_path.c on a host directory through the gofer. */
#include "gofer.h"
#include "../vfs/empty_path.c"
