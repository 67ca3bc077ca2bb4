/* The VFS: inodes, dentries, superblocks, mounts and mount namespaces,
 * path resolution and the generic operations the syscall layer calls.
 *
 * Model (Linux's, simplified):
 *  - A filesystem owns its inodes and its directory contents. The VFS asks
 *    it for a child by name (inode_ops.lookup) and caches the answer in a
 *    dentry tree; the dentry tree is a cache plus the anchor of mounts,
 *    cwd/root and open files, never the authority on what a directory holds.
 *  - A dentry holds a reference on its parent and on its inode. A directory
 *    entry in a filesystem holds whatever reference the filesystem wants on
 *    its inodes (tmpfs: one per link). Unlinked-but-open inodes live on
 *    through the dentry an open file holds.
 *  - struct path = (mount, dentry): the unit cwd, root, open files and
 *    mount points are made of. `..` and mount crossing are resolved on paths.
 *  - Filesystems fill struct inode's attribute fields (mode, uid, size...)
 *    and keep them current; getattr refreshes from a remote (gofer).
 *  - Everything here runs under the big kernel lock (sentry/task.h). A
 *    filesystem that waits on the host (gofer RPC) releases it around the
 *    wait with the task helpers, and must revalidate after.
 *
 * Ownership: fs/vfs.c implements what is declared here; each filesystem
 * (fs/tmpfs.c, fs/gofer.c, fs/overlay.c, fs/proc.c, fs/sysfs.c, fs/dev.c,
 * fs/devpts.c) exports a struct fs_type and registers it with
 * vfs_register_fs() from its init function called by vfs_init(). */
#ifndef FS_VFS_H
#define FS_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>
#include <time.h>

#include "fs/file.h"

struct inode;
struct dentry;
struct mount;
struct super_block;
struct fs_type;
struct mnt_ns;
struct memobj;
struct cred;
struct task;

/* ---------------------------------------------------------------- paths */

/* struct path = (mount, dentry) is defined in fs/file.h. */
void path_get(const struct path *p);
void path_put(struct path *p);   /* drops both refs, clears *p */
bool path_equal(const struct path *a, const struct path *b);

/* Who creates a file: the caller's fsuid/fsgid (or the directory's gid
 * under setgid directories, which the VFS works out before calling). */
struct vfs_owner {
	uint32_t uid, gid;
};

/* ------------------------------------------------------------ attributes */

#define ATTR_MODE  (1u << 0)
#define ATTR_UID   (1u << 1)
#define ATTR_GID   (1u << 2)
#define ATTR_SIZE  (1u << 3)
#define ATTR_ATIME (1u << 4)
#define ATTR_MTIME (1u << 5)
#define ATTR_CTIME (1u << 6)

struct iattr {
	unsigned int valid;     /* ATTR_* */
	uint32_t mode;          /* permission bits only (S_IFMT never changes) */
	uint32_t uid, gid;
	uint64_t size;
	struct timespec atime, mtime, ctime;
};

/* ---------------------------------------------------------------- inodes */

/* Directory iteration: the filesystem calls emit() for each entry from
 * ctx->pos on, advancing ctx->pos to the cookie of the next entry after
 * each emitted one; emit() returns false when the buffer is full (stop
 * without advancing). "." and ".." are emitted by the filesystem too. */
struct dir_ctx {
	bool (*emit)(struct dir_ctx *ctx, const char *name, size_t namelen, uint64_t ino,
		     unsigned int dtype);
	int64_t pos;
};

