/* Read-only generated files (sysfs, cgroupfs): the whole text is made at
 * open into a struct pbuf (fs/proc.h) that the file keeps in f->priv. */
#ifndef FS_PBUF_FILE_H
#define FS_PBUF_FILE_H

#include <stdint.h>
#include <sys/types.h>

#include "fs/proc.h"

struct file;
struct task;

/* Make b (malloc'ed, filled) the file's text: 0, or -ENOMEM when the fill
 * ran out of memory (b is then freed). */
int pbuf_file_attach(struct file *f, struct pbuf *b);
/* read at *pos (or the file position when pos is NULL): a copy of the
 * text there; 0 past its end. */
ssize_t pbuf_file_read(struct task *t, struct file *f, void *buf, size_t n, int64_t *pos);
void pbuf_file_release(struct file *f);

#endif
