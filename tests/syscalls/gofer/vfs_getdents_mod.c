/* tests/syscalls/vfs/getdents_mod.c on a host directory through the gofer. */
#include "gofer.h"
#include "../vfs/getdents_mod.c"
