/* Open file descriptions and fd tables. */
#define _GNU_SOURCE
#include "fs/file.h"
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
	if (f->ops->release)
		f->ops->release(f);
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
	for (int i = 0; i < fs->size; i++)
		file_put(fs->fds[i].file);
	free(fs->fds);
	free(fs);
}

void files_close_on_exec(struct files *fs)
{
	for (int i = 0; i < fs->size; i++) {
		if (fs->fds[i].file && fs->fds[i].cloexec) {
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

struct fs_ctx *fs_ctx_new(const char *cwd)
{
	struct fs_ctx *fs = calloc(1, sizeof(*fs));

	if (!fs)
		return NULL;
	fs->refs = 1;
	fs->cwd = strdup(cwd ? cwd : "/");
	fs->root = strdup("/");
	fs->umask = 022;
	return fs;
}

struct fs_ctx *fs_ctx_dup(struct fs_ctx *src)
{
	struct fs_ctx *fs = fs_ctx_new(src->cwd);

	if (!fs)
		return NULL;
	free(fs->root);
	fs->root = strdup(src->root);
	fs->umask = src->umask;
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
	free(fs->cwd);
	free(fs->root);
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
}
