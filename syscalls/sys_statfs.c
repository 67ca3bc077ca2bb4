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
	char path[8192];
	struct statfs sf;
	struct stat st;
	long r;

	/* Resolve through the interim root first: symlinks expanded by the
	 * sandbox, /proc and /sys never the host's. */
	if (strlen(guest_path) >= sizeof(path))
		return -ENAMETOOLONG;
	strcpy(path, guest_path);
	r = hostfs_follow(t, path, sizeof(path));
	if (r < 0)
		return r;
	if (hostfs_is_synthetic(path)) {
		r = hostfs_stat(t, path, &st, true);
		if (r < 0)
			return r;
		memset(&sf, 0, sizeof(sf));
		sf.f_type = strncmp(path, "/sys", 4) ? 0x9fa0 /* PROC_SUPER_MAGIC */
						     : 0x62656572 /* SYSFS_MAGIC */;
		sf.f_bsize = 4096;
		sf.f_frsize = 4096;
		sf.f_namelen = 255;
		sf.f_flags = ST_RDONLY | ST_NOSUID | ST_NODEV | ST_NOEXEC;
		return copy_to_guest(t, buf, &sf, sizeof(sf));
	}
	r = hostfs_stat(t, path, &st, true);
	if (r < 0)
		return r;
	if (statfs(hostfs_host_path(path), &sf) < 0)
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
