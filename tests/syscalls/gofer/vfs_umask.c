/* tests/syscalls/vfs/umask.c on a host directory through the gofer. */
#include "gofer.h"
#include "../vfs/umask.c"
