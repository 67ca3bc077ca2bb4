/* tests/syscalls/vfs/fifo.c on a host directory through the gofer. */
#include "gofer.h"
#include "../vfs/fifo.c"
