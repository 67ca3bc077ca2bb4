/* eventfd, eventfd2, timerfd_create/settime/gettime, signalfd,
 * signalfd4, memfd_create: flag checks and fd installation around the
 * file types of fs/eventfd.c, fs/timerfd.c, fs/signalfd.c, fs/memfd.c. */
#define _GNU_SOURCE
#include "syscalls/table.h"
#include "fs/fdtypes.h"
#include "sentry/time.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>

static int nofile(struct task *t)
{
	return (int)t->tg->rlim[RLIMIT_NOFILE].rlim_cur;
}

/* Install a new file (or -ENOMEM for NULL) and drop our reference. */
static long install(struct task *t, struct file *f, bool cloexec)
{
	int fd;

	if (!f)
		return -ENOMEM;
	fd = fd_alloc(t->files, f, 0, cloexec, nofile(t));
	file_put(f);
	return fd;
}

/* ---- eventfd ---- */

#define EFD_SEMAPHORE_K 1

static long do_eventfd(struct task *t, unsigned int count, int flags)
{
	if (flags & ~(EFD_SEMAPHORE_K | O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	return install(t, eventfd_new(count, flags & EFD_SEMAPHORE_K, flags & O_NONBLOCK),
		       flags & O_CLOEXEC);
}

long sys_eventfd(struct task *t, const struct syscall_args *a)
{
	return do_eventfd(t, (unsigned int)a->a[0], 0);
}

long sys_eventfd2(struct task *t, const struct syscall_args *a)
{
	return do_eventfd(t, (unsigned int)a->a[0], (int)a->a[1]);
}
