/* tests/syscalls/vfs/perm_user.c on a host directory through the gofer. */
#include "gofer.h"
#include "../vfs/perm_user.c"
