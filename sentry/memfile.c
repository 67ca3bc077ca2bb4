/* Page allocator over the memory file: a bitmap with a roving cursor, so
 * freed ranges are reused and fault-around gets contiguous runs. Freed
 * pages are punched out of the file in batches, except the first
 * RECYCLE_MAX of them, which stay in the file and are zeroed when handed
 * out again; either way fresh pages always read as zero. */
#define _GNU_SOURCE
#include "sentry/memfile.h"
#include "sentry/log.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int memfile_fd = -1;
uint8_t *memfile_base;
static uint64_t npages;
static uint64_t *bitmap;   /* 1 = allocated or awaiting punch */
static uint32_t *refs;
static uint64_t rover;
static uint64_t in_use;
#define PENDING_MAX 4096
static uint64_t pending[PENDING_MAX];
static unsigned npending;
/* Free pages kept in the file (not punched), to be zeroed on reuse: the
 * host's shmem allocation and hole punching were 80% of the cost of a
 * guest's page faults on fresh memory (map, touch, unmap 64 MiB). */
#define RECYCLE_MAX 16384
static uint64_t *dirty;    /* 1 = free but still holds old data */
static uint64_t ndirty;

int memfile_init(uint64_t bytes)
{
	npages = bytes >> PAGE_SHIFT;
	memfile_fd = memfd_create("runsc-memory", MFD_CLOEXEC);
	if (memfile_fd < 0)
		return -errno;
	if (ftruncate(memfile_fd, (off_t)bytes) < 0)
		return -errno;
	memfile_base = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_NORESERVE, memfile_fd, 0);
	if (memfile_base == MAP_FAILED)
		return -errno;
	bitmap = mmap(NULL, npages / 8, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	refs = mmap(NULL, npages * sizeof(uint32_t), PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	dirty = mmap(NULL, npages / 8, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (bitmap == MAP_FAILED || refs == MAP_FAILED || dirty == MAP_FAILED)
		return -ENOMEM;
	/* pfn 0 is never handed out, so 0 can mean "none" elsewhere. */
	bitmap[0] = 1;
	rover = 1;
	return 0;
}

static inline int bit_test(uint64_t i)
{
	return (bitmap[i >> 6] >> (i & 63)) & 1;
}

static inline void bit_set(uint64_t i)
{
	bitmap[i >> 6] |= 1UL << (i & 63);
}

static inline void bit_clear(uint64_t i)
{
	bitmap[i >> 6] &= ~(1UL << (i & 63));
}

static int64_t find_free_from(uint64_t start)
{
	uint64_t w = start >> 6, nw = npages >> 6;
	uint64_t word;

	if (w >= nw)
		return -1;
	word = ~bitmap[w] & (~0UL << (start & 63));
	for (;;) {
		if (word)
			return (int64_t)((w << 6) + (uint64_t)__builtin_ctzl(word));
		if (++w >= nw)
			return -1;
		word = ~bitmap[w];
	}
}

/* Free pages from first, counting up to want. */
static uint32_t hole_len(uint64_t first, uint32_t want)
{
	uint32_t n = 0;

	while (n < want && first + n < npages && !bit_test(first + n))
		n++;
	return n;
}

/* Next fit for the whole run: from the rover, the first hole that holds
 * want pages, among the next RUN_HOLES holes; else the longest of them.
 * First fit took whatever hole came first, and once the file was
 * fragmented by processes coming and going, a 34-page heap window came
 * in 12 runs (12 host mmaps, not 1), as did a program's page cache.
 * Holes passed over still serve single pages and short runs. */
#define RUN_HOLES 64
static int64_t alloc_run(uint32_t want, uint32_t *got, bool zero)
{
	int64_t first = -1;
	uint32_t n = 0;

	for (int pass = 0; pass < 2 && first < 0; pass++) {
		uint64_t at = pass ? 1 : rover;

		if (pass)
			memfile_flush();
		for (int h = 0; h < RUN_HOLES && n < want; h++) {
			int64_t f = find_free_from(at);
			uint32_t len;

			if (f < 0)
				break;
			len = hole_len((uint64_t)f, want);
			if (len > n) {
				first = f;
				n = len;
			}
			at = (uint64_t)f + len + 1; /* past the page that ends it */
		}
	}
	if (first < 0)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t pfn = (uint64_t)first + i;

		bit_set(pfn);
		refs[pfn] = 1;
		if ((dirty[pfn >> 6] >> (pfn & 63)) & 1) {
			dirty[pfn >> 6] &= ~(1UL << (pfn & 63));
			ndirty--;
			if (zero)
				memset(pfn_ptr(pfn), 0, PAGE_SIZE);
		}
	}
	rover = (uint64_t)first + n;
	in_use += n;
	*got = n;
	return first;
}

int64_t memfile_alloc_run(uint32_t want, uint32_t *got)
{
	return alloc_run(want, got, true);
}

int64_t memfile_alloc_run_raw(uint32_t want, uint32_t *got)
{
	return alloc_run(want, got, false);
}

void page_get(uint64_t pfn)
{
	refs[pfn]++;
}

uint32_t page_refs(uint64_t pfn)
{
	return refs[pfn];
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void memfile_flush(void)
{
	unsigned i, j;

	if (!npending)
		return;
	qsort(pending, npending, sizeof(pending[0]), cmp_u64);
	for (i = 0; i < npending; i = j) {
		for (j = i + 1; j < npending && pending[j] == pending[j - 1] + 1; j++)
			;
		if (ndirty + (j - i) <= RECYCLE_MAX) {
			/* Kept: zeroed when allocated again. */
			for (unsigned k = i; k < j; k++)
				dirty[pending[k] >> 6] |= 1UL << (pending[k] & 63);
			ndirty += j - i;
		} else if (fallocate(memfile_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			      (off_t)(pending[i] << PAGE_SHIFT),
			      (off_t)((uint64_t)(j - i) << PAGE_SHIFT)) < 0) {
			/* Without hole punching pages must be zeroed by hand. */
			memset(pfn_ptr(pending[i]), 0, (size_t)(j - i) << PAGE_SHIFT);
		}
		for (unsigned k = i; k < j; k++)
			bit_clear(pending[k]);
		if (pending[i] < rover)
			rover = pending[i];
	}
	npending = 0;
}

void page_put(uint64_t pfn)
{
	BUG_ON(refs[pfn] == 0);
	if (--refs[pfn])
		return;
	in_use--;
	if (npending == PENDING_MAX)
		memfile_flush();
	pending[npending++] = pfn;
}

uint64_t memfile_pages_in_use(void)
{
	return in_use;
}
