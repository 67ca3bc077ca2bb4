/* tests/syscalls/vfs/create_excl.c on a host directory through the gofer. */
#include "gofer.h"
#include "../vfs/create_excl.c"
