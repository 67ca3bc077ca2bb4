/* flock(2): whole-file advisory locks of an open file description
 * (fs/lock.c). fcntl's record-lock commands reach fs/lock.c from sys_fcntl. */
#define _GNU_SOURCE
#include "fs/lock.h"
#include "syscalls/table.h"

#include <errno.h>

long sys_flock(struct task *t, const struct syscall_args *a)
{
	struct file *f = fd_get(t->files, (int)a->a[0]);
	long r;

	if (!f)
		return -EBADF;
	r = lock_flock(t, f, (int)a->a[1]);
	file_put(f);
	return r;
}
