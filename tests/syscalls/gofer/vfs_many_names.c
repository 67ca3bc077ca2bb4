/* tests/syscalls/vfs/many_names.c on a host directory through the gofer. */
#include "gofer.h"
/* Each name is a gofer round trip: fewer of them keep the run short on a
 * loaded machine; still several times the dentry cache's 8192. */
#define N 12000
#include "../vfs/many_names.c"
