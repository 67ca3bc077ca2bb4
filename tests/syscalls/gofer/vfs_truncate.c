/* tests/syscalls/vfs/truncate.c on a host directory through the gofer. */
#include "gofer.h"
#include "../vfs/truncate.c"
