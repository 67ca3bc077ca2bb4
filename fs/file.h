/* Open file descriptions, their operation tables and per-process fd
 * tables. Every file type (host fd, pipe, host rootfs file, and later the
 * VFS filesystems and sockets) fills struct file_ops. */
#ifndef FS_FILE_H
#define FS_FILE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "sentry/task.h"

struct file;
struct memobj;
struct dir_ctx;
struct mount;
struct dentry;

struct file_ops {
	/* Data transfer on sentry buffers; pos is the file position to use
	 * and advance (NULL for stream files). Return bytes or -errno. */
	ssize_t (*read)(struct task *t, struct file *f, void *buf, size_t n, int64_t *pos);
	ssize_t (*write)(struct task *t, struct file *f, const void *buf, size_t n, int64_t *pos);
	int64_t (*llseek)(struct file *f, int64_t off, int whence);
	int (*fstat)(struct file *f, struct stat *st);
	long (*ioctl)(struct task *t, struct file *f, unsigned int cmd, uint64_t arg);
	/* Current readiness (POLLIN...). If wq is non-NULL, store the wait
	 * queue that is woken when readiness changes. */
	unsigned int (*poll)(struct file *f, struct waitq **wq);
	/* Fill buf with linux_dirent64 records; returns bytes or -errno. */
	long (*getdents)(struct task *t, struct file *f, void *buf, size_t n);
	/* The memory object to map; -ENODEV if not mappable. */
	int (*mmap)(struct file *f, struct memobj **obj);
	int (*fsync)(struct file *f, bool datasync);
	int (*truncate)(struct file *f, uint64_t len);
	/* Status flag change via F_SETFL (O_NONBLOCK, O_APPEND...). */
	int (*setfl)(struct file *f, int flags);
	/* Directories: emit entries from ctx->pos on (fs/vfs.h). */
	int (*iterate)(struct file *f, struct dir_ctx *ctx);
	void (*release)(struct file *f);
};

struct file {
	int refs;
	const struct file_ops *ops;
	int flags;          /* O_ACCMODE | O_APPEND | O_NONBLOCK | ... */
	int64_t pos;
	void *priv;
	char *path;         /* what /proc/pid/fd/N shows (non-VFS files) */
	/* VFS files: where it was opened (references held); NULL otherwise. */
	struct mount *mnt;
	struct dentry *dentry;
	/* Owner for F_SETOWN / SIGIO. */
	int owner;
	/* epoll watches of this file (fs/epoll.c), dropped at last close. */
	void *epoll_links;
};

struct file *file_new(const struct file_ops *ops, int flags, void *priv, const char *path);
void file_get(struct file *f);
void file_put(struct file *f);
/* fs/epoll.c: forget the watches of a file being released. */
void epoll_file_release(struct file *f);

#define FD_MAX_DEFAULT 1024

struct fdent {
	struct file *file;
	bool cloexec;
};

struct files {
	int refs;
	int size;              /* capacity of fds[] */
	struct fdent *fds;
};

struct files *files_new(void);
struct files *files_dup(struct files *src);
void files_get(struct files *f);
void files_put(struct files *f);
void files_close_on_exec(struct files *f);
/* Install f at the lowest free fd >= minfd (below limit); takes a new
 * reference. Returns the fd or -EMFILE. */
int fd_alloc(struct files *fs, struct file *f, int minfd, bool cloexec, int limit);
/* Install at exactly fd, closing what was there. */
int fd_install_at(struct files *fs, int fd, struct file *f, bool cloexec, int limit);
/* The file at fd with a new reference, or NULL. */
struct file *fd_get(struct files *fs, int fd);
int fd_close(struct files *fs, int fd);
int fd_get_cloexec(struct files *fs, int fd);
int fd_set_cloexec(struct files *fs, int fd, bool on);

/* A place in the VFS: a mount and a dentry in it (fs/vfs.h). */
struct path {
	struct mount *mnt;
	struct dentry *dentry;
};

struct mnt_ns;

/* cwd, root, umask and mount namespace of a task (CLONE_FS shares it; the
 * VFS keeps the path references). */
struct fs_ctx {
	int refs;
	struct path cwd;
	struct path root;
	unsigned int umask;
	struct mnt_ns *ns;
};

struct fs_ctx *fs_ctx_dup(struct fs_ctx *src);
void fs_ctx_get(struct fs_ctx *fs);
void fs_ctx_put(struct fs_ctx *fs);

/* Register the fs layer's hooks with the sentry core. */
void fs_init_hooks(void);

/* Host fds imported as guest files (stdio, console). Takes ownership. */
struct file *hostfd_file_new(int hostfd, int flags, const char *name);

#endif
