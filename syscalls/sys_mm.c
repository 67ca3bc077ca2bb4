/* Memory syscalls: mmap family, brk, madvise, mincore, msync, mlock. */
#define _GNU_SOURCE
#include "syscalls/table.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "sentry/memobj.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/mman.h>

#define MAP_KNOWN                                                                   \
	(MAP_SHARED | MAP_PRIVATE | MAP_SHARED_VALIDATE | MAP_FIXED | MAP_ANONYMOUS | \
	 MAP_GROWSDOWN | MAP_DENYWRITE | MAP_EXECUTABLE | MAP_LOCKED | MAP_NORESERVE | \
	 MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | MAP_FIXED_NOREPLACE | \
	 MAP_32BIT | MAP_SYNC)

long sys_mmap(struct task *t, const struct syscall_args *a)
{
	uint64_t addr = a->a[0], len = a->a[1], off = a->a[5];
	int prot = (int)a->a[2], flags = (int)a->a[3], fd = (int)a->a[4];
	int type = flags & MAP_TYPE;
	struct memobj *obj = NULL;
	struct file *f = NULL;
	long r;

	if (!len || PAGE_ALIGN(len) < len || PAGE_ALIGN(len) == 0)
		return -EINVAL;
	if (off & ~PAGE_MASK)
		return -EINVAL;
	if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (type == MAP_SHARED_VALIDATE && (flags & ~MAP_KNOWN))
		return -EOPNOTSUPP;
	if (flags & MAP_HUGETLB)
		return -EINVAL; /* no hugetlbfs in the sandbox */
	if (flags & MAP_32BIT)
		return -EINVAL; /* not supported: the guest is 64-bit only */
	if (flags & MAP_SYNC)
		return -EOPNOTSUPP;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	if (type == MAP_SHARED_VALIDATE)
		flags = (flags & ~MAP_TYPE) | MAP_SHARED;
	if (!(flags & MAP_ANONYMOUS)) {
		int err;

		f = fd_get(t->files, fd);
		if (!f)
			return -EBADF;
		if ((f->flags & O_ACCMODE) == O_WRONLY) {
			file_put(f);
			return -EACCES;
		}
		if ((flags & MAP_TYPE) == MAP_SHARED && (prot & PROT_WRITE) &&
		    (f->flags & O_ACCMODE) != O_RDWR) {
			file_put(f);
			return -EACCES;
		}
		if (!f->ops->mmap) {
			file_put(f);
			return -ENODEV;
		}
		err = f->ops->mmap(f, &obj);
		if (err == 0 && file_inode(f) && f->mnt && f->dentry) {
			/* Name the mapping after the file the guest mapped (once
			 * per object: ld.so maps each library several times). */
			struct path fp = { f->mnt, f->dentry };
			struct inode *ino = file_inode(f);
			struct stat st;

			vfs_fill_stat(ino, &st);
			if (!obj->name || obj->name[0] != '/' || obj->dev != st.st_dev ||
			    obj->ino != st.st_ino) {
				char *buf = malloc(PATH_MAX);

				if (buf && vfs_d_path(t, &fp, buf, PATH_MAX, true) >= 0)
					memobj_set_identity(obj, buf, st.st_dev, st.st_ino);
				free(buf);
			}
		}
		file_put(f);
		if (err < 0)
			return err;
		if (off + PAGE_ALIGN(len) < off) {
			memobj_put(obj);
			return -EOVERFLOW;
		}
	}
	r = mm_mmap(t->mm, t->ctx, addr, len, prot, flags, obj, off >> PAGE_SHIFT, NULL);
	memobj_put(obj);
	return r;
}

long sys_munmap(struct task *t, const struct syscall_args *a)
{
	return mm_munmap(t->mm, t->ctx, a->a[0], a->a[1]);
}

long sys_mprotect(struct task *t, const struct syscall_args *a)
{
	return mm_mprotect(t->mm, t->ctx, a->a[0], a->a[1], (int)a->a[2]);
}

long sys_mremap(struct task *t, const struct syscall_args *a)
{
	return mm_mremap(t->mm, t->ctx, a->a[0], a->a[1], a->a[2], (int)a->a[3], a->a[4]);
}

long sys_brk(struct task *t, const struct syscall_args *a)
{
	return mm_brk(t->mm, t->ctx, a->a[0]);
}

long sys_madvise(struct task *t, const struct syscall_args *a)
{
	return mm_madvise(t->mm, t->ctx, a->a[0], a->a[1], (int)a->a[2]);
}

long sys_msync(struct task *t, const struct syscall_args *a)
{
	return mm_msync(t->mm, a->a[0], a->a[1], (int)a->a[2]);
}

long sys_mincore(struct task *t, const struct syscall_args *a)
{
	uint64_t len = a->a[1], pages;
	uint8_t *vec;
	long r;

	if (a->a[0] & ~PAGE_MASK)
		return -EINVAL;
	if (PAGE_ALIGN(len) < len)
		return -ENOMEM;
	pages = PAGE_ALIGN(len) >> PAGE_SHIFT;
	if (pages > (1UL << 24))
		return -ENOMEM;
	vec = calloc(pages ? pages : 1, 1);
	if (!vec)
		return -ENOMEM;
	r = mm_mincore(t->mm, a->a[0], len, vec);
	if (r == 0 && copy_to_guest(t, a->a[2], vec, pages) < 0)
		r = -EFAULT;
	free(vec);
	return r;
}

/* Guest memory lives in the memory file; locking it in RAM is accepted
 * when the range is mapped, like an unprivileged mlock within limits. */
static long lock_range(struct task *t, uint64_t addr, uint64_t len)
{
	uint64_t start = addr & PAGE_MASK, end = PAGE_ALIGN(addr + len);

	if (end < start)
		return -ENOMEM;
	for (uint64_t p = start; p < end;) {
		struct vma *v = mm_find_vma(t->mm, p);

		if (!v)
			return -ENOMEM;
		p = v->end;
	}
	return 0;
}

long sys_mlock(struct task *t, const struct syscall_args *a)
{
	return lock_range(t, a->a[0], a->a[1]);
}

long sys_munlock(struct task *t, const struct syscall_args *a)
{
	return lock_range(t, a->a[0], a->a[1]);
}

long sys_mlock2(struct task *t, const struct syscall_args *a)
{
	if (a->a[2] & ~1UL) /* MLOCK_ONFAULT */
		return -EINVAL;
	return lock_range(t, a->a[0], a->a[1]);
}

long sys_mlockall(struct task *t, const struct syscall_args *a)
{
	(void)t;
	if (!a->a[0] || (a->a[0] & ~7UL))
		return -EINVAL;
	return 0;
}

long sys_munlockall(struct task *t, const struct syscall_args *a)
{
	(void)t;
	(void)a;
	return 0;
}
