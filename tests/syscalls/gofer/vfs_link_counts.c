/* tests/syscalls/vfs/link_counts.c on a host directory through the gofer. */
#include "gofer.h"
#include "../vfs/link_counts.c"
