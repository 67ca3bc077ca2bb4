/* inotify_init, inotify_init1, inotify_add_watch, inotify_rm_watch: flag
 * and path checks around the instances of fs/inotify.c. */
#define _GNU_SOURCE
#include "syscalls/table.h"
#include "fs/inotify.h"
#include "fs/vfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/inotify.h>

#ifndef IN_MASK_CREATE
#define IN_MASK_CREATE 0x10000000
#endif
#define ALL_INOTIFY_BITS                                                              \
	(IN_ALL_EVENTS | IN_UNMOUNT | IN_Q_OVERFLOW | IN_IGNORED | IN_ONLYDIR |       \
	 IN_DONT_FOLLOW | IN_EXCL_UNLINK | IN_MASK_ADD | IN_MASK_CREATE | IN_ISDIR |  \
	 IN_ONESHOT)

static long do_inotify_init(struct task *t, int flags)
{
	struct file *f;
	int fd;

	if (flags & ~(IN_CLOEXEC | IN_NONBLOCK))
		return -EINVAL;
	f = inotify_new(flags & IN_NONBLOCK ? O_NONBLOCK : 0);
	if (!f)
		return -ENOMEM;
	fd = fd_alloc(t->files, f, 0, flags & IN_CLOEXEC,
		      (int)t->tg->rlim[RLIMIT_NOFILE].rlim_cur);
	file_put(f);
	return fd;
}

long sys_inotify_init(struct task *t, const struct syscall_args *a)
{
	return do_inotify_init(t, 0);
}

long sys_inotify_init1(struct task *t, const struct syscall_args *a)
{
	return do_inotify_init(t, (int)a->a[0]);
}

/* The inotify file at fd with a new reference, or NULL with *err set. */
static struct file *inotify_fd(struct task *t, int fd, long *err)
{
	struct file *f = fd_get(t->files, fd);

	if (!f) {
		*err = -EBADF;
		return NULL;
	}
	if (!file_is_inotify(f)) {
		file_put(f);
		*err = -EINVAL;
		return NULL;
	}
	return f;
}

long sys_inotify_add_watch(struct task *t, const struct syscall_args *a)
{
	uint32_t mask = (uint32_t)a->a[2];
	unsigned int lflags = 0;
	struct path p = { 0 };
	struct file *f;
	char *path;
	long r;

	/* Linux checks the mask before the fd and the path; a mask of only
	 * flags (IN_DONT_FOLLOW...) is a valid watch that reports nothing. */
	if ((mask & IN_MASK_ADD) && (mask & IN_MASK_CREATE))
		return -EINVAL;
	if (!(mask & ALL_INOTIFY_BITS))
		return -EINVAL;
	f = inotify_fd(t, (int)a->a[0], &r);
	if (!f)
		return r;
	path = malloc(PATH_MAX);
	if (!path) {
		r = -ENOMEM;
		goto out;
	}
	r = copy_string_from_guest(t, path, a->a[1], PATH_MAX);
	if (r < 0)
		goto out;
	if (!(mask & IN_DONT_FOLLOW))
		lflags |= LOOKUP_FOLLOW;
	if (mask & IN_ONLYDIR)
		lflags |= LOOKUP_DIRECTORY;
	r = vfs_lookup_at(t, AT_FDCWD, path, lflags, &p);
	if (r < 0)
		goto out;
	/* Watching needs read permission on the object. */
	r = vfs_permission(t->cred, p.dentry->inode, MAY_READ);
	if (r == 0)
		r = inotify_watch_add(f, p.dentry->inode, mask);
	path_put(&p);
out:
	free(path);
	file_put(f);
	return r;
}

long sys_inotify_rm_watch(struct task *t, const struct syscall_args *a)
{
	struct file *f;
	long r;

	f = inotify_fd(t, (int)a->a[0], &r);
	if (!f)
		return r;
	r = inotify_watch_rm(f, (int)a->a[1]);
	file_put(f);
	return r;
}
