/* tests/syscalls/vfs/setgid_dir.c on a host directory through the gofer. */
#include "gofer.h"
#include "../vfs/setgid_dir.c"
