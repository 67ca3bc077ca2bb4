/* eventfd, eventfd2, timerfd_create/settime/gettime, signalfd,
 * signalfd4, memfd_create: flag checks and fd installation around the
 * file types of fs/eventfd.c, fs/timerfd.c, fs/signalfd.c, fs/memfd.c. */
#define _GNU_SOURCE
#include "syscalls/table.h"
#include "fs/fdtypes.h"
#include "fs/vfs.h"
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

/* ---- timerfd ---- */

#define TFD_TIMER_ABSTIME_K 1
#define TFD_TIMER_CANCEL_ON_SET_K 2

long sys_timerfd_create(struct task *t, const struct syscall_args *a)
{
	clockid_t clk = (clockid_t)a->a[0];
	int flags = (int)a->a[1];

	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	switch (clk) {
	case CLOCK_REALTIME_ALARM:
		clk = CLOCK_REALTIME;
		break;
	case CLOCK_BOOTTIME_ALARM:
		clk = CLOCK_BOOTTIME;
		break;
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
		break;
	default:
		return -EINVAL;
	}
	return install(t, timerfd_new(clk, flags), flags & O_CLOEXEC);
}

struct kitimerspec {
	struct timespec interval, value;
};

static int ts_ns(const struct timespec *ts, uint64_t *ns)
{
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= (long)NSEC_PER_SEC)
		return -EINVAL;
	*ns = (uint64_t)ts->tv_sec * NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
	return 0;
}

static void ns_ts(uint64_t ns, struct timespec *ts)
{
	ts->tv_sec = (time_t)(ns / NSEC_PER_SEC);
	ts->tv_nsec = (long)(ns % NSEC_PER_SEC);
}

/* The timerfd at fd with a reference: EBADF, or EINVAL for other files. */
static long get_timerfd(struct task *t, int fd, struct file **out)
{
	struct file *f = fd_get(t->files, fd);

	if (!f)
		return -EBADF;
	if (!file_is_timerfd(f)) {
		file_put(f);
		return -EINVAL;
	}
	*out = f;
	return 0;
}

long sys_timerfd_settime(struct task *t, const struct syscall_args *a)
{
	int flags = (int)a->a[1];
	struct kitimerspec n, o;
	uint64_t v, i, ov, oi;
	struct file *f;
	long r;

	if (copy_from_guest(t, &n, a->a[2], sizeof(n)) < 0)
		return -EFAULT;
	if (flags & ~(TFD_TIMER_ABSTIME_K | TFD_TIMER_CANCEL_ON_SET_K))
		return -EINVAL;
	if (ts_ns(&n.value, &v) < 0 || ts_ns(&n.interval, &i) < 0)
		return -EINVAL;
	r = get_timerfd(t, (int)a->a[0], &f);
	if (r < 0)
		return r;
	r = timerfd_set(f, flags & TFD_TIMER_ABSTIME_K, v, i, &ov, &oi);
	file_put(f);
	if (r == 0 && a->a[3]) {
		ns_ts(ov, &o.value);
		ns_ts(oi, &o.interval);
		if (copy_to_guest(t, a->a[3], &o, sizeof(o)) < 0)
			r = -EFAULT;
	}
	return r;
}

long sys_timerfd_gettime(struct task *t, const struct syscall_args *a)
{
	struct kitimerspec o;
	uint64_t v, i;
	struct file *f;
	long r = get_timerfd(t, (int)a->a[0], &f);

	if (r < 0)
		return r;
	timerfd_get(f, &v, &i);
	file_put(f);
	ns_ts(v, &o.value);
	ns_ts(i, &o.interval);
	return copy_to_guest(t, a->a[1], &o, sizeof(o)) < 0 ? -EFAULT : 0;
}

/* ---- memfd_create ---- */

