/* tests/syscalls/vfs/openat2_beneath.c on a host directory through the gofer. */
#include "gofer.h"
#include "../vfs/openat2_beneath.c"
