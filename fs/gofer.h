/* The gofer client filesystem: host files served by the confined gofer
 * process (runsc/gofer.c) over its socket. Not guest-mountable: runsc
 * builds these superblocks at boot for the root and each bind mount. */
#ifndef FS_GOFER_H
#define FS_GOFER_H

#include "fs/vfs.h"

extern const struct fs_type gofer_fs_type;

/* A superblock for mount index mount_index (0: the root filesystem, then
 * each bind mount in the order given to gofer_spawn) served over sock,
 * the sentry's end of the gofer socketpair (shared by every superblock
 * of that gofer; never closed here). sb_flags: SB_RDONLY or 0. Returns 0
 * with *out (one reference) or -errno. Call without the big kernel lock
 * or with it held by the calling task: RPCs drop it while they wait. */
int gofer_client_sb(int sock, unsigned int mount_index, unsigned int sb_flags,
		    struct super_block **out);

/* Host unix sockets on gofer mounts, for net/unix.c. connect: inode is
 * an S_IFSOCK inode of a gofer mount that no sandbox socket is bound to;
 * *fd becomes a host socket of socktype connected to it (-ENOTSOCK when
 * inode is not a gofer inode, the host's errno otherwise). bind: a new
 * host socket of socktype bound at name in directory dir (a gofer
 * inode), owned by o with mode's permission bits; *fd is the bound host
 * socket (listen(2) on it is the caller's), *out the new inode. */
int gofer_connect_host(struct inode *inode, int socktype, int *fd);
int gofer_bind_host(struct inode *dir, const char *name, int socktype, uint32_t mode,
		    const struct vfs_owner *o, struct inode **out, int *fd);

#endif