struct inode_ops {
	/* Child name of dir (never "." or ".."): 0 and *out (a new reference),
	 * -ENOENT, or another -errno. */
	int (*lookup)(struct inode *dir, const char *name, struct inode **out);
	/* Regular file, FIFO, socket or device node (mode has S_IFMT). */
	int (*create)(struct inode *dir, const char *name, uint32_t mode, dev_t rdev,
		      const struct vfs_owner *o, struct inode **out);
	int (*mkdir)(struct inode *dir, const char *name, uint32_t mode,
		     const struct vfs_owner *o, struct inode **out);
	int (*symlink)(struct inode *dir, const char *name, const char *target,
		       const struct vfs_owner *o, struct inode **out);
	/* Unnamed regular file in dir (O_TMPFILE); linkat() may name it later. */
	int (*tmpfile)(struct inode *dir, uint32_t mode, const struct vfs_owner *o,
		       struct inode **out);
	int (*link)(struct inode *dir, const char *name, struct inode *target);
	/* victim is the inode currently at name (already looked up). */
	int (*unlink)(struct inode *dir, const char *name, struct inode *victim);
	int (*rmdir)(struct inode *dir, const char *name, struct inode *victim);
	/* flags: 0, RENAME_NOREPLACE, RENAME_EXCHANGE, RENAME_WHITEOUT. The
	 * VFS has checked types, emptiness of a replaced directory, loops and
	 * permissions; the filesystem does the move atomically. */
	int (*rename)(struct inode *odir, const char *oname, struct inode *ndir,
		      const char *nname, unsigned int flags);
	/* Symlink text into buf (not NUL-terminated); returns its length. */
	long (*readlink)(struct inode *inode, char *buf, size_t n);
	/* Magic links (/proc/pid/fd/N, exe, cwd, root): resolve to a VFS path
	 * (a new reference) instead of text. NULL for ordinary symlinks. */
	int (*get_link)(struct task *t, struct inode *inode, struct path *out);
	/* Refresh the attribute fields from the backing store (optional). */
	int (*getattr)(struct inode *inode);
	/* Apply a change; ATTR_SIZE truncates or extends. The VFS has done the
	 * permission checks. */
	int (*setattr)(struct inode *inode, const struct iattr *a);
	/* Called at open() before f is installed: set f->ops (defaults to
	 * inode->fops) and f->priv. O_TRUNC has already been applied. */
	int (*open)(struct inode *inode, struct file *f);
	long (*getxattr)(struct inode *inode, const char *name, void *buf, size_t size);
	int (*setxattr)(struct inode *inode, const char *name, const void *val, size_t size,
			int flags);
	long (*listxattr)(struct inode *inode, char *buf, size_t size);
	int (*removexattr)(struct inode *inode, const char *name);
	int (*fallocate)(struct inode *inode, int mode, uint64_t off, uint64_t len);
};

struct inode {
	int refs;
	const struct inode_ops *iops;
	const struct file_ops *fops;   /* default ops of an open file */
	struct super_block *sb;
	uint64_t ino;
	uint32_t mode;                 /* S_IFMT | permission bits */
	uint32_t uid, gid;
	uint32_t nlink;
	uint64_t size;
	uint64_t blocks;               /* 512-byte units */
	dev_t rdev;
	struct timespec atime, mtime, ctime;
	/* Page cache of a regular file (memory-file pages, shared by every
	 * mapping and by read/write); NULL until needed. */
	struct memobj *cache;
	/* fs/lock.c: flock and POSIX/OFD record locks, created on demand. */
	struct file_locks *locks;
	/* net/unix.c: the socket bound at this inode (S_IFSOCK). */
	void *bound_socket;
	/* fs/pipe.c: the pipe of a FIFO while it has openers. */
	void *fifo;
	/* inotify watches (fs/inotify.c). */
	void *watches;
	void *priv;                    /* the filesystem's */
};

/* A fresh inode of sb with one reference, ino from sb's counter when 0. */
struct inode *inode_new(struct super_block *sb, const struct inode_ops *iops,
			const struct file_ops *fops, uint32_t mode, uint64_t ino);
void inode_get(struct inode *inode);
void inode_put(struct inode *inode);   /* last put: sb->ops->evict_inode */
void inode_touch(struct inode *inode, unsigned int which);   /* ATTR_[AMC]TIME = now */

/* --------------------------------------------------------------- dentries */

#define D_DELETED   (1u << 0)   /* unlinked: getcwd and /proc show " (deleted)" */
#define D_NOCACHE   (1u << 1)   /* do not keep once unreferenced */
#define D_TMPFILE   (1u << 2)   /* O_TMPFILE without O_EXCL: linkat may name it */

struct dentry {
	int refs;
	char *name;                 /* "/" for a root */
	struct dentry *parent;      /* itself for a filesystem root */
	struct inode *inode;        /* never NULL: negative entries are not cached */
	struct super_block *sb;
	/* fs/vfs.c's hash of cached names, keyed by (parent, name). */
	struct dentry *hash_next, **hash_pprev;
	int mounted;                /* mounts whose mountpoint is this dentry */
	unsigned int flags;
	/* fs/vfs.c's LRU of unreferenced cached dentries. */
	struct dentry *lru_prev, *lru_next;
};

void dentry_get(struct dentry *d);
void dentry_put(struct dentry *d);
/* Forget a cached child (the filesystem changed it behind the VFS): the
 * next lookup asks the filesystem again. */
void dentry_invalidate(struct dentry *d);
/* A root dentry for a new superblock (takes the inode reference). */
struct dentry *dentry_new_root(struct super_block *sb, struct inode *inode);
/* The end of a filesystem's mount: root (a new reference, or NULL when
 * making it failed) becomes sb's root dentry and sb goes to *out. On
 * failure both are put and -ENOMEM returned. */
