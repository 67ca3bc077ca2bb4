/* The memory file: one memfd holding all guest RAM, mapped whole in the
 * sentry. Pages are numbered (pfn) from the start of the file, carry a
 * reference count (shared page-cache pages, copy-on-write after fork) and
 * are given back to the host with hole punching when the last one goes.
 * All functions run under the big kernel lock. */
#ifndef SENTRY_MEMFILE_H
#define SENTRY_MEMFILE_H

#include <stdint.h>

/* sys/user.h defines these too (differently typed). */
#undef PAGE_SIZE
#undef PAGE_SHIFT
#undef PAGE_MASK
#define PAGE_SIZE 4096UL
#define PAGE_SHIFT 12
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x) (((x) + PAGE_SIZE - 1) & PAGE_MASK)

extern int memfile_fd;
extern uint8_t *memfile_base;

int memfile_init(uint64_t bytes);
/* Allocate a run of 1..want zeroed pages, contiguous in the file; the run
 * length is stored in *got. Returns the first pfn or -ENOMEM. */
int64_t memfile_alloc_run(uint32_t want, uint32_t *got);
static inline int64_t memfile_alloc(void)
{
	uint32_t got;

	return memfile_alloc_run(1, &got);
}
/* The same, for pages the caller overwrites whole at once (copies): a
 * recycled page keeps its old bytes, which the copy replaces, rather
 * than being zeroed first. */
int64_t memfile_alloc_run_raw(uint32_t want, uint32_t *got);
static inline int64_t memfile_alloc_raw(void)
{
	uint32_t got;

	return memfile_alloc_run_raw(1, &got);
}
void page_get(uint64_t pfn);
void page_put(uint64_t pfn);
uint32_t page_refs(uint64_t pfn);
/* Return freed pages to the host now (called after big unmaps). */
void memfile_flush(void);
uint64_t memfile_pages_in_use(void);

static inline void *pfn_ptr(uint64_t pfn)
{
	return memfile_base + (pfn << PAGE_SHIFT);
}

#endif
