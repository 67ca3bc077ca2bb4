/* Read-only generated files: a text made once at open, read at any
 * offset, freed at the last close (sysfs and cgroupfs share these). */
#define _GNU_SOURCE
#include "fs/pbuf_file.h"
#include "fs/file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int pbuf_file_attach(struct file *f, struct pbuf *b)
{
	if (b->oom) {
		free(b->d);
		free(b);
		return -ENOMEM;
	}
	f->priv = b;
	return 0;
}

ssize_t pbuf_file_read(struct task *t, struct file *f, void *buf, size_t n, int64_t *pos)
{
	struct pbuf *b = f->priv;
	int64_t p = pos ? *pos : f->pos;

	if (!b || p < 0)
		return -EINVAL;
	if ((uint64_t)p >= b->len)
		return 0;
	if (n > b->len - (size_t)p)
		n = b->len - (size_t)p;
	memcpy(buf, b->d + p, n);
	if (pos)
		*pos += (int64_t)n;
	return (ssize_t)n;
}

void pbuf_file_release(struct file *f)
{
	struct pbuf *b = f->priv;

	if (b) {
		free(b->d);
		free(b);
	}
}