int sb_set_root(struct super_block *sb, struct inode *root, struct super_block **out);

/* ----------------------------------------------------------- superblocks */

struct super_ops {
	int (*statfs)(struct super_block *sb, struct statfs *st);
	/* Is a cached dentry still what the filesystem has (proc pid dirs,
	 * gofer files changed behind us)? 1 keep, 0 drop and look up again. */
	int (*revalidate)(struct dentry *d);
	/* The last reference to an inode is gone: free inode->priv. */
	void (*evict_inode)(struct inode *inode);
	/* Mount options for /proc/mounts ("rw,size=..."), into buf. */
	int (*show_options)(struct super_block *sb, char *buf, size_t n);
	void (*release)(struct super_block *sb);
};

#define SB_RDONLY  (1u << 0)

struct super_block {
	int refs;
	const struct fs_type *type;
	const struct super_ops *ops;
	dev_t dev;                  /* st_dev of its inodes */
	struct dentry *root;
	unsigned int flags;         /* SB_* */
	uint64_t next_ino;
	void *priv;
};

/* A new superblock with a fresh anonymous device number. */
struct super_block *sb_new(const struct fs_type *type, const struct super_ops *ops);
void sb_get(struct super_block *sb);
void sb_put(struct super_block *sb);

#define FS_USERMOUNT  (1u << 0)   /* the guest may mount(2) it */
#define FS_NODEV      (1u << 1)   /* "nodev" in /proc/filesystems */
#define FS_READONLY   (1u << 2)   /* never writable: a remount read-write is EACCES */

struct fs_type {
	const char *name;
	unsigned int flags;
	/* Build a superblock for a mount(2) or for boot. data is the option
	 * string (e.g. "size=64m,mode=1777"); unknown options are -EINVAL. */
	int (*mount)(const struct fs_type *type, const char *source, unsigned long flags,
		     const char *data, struct super_block **out);
};

void vfs_register_fs(const struct fs_type *type);
const struct fs_type *vfs_find_fs(const char *name);

/* ----------------------------------------------------------------- mounts */

struct mount {
	int refs;
	int id;                     /* mountinfo mount ID */
	struct super_block *sb;
	struct dentry *root;        /* root of this mount (a subtree for binds) */
	struct mount *parent;       /* itself for the namespace root */
	struct dentry *mountpoint;  /* in parent */
	unsigned long flags;        /* MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_NOATIME... */
	char *source;               /* "tmpfs", "proc", a host path... */
	struct mnt_ns *ns;
	struct mount *next;         /* in ns's list, in mount order */
};

struct mnt_ns {
	int refs;
	struct mount *root;
	struct mount *mounts;       /* every mount, in mount order */
};

/* Mount sb (its subtree root) at where (NULL: as the root of ns). */
int vfs_mount(struct mnt_ns *ns, const struct path *where, struct super_block *sb,
	      struct dentry *root, unsigned long flags, const char *source,
	      struct mount **out);
/* mount(2), umount2(2), pivot_root(2) on guest paths. */
int vfs_do_mount(struct task *t, const char *source, const char *target, const char *fstype,
		 unsigned long flags, const char *data);
int vfs_do_umount(struct task *t, const char *target, int flags);
int vfs_pivot_root(struct task *t, const char *new_root, const char *put_old);
struct mnt_ns *mnt_ns_new(void);
void mnt_ns_get(struct mnt_ns *ns);
void mnt_ns_put(struct mnt_ns *ns);
/* The mount namespace every task starts in (built at boot). */
extern struct mnt_ns *init_mnt_ns;
void mount_get(struct mount *m);
void mount_put(struct mount *m);
/* A copy of ns (CLONE_NEWNS, unshare): every mount duplicated; fs's root
 * and cwd are moved onto the copies. */
struct mnt_ns *mnt_ns_copy(struct mnt_ns *ns, struct fs_ctx *fs);
/* The mount namespace of a task. */
struct mnt_ns *task_mnt_ns(struct task *t);
/* Is the file or path on a read-only mount or superblock? */
bool vfs_path_rdonly(const struct path *p);

/* -------------------------------------------------------- cwd, root, umask */

/* struct fs_ctx (fs/file.h) carries struct path cwd and root once the VFS
 * is in; these are its accessors. */
int vfs_chdir(struct task *t, const struct path *p);
int vfs_chroot(struct task *t, const struct path *p);
/* A new fs_ctx rooted at root with cwd (both referenced anew). */
struct fs_ctx *fs_ctx_new_path(const struct path *root, const struct path *cwd,
			       struct mnt_ns *ns);

