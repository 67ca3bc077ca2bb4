/* Open file descriptions and fd tables. */
#define _GNU_SOURCE
#include "fs/file.h"
#include "fs/lock.h"
#include "fs/vfs.h"
#include "sentry/hooks.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct file *file_new(const struct file_ops *ops, int flags, void *priv, const char *path)
{
	struct file *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->refs = 1;
	f->ops = ops;
	f->flags = flags;
	f->priv = priv;
	f->path = path ? strdup(path) : NULL;
	return f;
}

void file_get(struct file *f)
{
	f->refs++;
}

void file_put(struct file *f)
{
	if (!f || --f->refs)
		return;
	if (f->epoll_links)
		epoll_file_release(f);
	lock_release_file(f);
	if (f->ops->release)
		f->ops->release(f);
	if (f->dentry) {
		struct path p = { f->mnt, f->dentry };

		vfs_file_closed(f);
		path_put(&p);
	}
	free(f->path);
	free(f);
}

struct files *files_new(void)
{
	struct files *fs = calloc(1, sizeof(*fs));

	if (!fs)
		return NULL;
	fs->refs = 1;
	return fs;
}

static int files_grow(struct files *fs, int need)
{
	int size = fs->size ? fs->size : 64;
	struct fdent *n;

	while (size <= need)
		size *= 2;
	if (size == fs->size)
		return 0;
	n = realloc(fs->fds, (size_t)size * sizeof(*n));
	if (!n)
		return -ENOMEM;
	memset(n + fs->size, 0, (size_t)(size - fs->size) * sizeof(*n));
	fs->fds = n;
	fs->size = size;
	return 0;
}

struct files *files_dup(struct files *src)
{
	struct files *fs = files_new();

	if (!fs)
		return NULL;
	if (src->size && files_grow(fs, src->size - 1) < 0) {
		free(fs);
		return NULL;
	}
	for (int i = 0; i < src->size; i++) {
		fs->fds[i] = src->fds[i];
		if (fs->fds[i].file)
			file_get(fs->fds[i].file);
	}
	return fs;
}

void files_get(struct files *f)
{
	f->refs++;
}

void files_put(struct files *fs)
{
	if (!fs || --fs->refs)
		return;
	for (int i = 0; i < fs->size; i++) {
		/* Closing drops this table's POSIX locks (fs/lock.c). */
		lock_close_files(fs, fs->fds[i].file);
		file_put(fs->fds[i].file);
	}
	free(fs->fds);
	free(fs);
}

void files_close_on_exec(struct files *fs)
{
	for (int i = 0; i < fs->size; i++) {
		if (fs->fds[i].file && fs->fds[i].cloexec) {
			lock_close_files(fs, fs->fds[i].file);
			file_put(fs->fds[i].file);
			fs->fds[i].file = NULL;
			fs->fds[i].cloexec = false;
		}
	}
}

int fd_alloc(struct files *fs, struct file *f, int minfd, bool cloexec, int limit)
{
	int fd;

	if (minfd < 0 || minfd >= limit)
		return -EINVAL;
	for (fd = minfd; fd < limit; fd++) {
		if (fd >= fs->size && files_grow(fs, fd) < 0)
			return -ENOMEM;
		if (!fs->fds[fd].file)
			break;
	}
	if (fd >= limit)
		return -EMFILE;
	file_get(f);
	fs->fds[fd].file = f;
	fs->fds[fd].cloexec = cloexec;
	return fd;
}

int fd_install_at(struct files *fs, int fd, struct file *f, bool cloexec, int limit)
{
	struct file *old;

	if (fd < 0 || fd >= limit)
		return -EBADF;
	if (fd >= fs->size && files_grow(fs, fd) < 0)
		return -ENOMEM;
	old = fs->fds[fd].file;
	file_get(f);
	fs->fds[fd].file = f;
	fs->fds[fd].cloexec = cloexec;
	file_put(old);
	return fd;
}

struct file *fd_get(struct files *fs, int fd)
{
	struct file *f;

	if (fd < 0 || fd >= fs->size || !(f = fs->fds[fd].file))
		return NULL;
	file_get(f);
	return f;
}

int fd_close(struct files *fs, int fd)
{
	struct file *f;

	if (fd < 0 || fd >= fs->size || !(f = fs->fds[fd].file))
		return -EBADF;
	fs->fds[fd].file = NULL;
	fs->fds[fd].cloexec = false;
	file_put(f);
	return 0;
}

int fd_get_cloexec(struct files *fs, int fd)
{
	if (fd < 0 || fd >= fs->size || !fs->fds[fd].file)
		return -EBADF;
	return fs->fds[fd].cloexec;
}

int fd_set_cloexec(struct files *fs, int fd, bool on)
{
	if (fd < 0 || fd >= fs->size || !fs->fds[fd].file)
		return -EBADF;
	fs->fds[fd].cloexec = on;
	return 0;
}

struct fs_ctx *fs_ctx_new_path(const struct path *root, const struct path *cwd, struct mnt_ns *ns)
{
	struct fs_ctx *fs = calloc(1, sizeof(*fs));

	if (!fs)
		return NULL;
	fs->refs = 1;
	fs->root = *root;
	path_get(&fs->root);
	fs->cwd = *cwd;
	path_get(&fs->cwd);
	fs->ns = ns;
	if (ns)
		mnt_ns_get(ns);
	fs->umask = 022;
	return fs;
}

struct fs_ctx *fs_ctx_dup(struct fs_ctx *src)
{
	struct fs_ctx *fs = fs_ctx_new_path(&src->root, &src->cwd, src->ns);

	if (!fs)
		return NULL;
	fs->umask = src->umask;
	return fs;
}

/* clone(CLONE_NEWNS): a private copy of the fs context in a copy of the
 * mount namespace. */
static struct fs_ctx *fs_ctx_dup_newns(struct fs_ctx *src)
{
	struct fs_ctx *fs = fs_ctx_dup(src);
	struct mnt_ns *ns;

	if (!fs)
		return NULL;
	ns = mnt_ns_copy(src->ns, fs);
	if (!ns) {
		fs_ctx_put(fs);
		return NULL;
	}
	mnt_ns_put(fs->ns);
	fs->ns = ns;
	return fs;
}

void fs_ctx_get(struct fs_ctx *fs)
{
	fs->refs++;
}

void fs_ctx_put(struct fs_ctx *fs)
{
	if (!fs || --fs->refs)
		return;
	path_put(&fs->cwd);
	path_put(&fs->root);
	if (fs->ns)
		mnt_ns_put(fs->ns);
	free(fs);
}

void fs_init_hooks(void)
{
	task_hooks.files_dup = files_dup;
	task_hooks.files_get = files_get;
	task_hooks.files_put = files_put;
	task_hooks.files_close_on_exec = files_close_on_exec;
	task_hooks.fs_dup = fs_ctx_dup;
	task_hooks.fs_get = fs_ctx_get;
	task_hooks.fs_put = fs_ctx_put;
	task_hooks.fs_dup_newns = fs_ctx_dup_newns;
}
