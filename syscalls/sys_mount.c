/* mount(2), umount2(2), pivot_root(2) and unshare(2) of the mount
 * namespace (fs/mount.c does the work). */
#define _GNU_SOURCE
#include "syscalls/table.h"
#include "fs/vfs.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#define MOUNT_DATA_MAX 4096

static long str_in(struct task *t, uint64_t addr, char *buf, size_t n)
{
	long r = copy_string_from_guest(t, buf, addr, n);

	return r < 0 ? r : 0;
}

long sys_mount(struct task *t, const struct syscall_args *a)
{
	char *src = NULL, target[PATH_MAX], type[256], *data = NULL;
	long r;

	if ((r = str_in(t, a->a[1], target, sizeof(target))) < 0)
		return r;
	if (a->a[2] && (r = str_in(t, a->a[2], type, sizeof(type))) < 0)
		return r;
	src = malloc(PATH_MAX);
	data = malloc(MOUNT_DATA_MAX);
	if (!src || !data) {
		r = -ENOMEM;
		goto out;
	}
	if (a->a[0] && (r = str_in(t, a->a[0], src, PATH_MAX)) < 0)
		goto out;
	data[0] = 0;
	if (a->a[4] && (r = str_in(t, a->a[4], data, MOUNT_DATA_MAX)) < 0)
		goto out;
	r = vfs_do_mount(t, a->a[0] ? src : NULL, target, a->a[2] ? type : NULL, a->a[3], data);
out:
	free(src);
	free(data);
	return r;
}

long sys_umount2(struct task *t, const struct syscall_args *a)
{
	char target[PATH_MAX];
	long r = str_in(t, a->a[0], target, sizeof(target));

	return r < 0 ? r : vfs_do_umount(t, target, (int)a->a[1]);
}

long sys_pivot_root(struct task *t, const struct syscall_args *a)
{
	char nr[PATH_MAX], po[PATH_MAX];
	long r;

	if ((r = str_in(t, a->a[0], nr, sizeof(nr))) < 0 ||
	    (r = str_in(t, a->a[1], po, sizeof(po))) < 0)
		return r;
	return vfs_pivot_root(t, nr, po);
}

/* unshare(2): the fd table, the fs context and the mount namespace.
 * Other namespaces are not implemented: EINVAL (as a kernel built
 * without them). */
long sys_unshare(struct task *t, const struct syscall_args *a)
{
	uint64_t flags = a->a[0];
	const uint64_t known = CLONE_FILES | CLONE_FS | CLONE_NEWNS | CLONE_SYSVSEM;

	if (flags & ~known)
		return -EINVAL;
	if ((flags & CLONE_NEWNS) && !capable(t, CAP_SYS_ADMIN))
		return -EPERM;
	if ((flags & CLONE_FILES) && t->files->refs > 1) {
		struct files *n = files_dup(t->files);

		if (!n)
			return -ENOMEM;
		files_put(t->files);
		t->files = n;
	}
	if (flags & CLONE_NEWNS) {
		struct fs_ctx *n = fs_ctx_dup(t->fs);
		struct mnt_ns *ns;

		if (!n)
			return -ENOMEM;
		ns = mnt_ns_copy(t->fs->ns, n);
		if (!ns) {
			fs_ctx_put(n);
			return -ENOMEM;
		}
		mnt_ns_put(n->ns);
		n->ns = ns;
		fs_ctx_put(t->fs);
		t->fs = n;
	} else if ((flags & CLONE_FS) && t->fs->refs > 1) {
		struct fs_ctx *n = fs_ctx_dup(t->fs);

		if (!n)
			return -ENOMEM;
		fs_ctx_put(t->fs);
		t->fs = n;
	}
	return 0;
}