/* ---------------------------------------------------------- path walking */

#define LOOKUP_FOLLOW        (1u << 0)   /* follow a trailing symlink */
#define LOOKUP_DIRECTORY     (1u << 1)   /* the result must be a directory */
#define LOOKUP_EMPTY         (1u << 2)   /* "" names dirfd (AT_EMPTY_PATH) */
#define LOOKUP_NO_XDEV       (1u << 3)   /* RESOLVE_NO_XDEV */
#define LOOKUP_NO_MAGICLINKS (1u << 4)   /* RESOLVE_NO_MAGICLINKS */
#define LOOKUP_NO_SYMLINKS   (1u << 5)   /* RESOLVE_NO_SYMLINKS */
#define LOOKUP_BENEATH       (1u << 6)   /* RESOLVE_BENEATH */
#define LOOKUP_IN_ROOT       (1u << 7)   /* RESOLVE_IN_ROOT */

#define VFS_MAXSYMLINKS 40

/* Resolve path (a sentry string) relative to dirfd (AT_FDCWD: cwd). */
int vfs_lookup_at(struct task *t, int dirfd, const char *path, unsigned int lflags,
		  struct path *out);
/* Resolve all but the last component: *parent (a directory) and the last
 * name copied into last[NAME_MAX + 1]. A path ending in "/" sets
 * *trailing_slash; "." and ".." as last name give -EINVAL/-EBUSY per op,
 * which the callers decide (*last is set to them). */
int vfs_lookup_parent_at(struct task *t, int dirfd, const char *path, unsigned int lflags,
			 struct path *parent, char *last, bool *trailing_slash);
/* Guest-visible absolute path of p as seen from the task's root, into buf
 * (NUL-terminated); returns the length or -ENAMETOOLONG. Appends
 * " (deleted)" when asked and the dentry is unlinked. */
long vfs_d_path(struct task *t, const struct path *p, char *buf, size_t n, bool deleted_mark);

/* MAY_* for vfs_permission. */
#define MAY_EXEC   1
#define MAY_WRITE  2
#define MAY_READ   4
int vfs_permission(const struct cred *c, struct inode *inode, int mask);

/* ------------------------------------------------- dentry cache helpers */

/* The cached child called name (revalidated), with a new reference. */
struct dentry *vfs_d_lookup_cached(struct dentry *parent, const char *name);
/* Cached child or the filesystem's lookup; a new reference or -errno. */
int vfs_lookup_child(struct dentry *parent, const char *name, struct dentry **out);
/* A new cached child for inode (takes the inode reference). */
struct dentry *vfs_d_add(struct dentry *parent, const char *name, struct inode *inode);
int vfs_d_move(struct dentry *d, struct dentry *newparent, const char *newname);
/* The entry was removed from its directory: D_DELETED, no longer found. */
void vfs_d_delete(struct dentry *d);
/* The topmost mount on (mnt, d) in mnt's namespace, or NULL. */
struct mount *vfs_mount_at(struct mount *mnt, struct dentry *d);
void vfs_mnt_detach(struct mount *m);
const struct chrdev *vfs_find_chrdev(dev_t rdev);
/* Is p below the task's root (getcwd's "(unreachable)")? */
bool vfs_path_reachable(struct task *t, const struct path *p);
/* /proc/filesystems text into buf; returns the length. */
int vfs_list_fs(char *buf, size_t n);
bool vfs_in_group(const struct cred *c, uint32_t gid);

/* Capabilities the VFS checks (bits of cred->cap_effective). */
#define CAP_CHOWN            0
#define CAP_DAC_OVERRIDE     1
#define CAP_DAC_READ_SEARCH  2
#define CAP_FOWNER           3
#define CAP_FSETID           4
#define CAP_SYS_CHROOT       18
#define CAP_SYS_ADMIN        21
#define CAP_MKNOD            27

/* ------------------------------------------- operations for the syscalls */

/* open(2)/openat2(2): flags are the guest's O_*, resolve RESOLVE_*. */
struct file *vfs_open_at(struct task *t, int dirfd, const char *path, int flags,
			 uint32_t mode, uint64_t resolve, int *err);
/* Open an already-resolved path (exec, /proc magic links, boot). */
struct file *vfs_open_path(struct task *t, const struct path *p, int flags, int *err);
int vfs_mknod_at(struct task *t, int dirfd, const char *path, uint32_t mode, dev_t dev);
int vfs_mkdir_at(struct task *t, int dirfd, const char *path, uint32_t mode);
int vfs_unlink_at(struct task *t, int dirfd, const char *path, int flags /* AT_REMOVEDIR */);
int vfs_rename_at(struct task *t, int odirfd, const char *opath, int ndirfd, const char *npath,
		  unsigned int flags);
