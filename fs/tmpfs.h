/* tmpfs: the in-memory filesystem (mount -t tmpfs, /tmp, /dev/shm, the
 * overlay's upper layer and the internal home of memfds). Regular files
 * live in the page cache (fs/pagecache.h). */
#ifndef FS_TMPFS_H
#define FS_TMPFS_H

#include <stdint.h>

struct super_block;
struct inode;
struct vfs_owner;

#define TMPFS_MAGIC_K 0x01021994

/* A new tmpfs superblock (one reference) from a mount option string
 * ("size=64m,mode=1777", NULL for defaults). Unknown options: -EINVAL. */
int tmpfs_sb_new(const char *opts, struct super_block **out);
/* An internal superblock without size or inode limits (Linux's shm_mnt),
 * for memfds. */
int tmpfs_sb_new_kern(struct super_block **out);
/* An unnamed regular file (nlink 0) of sb, as O_TMPFILE makes: one
 * reference. For memfds. */
int tmpfs_new_unlinked(struct super_block *sb, uint32_t mode, const struct vfs_owner *o,
		       struct inode **out);
/* The F_SEAL_* bits of a tmpfs inode (memfds seal it): truncation and
 * fallocate refuse what they forbid. */
unsigned int *tmpfs_seals(struct inode *inode);
/* Is inode a tmpfs inode? */
int tmpfs_is_tmpfs(const struct inode *inode);

#endif
