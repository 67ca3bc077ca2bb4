/* tests/syscalls/vfs/open_flags.c on a host directory through the gofer. */
#include "gofer.h"
#include "../vfs/open_flags.c"
