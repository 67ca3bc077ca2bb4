/* Memory objects and the sparse radix map behind page tables. */
#include "sentry/memobj.h"
#include "sentry/memfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PT_BITS 9
#define PT_FAN (1 << PT_BITS)
#define PT_LEVELS 4

struct pt_node {
	void *slot[PT_FAN];
};

struct pt {
	struct pt_node root;
};

struct pt *pt_new(void)
{
	return calloc(1, sizeof(struct pt));
}

static void node_free(struct pt_node *n, int level)
{
	if (level > 1)
		for (int i = 0; i < PT_FAN; i++)
			if (n->slot[i])
				node_free(n->slot[i], level - 1);
	free(n);
}

void pt_free(struct pt *pt)
{
	if (!pt)
		return;
	for (int i = 0; i < PT_FAN; i++)
		if (pt->root.slot[i])
			node_free(pt->root.slot[i], PT_LEVELS - 1);
	free(pt);
}

uint64_t *pt_slot(struct pt *pt, uint64_t idx, int create)
{
	struct pt_node *n = &pt->root;

	if (idx >> (PT_BITS * PT_LEVELS))
		return NULL;
	for (int level = PT_LEVELS - 1; level > 0; level--) {
		unsigned i = (idx >> (PT_BITS * level)) & (PT_FAN - 1);

		if (!n->slot[i]) {
			if (!create)
				return NULL;
			n->slot[i] = calloc(1, sizeof(struct pt_node));
			if (!n->slot[i])
				return NULL;
		}
		n = n->slot[i];
	}
	return (uint64_t *)&n->slot[idx & (PT_FAN - 1)];
}

/* Visits only the slots of n that overlap [start, end): a walk of a few
 * pages costs a few slots per level, not all 512 of each node on its way
 * (the full scans were 4% of a fork+exec loop's samples). */
static void walk(struct pt_node *n, int level, uint64_t base, uint64_t start,
		 uint64_t end, void (*fn)(uint64_t, uint64_t *, void *), void *arg)
{
	unsigned shift = PT_BITS * (unsigned)level;
	uint64_t span = 1UL << shift, rel, first, lim;

	if (end <= base)
		return;
	first = start > base ? (start - base) >> shift : 0;
	rel = end - base;
	lim = (rel >> shift) + ((rel & (span - 1)) != 0);
	if (lim > PT_FAN)
		lim = PT_FAN;
	for (uint64_t i = first; i < lim; i++) {
		if (!n->slot[i])
			continue;
		if (level == 0)
			fn(base + i, (uint64_t *)&n->slot[i], arg);
		else
			walk(n->slot[i], level - 1, base + i * span, start, end, fn, arg);
	}
}

void pt_walk(struct pt *pt, uint64_t start, uint64_t end,
	     void (*fn)(uint64_t idx, uint64_t *slot, void *arg), void *arg)
{
	walk(&pt->root, PT_LEVELS - 1, 0, start, end, fn, arg);
}

struct memobj *memobj_new(const struct memobj_ops *ops, void *priv, uint64_t size,
			  const char *name)
{
	struct memobj *obj = calloc(1, sizeof(*obj));

	if (!obj)
		return NULL;
	obj->pages = pt_new();
	if (!obj->pages) {
		free(obj);
		return NULL;
	}
	obj->refs = 1;
	obj->ops = ops;
	obj->priv = priv;
	obj->size = size;
	obj->name = name ? strdup(name) : NULL;
	return obj;
}

void memobj_get(struct memobj *obj)
{
	obj->refs++;
}

static void put_page_slot(uint64_t idx, uint64_t *slot, void *arg)
{
	(void)idx;
	(void)arg;
	page_put(*slot);
	*slot = 0;
}

void memobj_put(struct memobj *obj)
{
	if (!obj || --obj->refs)
		return;
	if (obj->ops && obj->ops->release)
		obj->ops->release(obj);
	pt_walk(obj->pages, 0, ~0UL, put_page_slot, NULL);
	pt_free(obj->pages);
	free(obj->name);
	free(obj);
}

/* Read ahead: the missing page and up to MEMOBJ_READAHEAD - 1 missing
 * pages after it (within the object) in one run of the memory file, so
 * that mappings of the file map long runs (each run is one host mmap in
 * an address space), filled with one call. */
#define MEMOBJ_READAHEAD 32
static int64_t page_run(struct memobj *obj, uint64_t pgoff, uint64_t *slot, uint32_t max)
{
	uint64_t end = (obj->size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	uint32_t n = 1, got;
	int64_t pfn;
	int err;

	while (n < max && pgoff + n < end) {
		uint64_t *s = pt_slot(obj->pages, pgoff + n, 0);

		if (s && *s)
			break;
		n++;
	}
	pfn = memfile_alloc_run(n, &got);
	if (pfn < 0)
		return pfn;
	err = obj->ops->fill_run(obj, pgoff, got, pfn_ptr((uint64_t)pfn));
	if (err < 0) {
		for (uint32_t i = 0; i < got; i++)
			page_put((uint64_t)pfn + i);
		return err;
	}
	*slot = (uint64_t)pfn;
	for (uint32_t i = 1; i < got; i++) {
		uint64_t *s = pt_slot(obj->pages, pgoff + i, 1);

		if (s && !*s)
			*s = (uint64_t)pfn + i;
		else
			page_put((uint64_t)pfn + i);
	}
	return pfn;
}

int64_t memobj_page(struct memobj *obj, uint64_t pgoff)
{
	uint64_t *slot = pt_slot(obj->pages, pgoff, 1);
	int64_t pfn;
	int err;

	if (!slot)
		return -ENOMEM;
	if (*slot)
		return (int64_t)*slot;
	if (obj->ops && obj->ops->fill_run)
		return page_run(obj, pgoff, slot, MEMOBJ_READAHEAD);
	pfn = memfile_alloc();
	if (pfn < 0)
		return pfn;
	if (obj->ops && obj->ops->fill) {
		err = obj->ops->fill(obj, pgoff, pfn_ptr((uint64_t)pfn));
		if (err < 0) {
			page_put((uint64_t)pfn);
			return err;
		}
	}
	*slot = (uint64_t)pfn;
	return pfn;
}

int memobj_prefetch(struct memobj *obj, uint64_t pgoff, uint64_t n)
{
	uint64_t end = (obj->size + PAGE_SIZE - 1) >> PAGE_SHIFT;

	if (!obj->ops || !obj->ops->fill_run)
		return 0;
	if (n < end - pgoff && pgoff < end)
		end = pgoff + n;
	for (uint64_t p = pgoff; p < end; p++) {
		uint64_t *slot = pt_slot(obj->pages, p, 1);
		int64_t r;

		if (!slot)
			return -ENOMEM;
		if (*slot)
			continue;
		/* Fills p and the missing pages after it, up to the next
		 * present one or end, in as few runs as the file gives. */
		r = page_run(obj, p, slot, end - p > UINT32_MAX ? UINT32_MAX : (uint32_t)(end - p));
		if (r < 0)
			return (int)r;
	}
	return 0;
}

void memobj_truncate(struct memobj *obj, uint64_t pgoff)
{
	pt_walk(obj->pages, pgoff, ~0UL, put_page_slot, NULL);
}

void memobj_set_identity(struct memobj *obj, const char *name, dev_t dev, ino_t ino)
{
	char *n = name ? strdup(name) : NULL;

	if (name && !n)
		return;    /* keep the old name rather than none */
	free(obj->name);
	obj->name = n;
	obj->dev = dev;
	obj->ino = ino;
}