#define MFD_CLOEXEC_K 0x1U
#define MFD_ALLOW_SEALING_K 0x2U
#define MFD_HUGETLB_K 0x4U
#define MFD_NOEXEC_SEAL_K 0x8U
#define MFD_EXEC_K 0x10U
#define MFD_HUGE_MASK_K (0x3fU << 26)
/* NAME_MAX minus "memfd:". */
#define MFD_NAME_MAX 249

long sys_memfd_create(struct task *t, const struct syscall_args *a)
{
	unsigned int flags = (unsigned int)a->a[1];
	char name[MFD_NAME_MAX + 1];
	struct file *f;
	long r;

	if (flags & ~(MFD_CLOEXEC_K | MFD_ALLOW_SEALING_K | MFD_HUGETLB_K | MFD_NOEXEC_SEAL_K |
		      MFD_EXEC_K | MFD_HUGE_MASK_K))
		return -EINVAL;
	if ((flags & MFD_HUGE_MASK_K) && !(flags & MFD_HUGETLB_K))
		return -EINVAL;
	if ((flags & MFD_EXEC_K) && (flags & MFD_NOEXEC_SEAL_K))
		return -EINVAL;
	/* Huge pages are not emulated. */
	if (flags & MFD_HUGETLB_K)
		return -EINVAL;
	r = copy_string_from_guest(t, name, a->a[0], sizeof(name));
	if (r == -EFAULT)
		return r;
	if (r < 0)
		return -EINVAL;
	f = memfd_new(name, flags & (MFD_ALLOW_SEALING_K | MFD_NOEXEC_SEAL_K), 0);
	if (f)
		memfd_setup(f, t->cred->euid, t->cred->egid, flags & MFD_NOEXEC_SEAL_K);
	return install(t, f, flags & MFD_CLOEXEC_K);
}

/* ftruncate(2) through the file's truncate operation (memfd; the VFS
 * files get one later). */
long sys_ftruncate(struct task *t, const struct syscall_args *a)
{
	int64_t len = (int64_t)a->a[1];
	struct file *f;
	struct stat st;
	long r;

	if (len < 0)
		return -EINVAL;
	f = fd_get(t->files, (int)a->a[0]);
	if (!f)
		return -EBADF;
	if (f->flags & O_PATH)
		r = -EBADF;
	else if (f->dentry && (f->flags & O_ACCMODE) != O_RDONLY)
		r = vfs_truncate(t, file_path(f), (uint64_t)len, false);
	else if (!f->ops->fstat || f->ops->fstat(f, &st) < 0 || S_ISDIR(st.st_mode))
		r = -EINVAL;
	else if (!S_ISREG(st.st_mode))
		r = -EINVAL;
	else if ((f->flags & O_ACCMODE) == O_RDONLY)
		r = -EINVAL;
	else if (!f->ops->truncate)
		r = -EROFS;
	else
		r = f->ops->truncate(f, (uint64_t)len);
	file_put(f);
	return r;
}

/* ---- signalfd ---- */

static long do_signalfd(struct task *t, int fd, uint64_t umask, uint64_t size, int flags)
{
	uint64_t mask;
	struct file *f;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	if (size != sizeof(mask))
		return -EINVAL;
	if (copy_from_guest(t, &mask, umask, sizeof(mask)) < 0)
		return -EFAULT;
	if (fd == -1)
		return install(t, signalfd_new(t, mask, flags), flags & O_CLOEXEC);
	f = fd_get(t->files, fd);
	if (!f)
		return -EBADF;
	if (!file_is_signalfd(f)) {
		file_put(f);
		return -EINVAL;
	}
	signalfd_set_mask(f, mask);
	file_put(f);
	return fd;
}

long sys_signalfd(struct task *t, const struct syscall_args *a)
{
	return do_signalfd(t, (int)a->a[0], a->a[1], a->a[2], 0);
}

long sys_signalfd4(struct task *t, const struct syscall_args *a)
{
	return do_signalfd(t, (int)a->a[0], a->a[1], a->a[2], (int)a->a[3]);
}
