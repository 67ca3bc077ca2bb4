/* tests/syscalls/vfs/nofollow.c on a host directory through the gofer. */
#include "gofer.h"
#include "../vfs/nofollow.c"
