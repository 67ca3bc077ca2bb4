/* The interim host root filesystem of `runsc do`: read-only access to the
 * host's files by path, resolved against the guest's cwd. The VFS and the
 * gofer replace it. */
#ifndef FS_HOSTFS_H
#define FS_HOSTFS_H

#include <stdbool.h>
#include <stddef.h>

#include "fs/file.h"
#include "sentry/loader.h"

extern const struct exec_file_ops hostfs_exec_ops;

/* Build the absolute, lexically normalised guest path of path relative to
 * dirfd (AT_FDCWD: the cwd). empty_ok: "" means dirfd itself. */
int hostfs_resolve_at(struct task *t, int dirfd, const char *path, char *out, size_t outsz,
		      bool empty_ok);
/* Open an absolute guest path. Returns the file or -errno in *err. */
struct file *hostfs_open(struct task *t, const char *path, int flags, unsigned int mode,
			 int *err);
/* Resolve the last component of a path from hostfs_resolve_at() too
 * (for operations that follow symlinks). */
int hostfs_follow(struct task *t, char *path, size_t sz);
/* Paths under /proc and /sys: served by synthetic files, never the host's. */
bool hostfs_is_synthetic(const char *path);
/* stat/lstat of a resolved guest path. */
int hostfs_stat(struct task *t, const char *path, struct stat *st, bool follow);
/* readlink of a resolved guest path; returns the length or -errno. */
long hostfs_readlink(struct task *t, const char *path, char *buf, size_t sz);
/* getxattr (name set) or listxattr (name NULL) of a resolved guest path;
 * size 0 asks for the size. Returns the length or -errno. */
long hostfs_xattr(struct task *t, const char *path, bool follow, const char *name, void *buf,
		  size_t size);
/* The host path to use for a guest absolute path (for stat and friends). */
const char *hostfs_host_path(const char *guest_path);

#endif
