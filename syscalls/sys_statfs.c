/* statfs(2) and fstatfs(2): the filesystem of a VFS path (its
 * superblock's statfs) with the mount's flags (ST_RDONLY, ST_NOSUID...). */
#define _GNU_SOURCE
#include "syscalls/table.h"
#include "fs/vfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>

static long path_statfs(struct task *t, const struct path *p, uint64_t buf)
{
	struct super_block *sb = p->mnt->sb;
	unsigned long mf = p->mnt->flags;
	struct statfs sf;
	long r;

	memset(&sf, 0, sizeof(sf));
	if (sb->ops && sb->ops->statfs) {
		r = sb->ops->statfs(sb, &sf);
		if (r < 0)
			return r;
	} else {
		sf.f_bsize = 4096;
		sf.f_frsize = 4096;
		sf.f_namelen = 255;
	}
	sf.f_flags &= ~(unsigned long)(ST_RDONLY | ST_NOSUID | ST_NODEV | ST_NOEXEC | ST_NOATIME |
				       ST_NODIRATIME | ST_RELATIME);
	sf.f_flags |= 0x20; /* ST_VALID */
	if ((mf & MS_RDONLY) || (sb->flags & SB_RDONLY))
		sf.f_flags |= ST_RDONLY;
	if (mf & MS_NOSUID)
		sf.f_flags |= ST_NOSUID;
	if (mf & MS_NODEV)
		sf.f_flags |= ST_NODEV;
	if (mf & MS_NOEXEC)
		sf.f_flags |= ST_NOEXEC;
	if (mf & MS_NOATIME)
		sf.f_flags |= ST_NOATIME;
	if (mf & MS_NODIRATIME)
		sf.f_flags |= ST_NODIRATIME;
	if (mf & MS_RELATIME)
		sf.f_flags |= ST_RELATIME;
	if (!sf.f_frsize)
		sf.f_frsize = sf.f_bsize;
	return copy_to_guest(t, buf, &sf, sizeof(sf));
}

long sys_statfs(struct task *t, const struct syscall_args *a)
{
	char path[PATH_MAX];
	struct path p;
	long r = copy_string_from_guest(t, path, a->a[0], sizeof(path));

	if (r < 0)
		return r;
	r = vfs_lookup_at(t, AT_FDCWD, path, LOOKUP_FOLLOW, &p);
	if (r < 0)
		return r;
	r = path_statfs(t, &p, a->a[1]);
	path_put(&p);
	return r;
}

long sys_fstatfs(struct task *t, const struct syscall_args *a)
{
	struct file *f = fd_get(t->files, (int)a->a[0]);
	struct statfs sf;
	long r;

	if (!f)
		return -EBADF;
	if (f->dentry) {
		r = path_statfs(t, file_path(f), a->a[1]);
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
