/* The page cache of an in-memory file: inode->cache is a memobj whose
 * pages live in the memory file and are shared by read/write and every
 * mapping. fs/pagecache.c implements vfs_pagecache_file_ops over these
 * helpers; a filesystem whose file data is in memory (tmpfs, memfd) uses
 * them directly when it needs its own checks around them (seals). */
#ifndef FS_PAGECACHE_H
#define FS_PAGECACHE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "fs/file.h"

struct inode;
struct memobj;

/* A budget of pages shared by the files of one filesystem (tmpfs size=).
 * Every cache page is charged when it is created (write, fallocate or a
 * mapping's fault) and uncharged when dropped; over max_pages the write
 * fails with ENOSPC. Reference-counted: caches outlive unlinked inodes
 * while mapped. max_pages 0 means no limit. */
struct pagecache_acct {
	int refs;
	uint64_t used_pages;
	uint64_t max_pages;
};

struct pagecache_acct *pagecache_acct_new(uint64_t max_pages);
void pagecache_acct_put(struct pagecache_acct *a);

/* Give inode an (empty) cache charged to acct (may be NULL). Returns 0
 * or -ENOMEM. Called again it does nothing. */
int pagecache_init(struct inode *inode, struct pagecache_acct *acct);
/* The inode is going away: drop its reference on the cache. */
void pagecache_evict(struct inode *inode);

ssize_t pagecache_read(struct inode *inode, void *buf, size_t n, int64_t *pos);
/* fflags: the file's O_APPEND decides where the write goes. */
ssize_t pagecache_write(struct task *t, struct inode *inode, int fflags, const void *buf,
			size_t n, int64_t *pos);
int64_t pagecache_llseek(struct inode *inode, struct file *f, int64_t off, int whence);
/* Set the size: pages beyond it are dropped, the tail of the last page
 * zeroed; growing leaves a hole. */
int pagecache_truncate(struct inode *inode, uint64_t len);
int pagecache_fallocate(struct inode *inode, int mode, uint64_t off, uint64_t len);
int pagecache_mmap(struct inode *inode, struct memobj **obj);
/* A read of f happened: update the access time as relatime says. */
void pagecache_accessed(struct file *f, struct inode *inode);
/* Fill a struct stat from the inode's fields. */
void pagecache_fill_stat(struct inode *inode, struct stat *st);

#endif
