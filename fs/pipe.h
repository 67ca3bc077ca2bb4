/* Anonymous pipes (pipe(7)): a ring of page-sized buffers shared by a read
 * file and a write file, with Linux's capacity, atomicity, packet mode
 * (O_DIRECT) and readiness rules. */
#ifndef FS_PIPE_H
#define FS_PIPE_H

#include "fs/file.h"

#define PIPE_BUF_K 4096

/* Create a pipe; flags are O_NONBLOCK and O_DIRECT (both ends). On success
 * *rd and *wr hold one reference each. Returns 0 or -errno. */
int pipe_create(struct task *t, int flags, struct file **rd, struct file **wr);

#endif
