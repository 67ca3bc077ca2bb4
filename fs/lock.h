/* File locks: flock(2) locks (per open file description), POSIX record
 * locks (per process, F_SETLK/F_SETLKW/F_GETLK) and OFD record locks (per
 * open file description, F_OFD_*), kept per inode in inode->locks. */
#ifndef FS_LOCK_H
#define FS_LOCK_H

#include <stdint.h>

#include "fs/file.h"

struct inode;

/* fcntl(2) lock commands (F_GETLK, F_SETLK, F_SETLKW, F_OFD_GETLK,
 * F_OFD_SETLK, F_OFD_SETLKW); arg is the guest address of a struct flock.
 * Returns 0 or -errno (-EBADF for a file without an inode). */
long lock_fcntl(struct task *t, struct file *f, int cmd, uint64_t arg);
/* flock(2) on f: LOCK_SH / LOCK_EX / LOCK_UN, | LOCK_NB. */
long lock_flock(struct task *t, struct file *f, int op);
/* A process closed an fd of f: drop every POSIX lock the process holds on
 * f's inode (whichever fd took it). Called on every fd close. */
void lock_close_posix(struct task *t, struct file *f);
/* The same for the fd table owner (exit and exec close fds this way). */
void lock_close_files(struct files *owner, struct file *f);
/* The last reference to f is gone: drop its flock and OFD locks. */
void lock_release_file(struct file *f);
/* The inode is being freed: free its lock state (evict). */
void lock_inode_free(struct inode *inode);

#endif
