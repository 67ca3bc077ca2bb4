/* tests/syscalls/vfs/trailing_slash.c on a host directory through the gofer. */
#include "gofer.h"
#include "../vfs/trailing_slash.c"
