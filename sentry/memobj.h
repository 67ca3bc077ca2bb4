/* Memory objects: page caches that VMAs map. A file's pages (per inode),
 * a MAP_SHARED|MAP_ANONYMOUS region or the vDSO image are each one
 * memobj; private mappings of it copy pages on write. */
#ifndef SENTRY_MEMOBJ_H
#define SENTRY_MEMOBJ_H

#include <stdint.h>
#include <sys/types.h>

struct memobj;

struct memobj_ops {
	/* Fill a fresh zeroed page with the contents at page index pgoff.
	 * Returns 0 or -errno. NULL: pages start zeroed (anonymous). */
	int (*fill)(struct memobj *obj, uint64_t pgoff, void *page);
	/* Instead of fill, for files read ahead: fill n fresh zeroed pages,
	 * from index pgoff on, at pages (contiguous). Returns 0 or -errno. */
	int (*fill_run)(struct memobj *obj, uint64_t pgoff, uint32_t n, void *pages);
	/* Write a dirty page back (shared writable file mappings). */
	int (*writeback)(struct memobj *obj, uint64_t pgoff, const void *page);
	/* msync(2) over pages [pgoff, pgoff + n) of a shared mapping: write
	 * what changed back to the backing file now (optional). */
	int (*sync)(struct memobj *obj, uint64_t pgoff, uint64_t n);
	void (*release)(struct memobj *obj);
};

struct memobj {
	int refs;
	const struct memobj_ops *ops;
	void *priv;
	uint64_t size;      /* bytes; pages wholly beyond it raise SIGBUS */
	char *name;         /* shown in /proc/pid/maps */
	dev_t dev;
	ino_t ino;
	struct pt *pages;   /* pgoff -> pfn */
};

struct memobj *memobj_new(const struct memobj_ops *ops, void *priv, uint64_t size,
			  const char *name);
void memobj_get(struct memobj *obj);
void memobj_put(struct memobj *obj);
/* The pfn holding page pgoff, filled on first use; -errno on failure.
 * The reference stays with the object: callers page_get() what they keep. */
int64_t memobj_page(struct memobj *obj, uint64_t pgoff);
/* Make pages [pgoff, pgoff + n) present (within the object), each gap of
 * missing pages read in one call and one run of the memory file as far
 * as the file allows: a program's segments at exec, which read by faults
 * came in fault order, one run per fault (the text of a 480 KiB static
 * binary was 12 runs, 12 host mmaps in every exec). */
int memobj_prefetch(struct memobj *obj, uint64_t pgoff, uint64_t n);
/* The name, device and inode /proc/pid/maps shows for mappings of obj:
 * the file as the guest opened it (a page cache can sit below an overlay
 * or belong to a remote file). */
void memobj_set_identity(struct memobj *obj, const char *name, dev_t dev, ino_t ino);
/* Drop cached pages at and beyond pgoff (truncate). */
void memobj_truncate(struct memobj *obj, uint64_t pgoff);

/* A sparse page-number -> value map (4 levels of 512), used for page
 * tables and object caches. Values are nonzero uint64_t. */
struct pt;
struct pt *pt_new(void);
void pt_free(struct pt *pt);
uint64_t *pt_slot(struct pt *pt, uint64_t idx, int create);
/* Call fn on every nonzero slot with index in [start, end). */
void pt_walk(struct pt *pt, uint64_t start, uint64_t end,
	     void (*fn)(uint64_t idx, uint64_t *slot, void *arg), void *arg);

#endif
