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

/* For splice(2), tee(2) and vmsplice(2): */
bool pipe_file_is_pipe(struct file *f);
bool pipe_same(struct file *a, struct file *b);
/* Wait until the pipe of f holds data: the bytes held, 0 when empty with
 * no writer left, -EAGAIN (nonblock) or -ERESTARTSYS. */
long pipe_wait_data(struct task *t, struct file *f, bool nonblock);
/* Wait for a free buffer in the pipe of f: the bytes that fit now in free
 * buffers, -EPIPE (no reader; no signal sent), -EAGAIN or -ERESTARTSYS. */
long pipe_wait_room(struct task *t, struct file *f, bool nonblock);
/* Copy up to n bytes from the front of the pipe without consuming them;
 * pipe_consume then drops n bytes from the front. */
size_t pipe_peek(struct file *f, void *buf, size_t n);
void pipe_consume(struct file *f, size_t n);
/* Add one buffer of n (<= PIPE_BUF_K) bytes that later writes never join,
 * as spliced pages are: bytes added, -EAGAIN when full, -EPIPE. */
ssize_t pipe_push_piece(struct file *f, const void *buf, size_t n);
/* Bytes in the i-th buffer from the front (0 past the last). */
size_t pipe_buffer_len(struct file *f, uint32_t i);

/* Open a FIFO inode (fifo(7)): f gets the inode's pipe, a reader waits
 * for a writer and a writer for a reader unless O_NONBLOCK (a writer then
 * fails with ENXIO while there is no reader). 0 or -errno. */
struct inode;
int pipe_fifo_open(struct task *t, struct inode *inode, struct file *f);

#endif
