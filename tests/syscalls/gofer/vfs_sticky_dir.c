/* tests/syscalls/vfs/sticky_dir.c on a host directory through the gofer. */
#include "gofer.h"
#include "../vfs/sticky_dir.c"
