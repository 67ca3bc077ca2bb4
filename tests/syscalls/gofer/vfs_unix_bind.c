/* tests/syscalls/vfs/unix_bind.c on a host directory through the gofer. */
#include "gofer.h"
#include "../vfs/unix_bind.c"