int vfs_link_at(struct task *t, int odirfd, const char *opath, int ndirfd, const char *npath,
		int flags);
int vfs_symlink_at(struct task *t, const char *target, int dirfd, const char *path);
long vfs_readlink_at(struct task *t, int dirfd, const char *path, char *buf, size_t n);
/* stat family: fills a Linux struct stat; flags are AT_* */
int vfs_stat_at(struct task *t, int dirfd, const char *path, int flags, struct stat *st);
void vfs_fill_stat(struct inode *inode, struct stat *st);
int vfs_setattr_path(struct task *t, const struct path *p, const struct iattr *a);
int vfs_access_at(struct task *t, int dirfd, const char *path, int mode, int flags);
/* chmod/chown/utimensat/truncate with their permission rules. */
int vfs_chmod(struct task *t, const struct path *p, uint32_t mode);
int vfs_chown(struct task *t, const struct path *p, uint32_t uid, uint32_t gid);
int vfs_utimes(struct task *t, const struct path *p, const struct timespec *times);
int vfs_truncate(struct task *t, const struct path *p, uint64_t len, bool check_perm);
/* After a successful write(2) family call on f: clear setid bits, notify. */
void vfs_file_written(struct task *t, struct file *f);
/* Open without the permission check (exec, internal users). */
struct file *vfs_open_path_internal(struct task *t, const struct path *p, int flags, int *err);

/* The last reference to a VFS file is going (fsnotify close events). */
void vfs_file_closed(struct file *f);
/* The inode and path behind a VFS file (NULL for pipes, sockets, ...). */
struct inode *file_inode(struct file *f);
const struct path *file_path(struct file *f);

/* Generic file ops for a filesystem whose regular files live in
 * inode->cache (tmpfs, overlay upper): read/write/llseek/mmap/fsync. */
extern const struct file_ops vfs_pagecache_file_ops;
/* Generic directory ops: getdents64 over fops->iterate, llseek to 0.
 * A filesystem with its own iterate fills its directory file_ops with
 * .getdents = vfs_dir_getdents, .llseek = vfs_dir_llseek, .iterate = its. */
extern const struct file_ops vfs_dir_file_ops;
long vfs_dir_getdents(struct task *t, struct file *f, void *buf, size_t n);
int64_t vfs_dir_llseek(struct file *f, int64_t off, int whence);
/* Old getdents(2) records (struct linux_dirent). */
long vfs_dir_getdents_old(struct task *t, struct file *f, void *buf, size_t n);

/* Unix socket path names (net/unix.c): bind creates an S_IFSOCK node at
 * path (-EADDRINUSE if the name exists) and sets inode->bound_socket;
 * *out is the inode with a reference the socket keeps and drops at close
 * after clearing bound_socket. Lookup follows symlinks, needs write
 * permission and returns the bound socket or NULL with *err set
 * (-ECONNREFUSED when nothing is bound there). */
int vfs_bind_socket(struct task *t, const char *path, void *sock, struct inode **out);
void *vfs_lookup_socket(struct task *t, const char *path, int *err);

/* exec(2) through the VFS (sentry/loader.h's exec_file_ops). */
struct exec_file_ops;
extern const struct exec_file_ops vfs_exec_ops;

/* Character devices (fs/dev.c, fs/devpts.c register them): opening an
 * S_IFCHR inode anywhere (devtmpfs, tmpfs mknod, gofer) goes to the driver
 * registered for its major and minor range; none registered: -ENXIO. */
struct chrdev {
	unsigned int major, minor_first, minor_last;
	int (*open)(struct task *t, struct inode *inode, struct file *f);
};
void vfs_register_chrdev(const struct chrdev *d);

/* fs/inotify.c: report an event (IN_* mask) on inode; name is set for
 * events about an entry of directory inode. The VFS calls it from every
 * operation Linux reports (create, delete, modify, attrib, moved_from/to
 * with one cookie, open, close_write/nowrite, access). */
void fsnotify(struct inode *inode, uint32_t mask, const char *name, uint32_t cookie);

/* Filesystems register themselves from a constructor in their own file:
 *   static void __attribute__((constructor)) tmpfs_register(void)
 *   { vfs_register_fs(&tmpfs_type); }
 * so vfs_register_fs works before main (a static table). */
/* Register the filesystems, build nothing yet. */
void vfs_init(void);

#endif
