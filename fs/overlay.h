/* The overlay filesystem: a writable in-memory (or any) upper layer over
 * one or more read-only lower layers, as Linux's overlayfs
 * (Documentation/filesystems/overlayfs.rst). The sandbox's root is an
 * overlay of the gofer's rootfs under a tmpfs; guests may also mount(2)
 * "overlay" with lowerdir=,upperdir=,workdir=. */
#ifndef FS_OVERLAY_H
#define FS_OVERLAY_H

struct super_block;
struct dentry;

/* statfs(2) f_type of an overlay (Linux's OVERLAYFS_SUPER_MAGIC). */
#define OVERLAY_SUPER_MAGIC 0x794c7630

/* A new overlay superblock (one reference) whose lower layer is the
 * subtree of lower at lower_root and whose upper layer is upper's root;
 * upper may be NULL for a read-only overlay. Takes its own references on
 * the layers. For boot: no workdir is used. */
int overlay_sb_new(struct super_block *lower, struct dentry *lower_root,
		   struct super_block *upper, struct super_block **out);

#endif
