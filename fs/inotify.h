/* inotify(7): instances (an anonymous-inode file holding an event queue)
 * and their watches on inodes. The VFS reports events with fsnotify()
 * (fs/vfs.h); syscalls/sys_inotify.c creates instances and watches. */
#ifndef FS_INOTIFY_H
#define FS_INOTIFY_H

#include <stdint.h>

#include "fs/file.h"

struct inode;
struct dentry;

/* A new instance; oflags may hold O_NONBLOCK. */
struct file *inotify_new(int oflags);
bool file_is_inotify(struct file *f);
/* inotify_add_watch on an inode already looked up and permission-checked:
 * the watch descriptor or -errno (-EEXIST for IN_MASK_CREATE). */
int inotify_watch_add(struct file *f, struct inode *inode, uint32_t mask);
/* inotify_rm_watch: 0 or -EINVAL. */
int inotify_watch_rm(struct file *f, int wd);
/* An event about the file at d (open, access, modify, attrib, close):
 * reported, with d's name, to its directory's watchers and then to d's
 * inode, as Linux's fsnotify_parent. After an unlink (D_DELETED) the old
 * directory still hears, except watches with IN_EXCL_UNLINK. */
void fsnotify_dentry(struct dentry *d, uint32_t mask);
/* The last mount of sb is gone: every watch on its inodes hears
 * IN_UNMOUNT and then IN_IGNORED, and lets its inode go. */
struct super_block;
void fsnotify_sb_release(struct super_block *sb);
/* The "inotify wd:..." lines of /proc/pid/fdinfo/N. */
struct pbuf;
void inotify_show_fdinfo(struct file *f, struct pbuf *b);

#endif
