/* tests/syscalls/vfs/tmpfile_linkat.c on a host directory through the gofer. */
#include "gofer.h"
#include "../vfs/tmpfile_linkat.c"
