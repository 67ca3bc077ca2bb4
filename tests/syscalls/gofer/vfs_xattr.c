/* tests/syscalls/vfs/xattr.c on a host directory through the gofer. */
#include "gofer.h"
#include "../vfs/xattr.c"
