/* statfs(2) and fstatfs(2) over the interim host root: what the host says
 * of the filesystem holding the path, reported read-only (ST_RDONLY), as
 * the sandbox sees it. */
#define _GNU_SOURCE
#include "syscalls/table.h"
#include "fs/file.h"
#include "fs/hostfs.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>

static long statfs_out(struct task *t, const char *guest_path, uint64_t buf)
{
	struct statfs sf;

	if (statfs(hostfs_host_path(guest_path), &sf) < 0)
		return -errno;
	sf.f_flags |= ST_RDONLY;
	return copy_to_guest(t, buf, &sf, sizeof(sf));
}

long sys_statfs(struct task *t, const struct syscall_args *a)
{
	char path[4096], full[8192];
	long r = copy_string_from_guest(t, path, a->a[0], sizeof(path));

	if (r < 0)
		return r;
	r = hostfs_resolve_at(t, AT_FDCWD, path, full, sizeof(full), false);
	return r < 0 ? r : statfs_out(t, full, a->a[1]);
}

long sys_fstatfs(struct task *t, const struct syscall_args *a)
{
	struct file *f = fd_get(t->files, (int)a->a[0]);
	struct statfs sf;
	long r;

	if (!f)
		return -EBADF;
	if (f->path && f->path[0] == '/') {
		r = statfs_out(t, f->path, a->a[1]);
	} else {
		/* Pipes, host stdio and the like: an anonymous filesystem. */
		memset(&sf, 0, sizeof(sf));
		sf.f_type = 0x50495045; /* PIPEFS_MAGIC */
		sf.f_bsize = 4096;
		sf.f_namelen = 255;
		sf.f_frsize = 4096;
		r = copy_to_guest(t, a->a[1], &sf, sizeof(sf));
	}
	file_put(f);
	return r;
}
