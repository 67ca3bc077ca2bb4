/* Memory manager: VMAs, the guest page table, faults, copy-in/out. */
#define _GNU_SOURCE
#include "sentry/mm.h"
#include "sentry/log.h"
#include "platform/platform.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>

#define MMAP_MIN_ADDR     0x10000UL
#define ANON_AROUND       64   /* pages mapped around an anonymous fault */
#define ANON_STREAM       512  /* pages mapped ahead of a streaming fault */
#define ANON_STREAM_MIN   16   /* a window at least this long can start a stream */
#define FILE_AROUND       16   /* pages mapped around a file fault */

static const struct platform_ops *pops(void)
{
	return the_platform->ops;
}

struct mm *mm_new(uint64_t max_addr)
{
	struct mm *mm = calloc(1, sizeof(*mm));

	if (!mm)
		return NULL;
	mm->pt = pt_new();
	if (!mm->pt) {
		free(mm);
		return NULL;
	}
	mm->refs = 1;
	mm->max_addr = max_addr;
	mm->stack_top = max_addr - 0x100000UL;
	mm->mmap_base = mm->stack_top - 0x8000000UL - 0x800000UL;
	return mm;
}

void mm_get(struct mm *mm)
{
	mm->refs++;
}

/* ---- VMA array ---- */

/* Index of the first VMA whose end is above addr. */
static int vma_index(struct mm *mm, uint64_t addr)
{
	int lo = 0, hi = mm->nvma;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (mm->vmas[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct vma *mm_find_vma(struct mm *mm, uint64_t addr)
{
	int i = vma_index(mm, addr);

	if (i < mm->nvma && mm->vmas[i].start <= addr)
		return &mm->vmas[i];
	return NULL;
}

static int vma_insert_at(struct mm *mm, int i, const struct vma *v)
{
	if (mm->nvma == mm->cap) {
		int cap = mm->cap ? mm->cap * 2 : 32;
		struct vma *n = realloc(mm->vmas, (size_t)cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		mm->vmas = n;
		mm->cap = cap;
	}
	memmove(&mm->vmas[i + 1], &mm->vmas[i], (size_t)(mm->nvma - i) * sizeof(*v));
	mm->vmas[i] = *v;
	mm->nvma++;
	return 0;
}

static void vma_remove_at(struct mm *mm, int i)
{
	memobj_put(mm->vmas[i].obj);
	memmove(&mm->vmas[i], &mm->vmas[i + 1], (size_t)(mm->nvma - i - 1) * sizeof(struct vma));
	mm->nvma--;
}

/* Make sure no VMA straddles addr. */
static int vma_split(struct mm *mm, uint64_t addr)
{
	int i = vma_index(mm, addr);
	struct vma tail;

	if (i >= mm->nvma || mm->vmas[i].start >= addr)
		return 0;
	tail = mm->vmas[i];
	tail.start = addr;
	if (tail.obj) {
		tail.pgoff += (addr - mm->vmas[i].start) >> PAGE_SHIFT;
		memobj_get(tail.obj);
	}
	mm->vmas[i].end = addr;
	return vma_insert_at(mm, i + 1, &tail);
}

static bool vma_mergeable(const struct vma *a, const struct vma *b)
{
	if (a->end != b->start || a->prot != b->prot || a->flags != b->flags ||
	    a->name != b->name || a->obj != b->obj)
		return false;
	if (a->obj && a->pgoff + ((a->end - a->start) >> PAGE_SHIFT) != b->pgoff)
		return false;
	return true;
}

static void vma_merge_around(struct mm *mm, int i)
{
	if (i + 1 < mm->nvma && vma_mergeable(&mm->vmas[i], &mm->vmas[i + 1])) {
		mm->vmas[i].end = mm->vmas[i + 1].end;
		vma_remove_at(mm, i + 1);
	}
	if (i > 0 && vma_mergeable(&mm->vmas[i - 1], &mm->vmas[i])) {
		mm->vmas[i - 1].end = mm->vmas[i].end;
		vma_remove_at(mm, i);
	}
}

static bool range_free(struct mm *mm, uint64_t start, uint64_t end)
{
	int i = vma_index(mm, start);

	return i >= mm->nvma || mm->vmas[i].start >= end;
}

long mm_get_unmapped_area(struct mm *mm, uint64_t hint, uint64_t len, bool fixed)
{
	uint64_t top;
	int i;

	if (len > mm->max_addr - MMAP_MIN_ADDR)
		return -ENOMEM;
	if (fixed)
		return (hint >= MMAP_MIN_ADDR && hint + len <= mm->max_addr && hint + len > hint)
			       ? (long)hint : -ENOMEM;
	hint = PAGE_ALIGN(hint);
	if (hint >= MMAP_MIN_ADDR && hint + len <= mm->max_addr && hint + len > hint &&
	    range_free(mm, hint, hint + len))
		return (long)hint;
	/* Top-down from mmap_base, below every VMA that is in the way. */
	top = mm->mmap_base;
	i = vma_index(mm, top) - 1;
	if (i + 1 < mm->nvma && mm->vmas[i + 1].start < top)
		top = mm->vmas[i + 1].start;
	for (; i >= -1; i--) {
		uint64_t floor = i >= 0 ? mm->vmas[i].end : MMAP_MIN_ADDR;

		if (top >= floor + len && top - len >= MMAP_MIN_ADDR)
			return (long)(top - len);
		if (i >= 0)
			top = mm->vmas[i].start;
	}
	/* Then bottom-up above mmap_base. */
	for (i = vma_index(mm, mm->mmap_base); ; i++) {
		uint64_t start = i > 0 ? mm->vmas[i - 1].end : MMAP_MIN_ADDR;
		uint64_t end = i < mm->nvma ? mm->vmas[i].start : mm->max_addr;

		if (start < mm->mmap_base)
			start = mm->mmap_base;
		if (end > start && end - start >= len)
			return (long)start;
		if (i >= mm->nvma)
			break;
	}
	return -ENOMEM;
}

/* ---- page table ---- */

static inline uint64_t pte_prot(uint64_t pte)
{
	return (pte >> PTE_PROT_SHIFT) & 7;
}

static inline uint64_t pte_make(uint64_t pfn, uint64_t flags)
{
	return (pfn << 12) | flags | PTE_PRESENT;
}

struct clear_arg {
	struct mm *mm;
	bool any_mapped;
	bool keep_pages; /* mremap: ptes moved, not freed */
};

static void clear_slot(uint64_t idx, uint64_t *slot, void *arg)
{
	struct clear_arg *c = arg;

	(void)idx;
	if (*slot & PTE_MAPPED)
		c->any_mapped = true;
	if (!c->keep_pages) {
		page_put(PTE_PFN(*slot));
		c->mm->rss_pages--;
	}
	*slot = 0;
}

/* Drop the pages of [start, end) and their host mappings. */
static void pte_clear_range(struct mm *mm, struct context *ctx, uint64_t start, uint64_t end)
{
	struct clear_arg c = { .mm = mm };

	pt_walk(mm->pt, start >> PAGE_SHIFT, end >> PAGE_SHIFT, clear_slot, &c);
	if (c.any_mapped && ctx)
		pops()->as_unmap(ctx, start, end - start);
}

static void unmark_slot(uint64_t idx, uint64_t *slot, void *arg)
{
	(void)idx;
	if (*slot & PTE_MAPPED) {
		*(bool *)arg = true;
		*slot &= ~(PTE_MAPPED | (7UL << PTE_PROT_SHIFT));
	}
}

/* Remove host mappings of [start, end) but keep the pages. */
static void as_drop_range(struct mm *mm, struct context *ctx, uint64_t start, uint64_t end)
{
	bool any = false;

	pt_walk(mm->pt, start >> PAGE_SHIFT, end >> PAGE_SHIFT, unmark_slot, &any);
	if (any && ctx)
		pops()->as_unmap(ctx, start, end - start);
}

/* ---- mapping operations ---- */

static int unmap_range(struct mm *mm, struct context *ctx, uint64_t start, uint64_t end)
{
	int i, err;

	if ((err = vma_split(mm, start)) || (err = vma_split(mm, end)))
		return err;
	i = vma_index(mm, start);
	while (i < mm->nvma && mm->vmas[i].start < end)
		vma_remove_at(mm, i);
	pte_clear_range(mm, ctx, start, end);
	return 0;
}

static uint64_t overcommit_limit(void)
{
	static uint64_t limit;
	struct sysinfo si;

	if (!limit && sysinfo(&si) == 0)
		limit = ((uint64_t)si.totalram + si.totalswap) * si.mem_unit;
	return limit ? limit : ~0UL;
}

long mm_mmap(struct mm *mm, struct context *ctx, uint64_t addr, uint64_t len,
	     int prot, int flags, struct memobj *obj, uint64_t pgoff, const char *name)
{
	bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
	struct vma v = { 0 };
	long where;
	int i, err;

	len = PAGE_ALIGN(len);
	if (!len)
		return -EINVAL;
	/* Heuristic overcommit, as Linux's default mode: one private
	 * writable mapping larger than all of RAM and swap is refused. */
	if (!(flags & (MAP_SHARED | MAP_NORESERVE)) && (prot & PROT_WRITE) &&
	    len > overcommit_limit())
		return -ENOMEM;
	if (fixed && (addr & ~PAGE_MASK))
		return -EINVAL;
	where = mm_get_unmapped_area(mm, addr, len, fixed);
	if (where < 0)
		return where;
	if ((flags & MAP_FIXED_NOREPLACE) && !(flags & MAP_FIXED) &&
	    !range_free(mm, (uint64_t)where, (uint64_t)where + len))
		return -EEXIST;
	if (fixed && (err = unmap_range(mm, ctx, (uint64_t)where, (uint64_t)where + len)))
		return err;
	v.start = (uint64_t)where;
	v.end = v.start + len;
	v.prot = prot & (PROT_READ | PROT_WRITE | PROT_EXEC);
	v.name = name;
	if (flags & MAP_SHARED) {
		v.flags |= VMA_SHARED;
		if (!obj) {
			obj = memobj_new(NULL, NULL, len, "/dev/zero (deleted)");
			if (!obj)
				return -ENOMEM;
		} else {
			memobj_get(obj);
		}
	} else if (obj) {
		memobj_get(obj);
	} else {
		v.flags |= VMA_ANON;
	}
	if (flags & MAP_GROWSDOWN)
		v.flags |= VMA_GROWSDOWN;
	v.obj = obj;
	v.pgoff = pgoff;
	i = vma_index(mm, v.start);
	if ((err = vma_insert_at(mm, i, &v))) {
		memobj_put(obj);
		return err;
	}
	vma_merge_around(mm, i);
	return where;
}

int mm_munmap(struct mm *mm, struct context *ctx, uint64_t addr, uint64_t len)
{
	uint64_t end = addr + PAGE_ALIGN(len);
	int err;

	/* end <= addr: a length that rounds up past 2^64 (Linux: EINVAL). */
	if ((addr & ~PAGE_MASK) || !len || end > mm->max_addr || end <= addr)
		return -EINVAL;
	err = unmap_range(mm, ctx, addr, end);
	memfile_flush();
	return err;
}

/* Is [start, end) fully covered by VMAs? */
static bool range_mapped(struct mm *mm, uint64_t start, uint64_t end)
{
	int i = vma_index(mm, start);
	uint64_t at = start;

	for (; i < mm->nvma && at < end; i++) {
		if (mm->vmas[i].start > at)
			return false;
		at = mm->vmas[i].end;
	}
	return at >= end;
}

static bool mprotect_remap(struct mm *mm, struct context *ctx, uint64_t addr, uint64_t end);

int mm_mprotect(struct mm *mm, struct context *ctx, uint64_t addr, uint64_t len, int prot)
{
	uint64_t end = addr + PAGE_ALIGN(len);
	int i, err;

	if (addr & ~PAGE_MASK)
		return -EINVAL;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	if (!len)
		return 0;
	if (end <= addr)
		return -ENOMEM;
	if (!range_mapped(mm, addr, end))
		return -ENOMEM;
	if ((err = vma_split(mm, addr)) || (err = vma_split(mm, end)))
		return err;
	for (i = vma_index(mm, addr); i < mm->nvma && mm->vmas[i].start < end; i++) {
		struct vma *v = &mm->vmas[i];

		if ((v->flags & VMA_SHARED) && (prot & PROT_WRITE) && v->obj &&
		    v->obj->ops && (v->obj->ops->fill || v->obj->ops->fill_run) &&
		    !v->obj->ops->writeback)
			return -EACCES; /* shared mapping of a read-only file */
		v->prot = prot & (PROT_READ | PROT_WRITE | PROT_EXEC);
	}
	/* Host mappings take the new protection page by page (a page still
	 * shared copy-on-write never becomes writable): in one request when
	 * the range holds few runs of present pages (a loader's RELRO), or
	 * they are dropped and refault. */
	if (!mprotect_remap(mm, ctx, addr, end))
		as_drop_range(mm, ctx, addr, end);
	for (i = vma_index(mm, addr); i < mm->nvma && mm->vmas[i].start < end; i++)
		vma_merge_around(mm, i);
	return 0;
}

struct move_arg {
	struct mm *mm;
	int64_t delta; /* in pages */
};

static void move_slot(uint64_t idx, uint64_t *slot, void *arg)
{
	struct move_arg *m = arg;
	uint64_t *dst = pt_slot(m->mm->pt, (uint64_t)((int64_t)idx + m->delta), 1);

	if (dst) {
		*dst = *slot & ~(PTE_MAPPED | (7UL << PTE_PROT_SHIFT));
	} else {
		page_put(PTE_PFN(*slot));
		m->mm->rss_pages--;
	}
}

long mm_mremap(struct mm *mm, struct context *ctx, uint64_t old, uint64_t old_len,
	       uint64_t new_len, int flags, uint64_t new_addr)
{
	struct vma *v, nv;
	uint64_t old_end;
	long dest;
	int i, err;

	if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP))
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if (flags & MREMAP_DONTUNMAP)
		return -EINVAL; /* not supported yet */
	if (old & ~PAGE_MASK)
		return -EINVAL;
	old_len = PAGE_ALIGN(old_len);
	new_len = PAGE_ALIGN(new_len);
	if (!new_len)
		return -EINVAL;
	old_end = old + old_len;
	v = mm_find_vma(mm, old);
	if (!v)
		return -EFAULT;
	if (!old_len) {
		/* Duplicate a shared mapping. */
		if (!(v->flags & VMA_SHARED) || !(flags & MREMAP_MAYMOVE))
			return -EINVAL;
		return mm_mmap(mm, ctx, new_addr, new_len, v->prot,
			       MAP_SHARED | ((flags & MREMAP_FIXED) ? MAP_FIXED : 0), v->obj,
			       v->pgoff + ((old - v->start) >> PAGE_SHIFT), v->name);
	}
	if (old_end > v->end || old_end < old)
		return -EFAULT;
	if (flags & MREMAP_FIXED) {
		if ((new_addr & ~PAGE_MASK) || new_addr + new_len > mm->max_addr ||
		    new_addr < MMAP_MIN_ADDR)
			return -EINVAL;
		if (new_addr < old_end && old < new_addr + new_len)
			return -EINVAL;
	}
	if (!(flags & MREMAP_FIXED) && new_len <= old_len) {
		if (new_len < old_len && (err = mm_munmap(mm, ctx, old + new_len, old_len - new_len)))
			return err;
		return (long)old;
	}
	if (!(flags & MREMAP_FIXED) && old_end == v->end &&
	    old + new_len <= mm->max_addr && old + new_len > old &&
	    range_free(mm, old_end, old + new_len)) {
		/* Grow in place. */
		v->end = old + new_len;
		vma_merge_around(mm, (int)(v - mm->vmas));
		return (long)old;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	if (flags & MREMAP_FIXED) {
		if ((err = unmap_range(mm, ctx, new_addr, new_addr + new_len)))
			return err;
		dest = (long)new_addr;
	} else {
		dest = mm_get_unmapped_area(mm, 0, new_len, false);
		if (dest < 0)
			return dest;
	}
	v = mm_find_vma(mm, old);
	nv = *v;
	nv.start = (uint64_t)dest;
	nv.end = (uint64_t)dest + new_len;
	if (nv.obj) {
		nv.pgoff += (old - v->start) >> PAGE_SHIFT;
		memobj_get(nv.obj);
	}
	/* Move the pages of the part that survives, then drop the old range. */
	{
		struct move_arg m = { mm, (int64_t)((uint64_t)dest >> PAGE_SHIFT) -
					      (int64_t)(old >> PAGE_SHIFT) };
		uint64_t keep = old_len < new_len ? old_len : new_len;
		struct clear_arg c = { .mm = mm, .keep_pages = true };

		pt_walk(mm->pt, old >> PAGE_SHIFT, (old + keep) >> PAGE_SHIFT, move_slot, &m);
		pt_walk(mm->pt, old >> PAGE_SHIFT, (old + keep) >> PAGE_SHIFT, clear_slot, &c);
		if (c.any_mapped && ctx)
			pops()->as_unmap(ctx, old, keep);
	}
	if ((err = unmap_range(mm, ctx, old, old_end))) {
		memobj_put(nv.obj);
		return err;
	}
	i = vma_index(mm, nv.start);
	if ((err = vma_insert_at(mm, i, &nv))) {
		memobj_put(nv.obj);
		return err;
	}
	vma_merge_around(mm, i);
	memfile_flush();
	return dest;
}

long mm_brk(struct mm *mm, struct context *ctx, uint64_t brk)
{
	uint64_t old_end = PAGE_ALIGN(mm->brk), new_end = PAGE_ALIGN(brk);

	if (brk < mm->brk_start || brk >= mm->mmap_base)
		return (long)mm->brk;
	if (new_end > old_end) {
		if (!range_free(mm, old_end, new_end))
			return (long)mm->brk;
		if (mm_mmap(mm, ctx, old_end, new_end - old_end, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0, "[heap]") < 0)
			return (long)mm->brk;
	} else if (new_end < old_end) {
		mm_munmap(mm, ctx, new_end, old_end - new_end);
	}
	mm->brk = brk;
	return (long)brk;
}

int mm_madvise(struct mm *mm, struct context *ctx, uint64_t addr, uint64_t len, int advice)
{
	uint64_t end = addr + PAGE_ALIGN(len);
	int i;

	if ((addr & ~PAGE_MASK) || end < addr || (len && end == addr))
		return -EINVAL;
	switch (advice) {
	case MADV_NORMAL:
	case MADV_RANDOM:
	case MADV_SEQUENTIAL:
	case MADV_WILLNEED:
	case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE:
	case MADV_MERGEABLE:
	case MADV_UNMERGEABLE:
	case MADV_DONTDUMP:
	case MADV_DODUMP:
	case MADV_COLD:
	case MADV_PAGEOUT:
	case MADV_DONTFORK:
	case MADV_DOFORK:
		/* Hints (or core-dump/KSM controls with no effect here);
		 * DONTFORK is honoured as a hint only: the child gets a
		 * copy-on-write view, which is indistinguishable unless the
		 * child touches the range. */
		if (!range_mapped(mm, addr, end))
			return -ENOMEM;
		return 0;
	case MADV_DONTNEED:
	case MADV_FREE:
		if (!range_mapped(mm, addr, end))
			return -ENOMEM;
		for (i = vma_index(mm, addr); i < mm->nvma && mm->vmas[i].start < end; i++) {
			struct vma *v = &mm->vmas[i];
			uint64_t s = v->start > addr ? v->start : addr;
			uint64_t e = v->end < end ? v->end : end;

			if (v->flags & VMA_SHARED)
				as_drop_range(mm, ctx, s, e);
			else
				pte_clear_range(mm, ctx, s, e);
		}
		memfile_flush();
		return 0;
	default:
		return -EINVAL;
	}
}

int mm_mincore(struct mm *mm, uint64_t addr, uint64_t len, uint8_t *vec)
{
	uint64_t end = addr + PAGE_ALIGN(len), a;

	if (addr & ~PAGE_MASK)
		return -EINVAL;
	if (end < addr || !range_mapped(mm, addr, end))
		return -ENOMEM;
	for (a = addr; a < end; a += PAGE_SIZE) {
		uint64_t *slot = pt_slot(mm->pt, a >> PAGE_SHIFT, 0);

		vec[(a - addr) >> PAGE_SHIFT] = (slot && *slot) ? 1 : 0;
	}
	return 0;
}

int mm_msync(struct mm *mm, uint64_t addr, uint64_t len, int flags)
{
	uint64_t end = addr + PAGE_ALIGN(len);

	if ((addr & ~PAGE_MASK) || (flags & ~(MS_ASYNC | MS_SYNC | MS_INVALIDATE)) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	if (end < addr || !range_mapped(mm, addr, end))
		return -ENOMEM;
	/* Shared mappings write through their object's pages; an object
	 * backed by a host file (the gofer's) writes them back now. */
	for (int i = vma_index(mm, addr); i < mm->nvma && mm->vmas[i].start < end; i++) {
		struct vma *v = &mm->vmas[i];
		uint64_t s = v->start > addr ? v->start : addr, e = v->end < end ? v->end : end;
		int err;

		if (!(v->flags & VMA_SHARED) || !v->obj || !v->obj->ops || !v->obj->ops->sync)
			continue;
		err = v->obj->ops->sync(v->obj, v->pgoff + ((s - v->start) >> PAGE_SHIFT),
					(e - s) >> PAGE_SHIFT);
		if (err < 0)
			return err;
	}
	return 0;
}

/* ---- faults ---- */

/* Ensure the page at vpn (inside v) is present; returns the pte or 0 and
 * sets *err. For write, break copy-on-write sharing. */
static uint64_t page_present(struct mm *mm, struct context *ctx, struct vma *v,
			     uint64_t vpn, bool write, int *err)
{
	uint64_t *slot = pt_slot(mm->pt, vpn, 1);
	uint64_t pte;
	int64_t pfn;

	if (!slot) {
		*err = -ENOMEM;
		return 0;
	}
	pte = *slot;
	if (!pte) {
		if (v->obj) {
			uint64_t pgoff = v->pgoff + vpn - (v->start >> PAGE_SHIFT);

			if (pgoff << PAGE_SHIFT >= PAGE_ALIGN(v->obj->size) &&
			    !(v->obj->ops == NULL)) {
				*err = -EIO; /* beyond end of file: SIGBUS */
				return 0;
			}
			pfn = memobj_page(v->obj, pgoff);
			if (pfn < 0) {
				*err = (int)pfn;
				return 0;
			}
			page_get((uint64_t)pfn);
			pte = pte_make((uint64_t)pfn, (v->flags & VMA_SHARED) ? PTE_SHARED : 0);
		} else {
			pfn = memfile_alloc();
			if (pfn < 0) {
				*err = (int)pfn;
				return 0;
			}
			pte = pte_make((uint64_t)pfn, 0);
		}
		mm->rss_pages++;
		*slot = pte;
	}
	if (write && !(pte & PTE_SHARED) && page_refs(PTE_PFN(pte)) > 1) {
		/* Without a context (a write through /proc/PID/mem) the host
		 * still maps the shared page here and nothing can change
		 * that now: the page is kept, so the guest can go on reading
		 * it but never a page freed and reused, until the mm's next
		 * resume unmaps it (mm_drop_stale). */
		bool stale = (pte & PTE_MAPPED) && !ctx;

		if (stale && mm->nstale == mm->stale_cap) {
			uint32_t cap = mm->stale_cap ? mm->stale_cap * 2 : 16;
			struct mm_stale *n = realloc(mm->stale, cap * sizeof(*n));

			if (!n) {
				*err = -ENOMEM;
				return 0;
			}
			mm->stale = n;
			mm->stale_cap = cap;
		}
		pfn = memfile_alloc_raw();
		if (pfn < 0) {
			*err = (int)pfn;
			return 0;
		}
		memcpy(pfn_ptr((uint64_t)pfn), pfn_ptr(PTE_PFN(pte)), PAGE_SIZE);
		if (stale)
			mm->stale[mm->nstale++] = (struct mm_stale){ vpn, PTE_PFN(pte) };
		else
			page_put(PTE_PFN(pte));
		if ((pte & PTE_MAPPED) && ctx) {
			/* The sentry writes (a copy-out): map the copy over the
			 * shared page at once, writable, rather than unmap it
			 * and take the guest's fault on it later. */
			uint64_t npte = pte_make((uint64_t)pfn, 0);

			if (pops()->as_map(ctx, vpn << PAGE_SHIFT, PAGE_SIZE,
					   (uint64_t)pfn << PAGE_SHIFT, v->prot) == 0) {
				*slot = npte | PTE_MAPPED | ((uint64_t)v->prot << PTE_PROT_SHIFT);
				return *slot;
			}
			pops()->as_unmap(ctx, vpn << PAGE_SHIFT, PAGE_SIZE);
		}
		pte = pte_make((uint64_t)pfn, 0);
		*slot = pte;
	}
	return pte;
}

static int map_prot_for(struct vma *v, uint64_t pte)
{
	int prot = v->prot;

	if (!(pte & PTE_SHARED) && page_refs(PTE_PFN(pte)) > 1)
		prot &= ~PROT_WRITE;
	return prot;
}

/* Build AS_MAP ops for the present, unmapped pages of v in [first, last]
 * (and the faulting page even if mapped), one per run of pages contiguous
 * in both guest and memory file with the same protection. */
struct opvec {
	struct as_op *ops;
	int n, cap;
};

static int opvec_push(struct opvec *o, const struct as_op *op)
{
	if (o->n == o->cap) {
		int cap = o->cap ? o->cap * 2 : 64;
		struct as_op *n = realloc(o->ops, (size_t)cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		o->ops = n;
		o->cap = cap;
	}
	o->ops[o->n++] = *op;
	return 0;
}

struct runs_arg {
	struct vma *v;
	uint64_t fault_vpn;
	struct opvec *o;
	uint64_t next_vpn, next_pfn; /* where the open run (last op) continues */
	int err;
};

static void run_slot(uint64_t vpn, uint64_t *slot, void *arg)
{
	struct runs_arg *r = arg;
	struct opvec *o = r->o;
	int prot;

	if (r->err || ((*slot & PTE_MAPPED) && vpn != r->fault_vpn))
		return;
	prot = map_prot_for(r->v, *slot);
	if (o->n && !(*slot & PTE_MAPPED) && vpn == r->next_vpn &&
	    PTE_PFN(*slot) == r->next_pfn && o->ops[o->n - 1].prot == prot) {
		o->ops[o->n - 1].len += PAGE_SIZE;
	} else {
		struct as_op op = { .kind = AS_MAP, .prot = prot, .addr = vpn << PAGE_SHIFT,
				    .len = PAGE_SIZE,
				    .memfile_off = PTE_PFN(*slot) << PAGE_SHIFT };

		if (opvec_push(o, &op) < 0) {
			r->err = -ENOMEM;
			return;
		}
	}
	r->next_vpn = vpn + 1;
	r->next_pfn = PTE_PFN(*slot) + 1;
}

/* Walks only the present ptes, so a huge sparse VMA costs what it holds,
 * not its size (a fork of a process with a 100 TiB mapping must not
 * visit every page number). A mapped faulting page always starts a run. */
static int collect_runs(struct mm *mm, struct vma *v, uint64_t first, uint64_t last,
			uint64_t fault_vpn, struct opvec *o)
{
	struct runs_arg r = { .v = v, .fault_vpn = fault_vpn, .o = o, .next_vpn = ~0UL };

	pt_walk(mm->pt, first, last + 1, run_slot, &r);
	return r.err;
}

void mm_mark_mapped(struct mm *mm, const struct as_op *ops, int n)
{
	for (int i = 0; i < n; i++) {
		uint64_t p = ops[i].addr >> PAGE_SHIFT;
		uint64_t e = p + (ops[i].len >> PAGE_SHIFT);

		if (ops[i].kind == AS_UNMAP)
			continue;
		for (; p < e; p++) {
			uint64_t *s = pt_slot(mm->pt, p, 0);

			*s = (*s & ~(7UL << PTE_PROT_SHIFT)) | PTE_MAPPED |
			     ((uint64_t)ops[i].prot << PTE_PROT_SHIFT);
		}
	}
}

/* Apply collected map ops in one batch and mark their ptes mapped. */
static int apply_map_ops(struct mm *mm, struct context *ctx, struct opvec *o)
{
	int err;

	if (!o->n)
		return 0;
	err = platform_as_batch(ctx, o->ops, o->n);
	if (err < 0)
		return err;
	mm_mark_mapped(mm, o->ops, o->n);
	return 0;
}

static void mapped_slot(uint64_t idx, uint64_t *slot, void *arg)
{
	if (*slot & PTE_MAPPED)
		*(bool *)arg = true;
}

/* mprotect of [addr, end), VMAs already updated: map every present page
 * of the range again with its new protection, in one batch (MAP_FIXED
 * replaces the old mappings), when the range's VMAs all allow some
 * access and it comes to at most MPROTECT_REMAP_RUNS runs; otherwise
 * drop the range's host mappings (they refault). Returns false only
 * without a context (the caller drops the marks). */
#define MPROTECT_REMAP_RUNS 16
static bool mprotect_remap(struct mm *mm, struct context *ctx, uint64_t addr, uint64_t end)
{
	struct opvec o = { .ops = NULL };
	bool any = false, done = false;
	int err = 0;

	if (!ctx)
		return false;
	pt_walk(mm->pt, addr >> PAGE_SHIFT, end >> PAGE_SHIFT, mapped_slot, &any);
	if (!any)
		return true;
	for (int i = vma_index(mm, addr); !err && i < mm->nvma && mm->vmas[i].start < end; i++) {
		struct vma *v = &mm->vmas[i];
		uint64_t s = v->start > addr ? v->start : addr, e = v->end < end ? v->end : end;

		if (!(v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC))) {
			err = -EINVAL;
			break;
		}
		/* Runs are collected from unmapped ptes: look at all of them
		 * as unmapped (they are all mapped over below, or, if this
		 * gives up, dropped by the caller). */
		pt_walk(mm->pt, s >> PAGE_SHIFT, e >> PAGE_SHIFT, unmark_slot, &any);
		err = collect_runs(mm, v, s >> PAGE_SHIFT, (e >> PAGE_SHIFT) - 1, ~0UL, &o);
		if (o.n > MPROTECT_REMAP_RUNS)
			err = -E2BIG;
	}
	if (!err && apply_map_ops(mm, ctx, &o) == 0)
		done = true;
	free(o.ops);
	if (!done) {
		pt_walk(mm->pt, addr >> PAGE_SHIFT, end >> PAGE_SHIFT, unmark_slot, &any);
		pops()->as_unmap(ctx, addr, end - addr);
	}
	return true;
}

/* Map [first, last] pages of v (all present) in runs, one host round trip. */
static int map_window(struct mm *mm, struct context *ctx, struct vma *v, uint64_t first,
		      uint64_t last, uint64_t fault_vpn, int flags)
{
	struct opvec o = { .ops = NULL };
	int err;

	err = collect_runs(mm, v, first, last, fault_vpn, &o);
	for (int i = 0; !err && i < o.n; i++)
		o.ops[i].flags = flags;
	if (!err)
		err = apply_map_ops(mm, ctx, &o);
	free(o.ops);
	return err;
}

/* A write fault broke copy-on-write at vpn: map that page writable, and
 * in the same round trip make writable its mapped neighbours that nobody
 * shares any more (after a fork whose child exec'd or exited, the parent
 * would otherwise take one fault and one host round trip per page). */
static int map_cow_window(struct mm *mm, struct context *ctx, struct vma *v, uint64_t vpn)
{
	struct opvec o = { .ops = NULL };
	uint64_t first = vpn & ~(uint64_t)(ANON_AROUND - 1), last = first + ANON_AROUND - 1;
	uint64_t vfirst = v->start >> PAGE_SHIFT, vlast = (v->end >> PAGE_SHIFT) - 1;
	int err;

	if (first < vfirst)
		first = vfirst;
	if (last > vlast)
		last = vlast;
	err = collect_runs(mm, v, vpn, vpn, vpn, &o);
	for (uint64_t p = first; !err && p <= last && (v->prot & PROT_WRITE); p++) {
		uint64_t *s = p == vpn ? NULL : pt_slot(mm->pt, p, 0);
		struct as_op *prev = o.n ? &o.ops[o.n - 1] : NULL;

		if (!s || !(*s & PTE_MAPPED) || (*s & PTE_SHARED) ||
		    (pte_prot(*s) & PROT_WRITE) || page_refs(PTE_PFN(*s)) != 1)
			continue;
		if (prev && prev->kind == AS_PROTECT && prev->addr + prev->len == p << PAGE_SHIFT) {
			prev->len += PAGE_SIZE;
		} else {
			struct as_op op = { .kind = AS_PROTECT, .prot = v->prot,
					    .addr = p << PAGE_SHIFT, .len = PAGE_SIZE };

			err = opvec_push(&o, &op);
		}
	}
	if (!err)
		err = apply_map_ops(mm, ctx, &o);
	free(o.ops);
	return err;
}

/* Pages of a writable private mapping that are mapped without write
 * permission though nobody shares them any more: AS_PROTECT runs. */
struct unshared_arg {
	struct vma *v;
	uint64_t skip_vpn;
	struct opvec *o;
	int err;
};

static void unshared_slot(uint64_t vpn, uint64_t *slot, void *arg)
{
	struct unshared_arg *u = arg;
	struct opvec *o = u->o;
	struct as_op *prev = o->n ? &o->ops[o->n - 1] : NULL;

	if (u->err || vpn == u->skip_vpn || !(*slot & PTE_MAPPED) || (*slot & PTE_SHARED) ||
	    (pte_prot(*slot) & PROT_WRITE) || page_refs(PTE_PFN(*slot)) != 1)
		return;
	if (prev && prev->kind == AS_PROTECT && prev->addr + prev->len == vpn << PAGE_SHIFT) {
		prev->len += PAGE_SIZE;
	} else {
		struct as_op op = { .kind = AS_PROTECT, .prot = u->v->prot,
				    .addr = vpn << PAGE_SHIFT, .len = PAGE_SIZE };

		if (opvec_push(o, &op) < 0)
			u->err = -ENOMEM;
	}
}

/* A write fault on a page mapped read-only for copy-on-write that nobody
 * shares any more: the other side of a fork exec'd or exited. Then the
 * same is true of most of this mm's write-protected pages: make the
 * faulting page and every such page writable in one round trip (after a
 * fork+exec+wait the parent took 4-5 faults, each a trap and a host
 * request, on stack, data, bss and heap). Walks only present ptes. */
static int unprotect_unshared(struct mm *mm, struct context *ctx, struct vma *fv, uint64_t vpn)
{
	struct opvec o = { .ops = NULL };
	int err;

	err = collect_runs(mm, fv, vpn, vpn, vpn, &o);
	for (int i = 0; !err && i < mm->nvma; i++) {
		struct vma *v = &mm->vmas[i];
		struct unshared_arg u = { .v = v, .skip_vpn = vpn, .o = &o };

		if (!(v->prot & PROT_WRITE) || (v->flags & VMA_SHARED))
			continue;
		pt_walk(mm->pt, v->start >> PAGE_SHIFT, v->end >> PAGE_SHIFT, unshared_slot, &u);
		err = u.err;
	}
	if (!err)
		err = apply_map_ops(mm, ctx, &o);
	free(o.ops);
	return err;
}

/* Make the cached pages of private file mappings present (no copy: they
 * stay shared with the page cache until written). A small writable one
 * (a program's or library's .data, .got: written at start-up, by the
 * loader's relocations or libc's initialisation) gets private copies at
 * once and is mapped writable: a 4 KiB copy costs far less than the
 * write fault, the trap and the host request that each page took. */
#define EAGER_COPY_PAGES 16
static void adopt_cached_pages(struct mm *mm, struct vma *v, uint64_t limit)
{
	uint64_t n = (v->end - v->start) >> PAGE_SHIFT;
	bool copy = (v->prot & PROT_WRITE) && n <= EAGER_COPY_PAGES;
	int64_t run = -1;
	uint32_t got = 0;
	uint64_t got_used[1] = { 0 };

	if (!v->obj || (v->flags & VMA_SHARED) || !v->obj->ops || n > limit)
		return;
	/* Copies in one run of the memory file, page i at run + i: the
	 * mapping stays one host mmap. */
	if (copy)
		run = memfile_alloc_run_raw((uint32_t)n, &got);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t *c = pt_slot(v->obj->pages, v->pgoff + i, 0);
		uint64_t *slot;

		if (!c || !*c)
			continue;
		slot = pt_slot(mm->pt, (v->start >> PAGE_SHIFT) + i, 1);
		if (!slot || *slot)
			continue;
		if (copy) {
			int64_t pfn = run >= 0 && i < got ? run + (int64_t)i : memfile_alloc_raw();

			if (pfn >= 0) {
				if (run >= 0 && i < got)
					got_used[i / 64] |= 1ULL << (i % 64);
				memcpy(pfn_ptr((uint64_t)pfn), pfn_ptr(*c), PAGE_SIZE);
				*slot = pte_make((uint64_t)pfn, 0);
				mm->rss_pages++;
				continue;
			}
		}
		page_get(*c);
		*slot = pte_make(*c, 0);
		mm->rss_pages++;
	}
	for (uint32_t i = 0; run >= 0 && i < got; i++)
		if (!(got_used[i / 64] >> (i % 64) & 1))
			page_put((uint64_t)run + i);
}

/* A new image's stack holds only the arguments and environment: its first
 * frames fault right below them. Give it STACK_PREFILL zero pages there
 * now, mapped with the image's first request: what most programs use
 * before they are under way. (The whole fault-around window, 64 pages,
 * cost every exec 256 KiB of zeroing and mapping, and every fork of the
 * new image as much copying.) */
#define STACK_PREFILL 16
static void prefill_stack(struct mm *mm)
{
	struct vma *v = mm_find_vma(mm, mm->stack_top - 1);
	uint64_t low = mm->stack_top >> PAGE_SHIFT, first, *s;

	if (!v || v->obj || !(v->prot & PROT_WRITE))
		return;
	while (low > (v->start >> PAGE_SHIFT) && (s = pt_slot(mm->pt, low - 1, 0)) && *s)
		low--;
	if (low == mm->stack_top >> PAGE_SHIFT || low == v->start >> PAGE_SHIFT)
		return;
	first = low - STACK_PREFILL;
	if (low < STACK_PREFILL || first < v->start >> PAGE_SHIFT)
		first = v->start >> PAGE_SHIFT;
	while (first < low) {
		uint32_t got, k;
		int64_t pfn = memfile_alloc_run((uint32_t)(low - first), &got);

		if (pfn < 0)
			return;
		for (k = 0; k < got; k++) {
			s = pt_slot(mm->pt, first + k, 1);
			if (!s) {
				while (k < got)
					page_put((uint64_t)pfn + k++);
				return;
			}
			*s = pte_make((uint64_t)pfn + k, 0);
			mm->rss_pages++;
		}
		first += got;
	}
}

/* Zero pages for the whole of a small anonymous writable VMA of a new
 * image (a program's .bss: libc's start-up writes it at once). */
static void prefill_small_anon(struct mm *mm, struct vma *v)
{
	uint64_t p = v->start >> PAGE_SHIFT, end = v->end >> PAGE_SHIFT, *s;

	int64_t run;
	uint32_t got, i = 0;

	if (v->obj || !(v->prot & PROT_WRITE) || (v->flags & VMA_GROWSDOWN) ||
	    end - p > EAGER_COPY_PAGES)
		return;
	/* One run of the memory file, page p at run + (p - start). */
	run = memfile_alloc_run((uint32_t)(end - p), &got);
	if (run < 0)
		return;
	for (; p < end; p++, i++) {
		int64_t pfn;

		s = pt_slot(mm->pt, p, 1);
		if (!s || *s) {
			if (i < got)
				page_put((uint64_t)run + i);
			if (!s)
				break;
			continue;
		}
		pfn = i < got ? run + (int64_t)i : memfile_alloc();
		if (pfn < 0)
			break;
		*s = pte_make((uint64_t)pfn, 0);
		mm->rss_pages++;
	}
	for (i++; i < got; i++)
		page_put((uint64_t)run + i);
}

int mm_populate_ops(struct mm *mm, struct as_op **ops)
{
	struct opvec o = { .ops = NULL };
	int err = 0;

	for (int i = 0; i < mm->nvma && !err; i++) {
		struct vma *v = &mm->vmas[i];

		if (v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC))
			err = collect_runs(mm, v, v->start >> PAGE_SHIFT,
					   (v->end >> PAGE_SHIFT) - 1, ~0UL, &o);
	}
	if (err) {
		free(o.ops);
		return err;
	}
	*ops = o.ops;
	return o.n;
}

/* A new image's file segments up to this size are read whole into the
 * page cache (memobj_prefetch) when they are not yet: then each is one
 * run of the memory file, one host mmap in every exec of the program.
 * A failed read leaves the rest to faults, as before. */
#define EXEC_PREFETCH_MAX 512

int mm_populate(struct mm *mm, struct context *ctx, bool adopt_cache, bool scrub)
{
	struct opvec o = { .ops = NULL };
	int err = 0;

	if (scrub) {
		struct as_op drop = { .kind = AS_UNMAP, .addr = 0, .len = mm->max_addr };

		err = opvec_push(&o, &drop);
	}

	if (adopt_cache) {
		prefill_stack(mm);
		for (int i = 0; i < mm->nvma; i++)
			prefill_small_anon(mm, &mm->vmas[i]);
	}
	for (int i = 0; i < mm->nvma && !err; i++) {
		struct vma *v = &mm->vmas[i];

		if (!(v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
			continue;
		if (adopt_cache && v->obj && !(v->flags & VMA_SHARED) &&
		    v->end - v->start <= EXEC_PREFETCH_MAX * PAGE_SIZE)
			memobj_prefetch(v->obj, v->pgoff, (v->end - v->start) >> PAGE_SHIFT);
		if (adopt_cache)
			adopt_cached_pages(mm, v, 4096);
		err = collect_runs(mm, v, v->start >> PAGE_SHIFT, (v->end >> PAGE_SHIFT) - 1,
				   ~0UL, &o);
	}
	if (!err)
		err = apply_map_ops(mm, ctx, &o);
	free(o.ops);
	return err;
}

int mm_fault(struct mm *mm, struct context *ctx, uint64_t addr, int code, int *si_code)
{
	struct vma *v = mm_find_vma(mm, addr);
	uint64_t vpn = addr >> PAGE_SHIFT, *slot, pte, first, last, around;
	uint64_t vfirst, vlast;
	bool write = false, stream;
	int err = 0;

	*si_code = SEGV_MAPERR;
	if (!v)
		return SIGSEGV;
	*si_code = SEGV_ACCERR;
	if (!(v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
		return SIGSEGV;
	slot = pt_slot(mm->pt, vpn, 0);
	pte = slot ? *slot : 0;
	if (pte & PTE_MAPPED) {
		/* Mapped, yet it faulted: a write to a page we mapped without
		 * write permission (copy-on-write), or a real violation. */
		if (pte_prot(pte) == (uint64_t)v->prot) {
			/* Already mapped with all the VMA allows: another thread
			 * of this mm resolved the page after this fault was
			 * raised (retry the access once), or a real violation,
			 * which faults again from the same context and page. */
			if (mm->stale_ctx == ctx && mm->stale_vpn == vpn) {
				mm->stale_ctx = NULL;
				return SIGSEGV;
			}
			mm->stale_ctx = ctx;
			mm->stale_vpn = vpn;
			return 0;
		}
		mm->stale_ctx = NULL;
		if (!(v->prot & PROT_WRITE) || (pte_prot(pte) & PROT_WRITE))
			return SIGSEGV;
		write = true;
		/* It is about to be mapped over; no separate unmap needed. */
		*slot &= ~PTE_MAPPED;
	}
	(void)code;
	mm->stale_ctx = NULL;
	if (write && ctx && !(pte & PTE_SHARED) && page_refs(PTE_PFN(pte)) == 1)
		return unprotect_unshared(mm, ctx, v, vpn) < 0 ? SIGSEGV : 0;
	pte = page_present(mm, ctx, v, vpn, write, &err);
	if (!pte) {
		*si_code = err == -EIO ? BUS_ADRERR : BUS_ADRERR;
		return err == -ENOMEM ? SIGSEGV : SIGBUS;
	}
	if (write) {
		/* Only the faulting page is copied: neighbours stay shared. */
		err = map_cow_window(mm, ctx, v, vpn);
		return err < 0 ? SIGSEGV : 0;
	}
	/* Fault-around: make neighbours present too and map them in runs. */
	around = v->obj ? FILE_AROUND : ANON_AROUND;
	vfirst = v->start >> PAGE_SHIFT;
	vlast = (v->end >> PAGE_SHIFT) - 1;
	first = vpn & ~(around - 1);
	last = first + around - 1;
	/* A fault right after the previous anonymous window: the guest
	 * streams through fresh memory. Map a bigger window ahead of it and
	 * have the host fill its page tables at once (one host fault per page
	 * costs more than the whole hand-off, see docs/design.md). */
	stream = !v->obj && vpn == mm->stream_vpn;
	if (stream) {
		first = vpn;
		last = vpn + ANON_STREAM - 1;
	}
	if (first < vfirst)
		first = vfirst;
	if (last > vlast)
		last = vlast;
	if (!v->obj) {
		/* A window cut short by the VMA's end (a one-page bss or
		 * thread block, then brk moves the end) is no sign of a
		 * stream: the next fault after it would populate a window of
		 * fresh heap that a short-lived process never touches. */
		mm->stream_vpn = last + 1 - first >= ANON_STREAM_MIN ? last + 1 : 0;
		/* Allocate missing anonymous pages in contiguous runs. */
		for (uint64_t p = first; p <= last;) {
			uint64_t *s = pt_slot(mm->pt, p, 1);
			uint32_t want = 0, got;
			int64_t pfn;

			if (!s)
				break;
			if (*s) {
				p++;
				continue;
			}
			while (p + want <= last) {
				uint64_t *t = pt_slot(mm->pt, p + want, 1);

				if (!t || *t)
					break;
				want++;
			}
			pfn = memfile_alloc_run(want, &got);
			if (pfn < 0)
				break;
			for (uint32_t k = 0; k < got; k++)
				*pt_slot(mm->pt, p + k, 1) = pte_make((uint64_t)pfn + k, 0);
			mm->rss_pages += got;
			p += got;
		}
	} else {
		for (uint64_t p = first; p <= last; p++) {
			int e = 0;

			if (p != vpn && !page_present(mm, ctx, v, p, false, &e)) {
				if (p < vpn) {
					first = p + 1;
					continue;
				}
				last = p - 1;
				break;
			}
		}
	}
	err = map_window(mm, ctx, v, first, last, vpn, stream ? AS_F_POPULATE : 0);
	return err < 0 ? SIGSEGV : 0;
}

/* ---- fork ---- */

#define FORK_HOT_MAX 16
struct fork_arg {
	struct mm *child;
	struct opvec prot_ops;   /* parent ranges to write-protect */
	int vprot;
	int err;
	uint64_t hot[FORK_HOT_MAX]; /* page numbers the child gets a copy of now */
	int nhot;
	bool inherit;
	/* This VMA's own pages are copied for the child now (see
	 * mm_fork_hot), into run + used while the run lasts. */
	bool eager;
	int64_t run;
	uint32_t run_got, run_used;
};

/* A page only the parent has (no COW sharing, not the page cache's). */
static bool page_own(uint64_t pte)
{
	return !(pte & PTE_SHARED) && page_refs(PTE_PFN(pte)) == 1;
}

static void count_own(uint64_t idx, uint64_t *slot, void *arg)
{
	(void)idx;
	if (page_own(*slot))
		(*(uint64_t *)arg)++;
}

static void fork_slot(uint64_t idx, uint64_t *slot, void *arg)
{
	struct fork_arg *f = arg;
	uint64_t *dst = pt_slot(f->child->pt, idx, 1);

	if (!dst) {
		f->err = -ENOMEM;
		return;
	}
	if (f->eager && page_own(*slot)) {
		int64_t pfn = f->run_used < f->run_got ? f->run + f->run_used++ : memfile_alloc_raw();

		if (pfn >= 0) {
			memcpy(pfn_ptr((uint64_t)pfn), pfn_ptr(PTE_PFN(*slot)), PAGE_SIZE);
			*dst = pte_make((uint64_t)pfn, 0);
			f->child->rss_pages++;
			return;
		}
	}
	/* A page both sides write at once (the stack under the stack
	 * pointer, the thread block): the child's private copy now, and the
	 * parent keeps its page as it is, instead of a write fault and a
	 * host request on each side right after the fork. */
	for (int i = 0; i < f->nhot && !(*slot & PTE_SHARED) && (f->vprot & PROT_WRITE); i++) {
		int64_t pfn;

		if (f->hot[i] != idx)
			continue;
		pfn = memfile_alloc_raw();
		if (pfn < 0)
			break;
		memcpy(pfn_ptr((uint64_t)pfn), pfn_ptr(PTE_PFN(*slot)), PAGE_SIZE);
		*dst = pte_make((uint64_t)pfn, 0);
		f->child->rss_pages++;
		return;
	}
	page_get(PTE_PFN(*slot));
	f->child->rss_pages++;
	if (!(*slot & PTE_SHARED) && (*slot & PTE_MAPPED) && (pte_prot(*slot) & PROT_WRITE)) {
		/* Copy-on-write from now on: write-protect in the parent,
		 * merging with the previous op when adjacent. */
		struct opvec *o = &f->prot_ops;
		int prot = (int)pte_prot(*slot) & ~PROT_WRITE;
		struct as_op op = { .kind = AS_PROTECT, .prot = prot,
				    .addr = idx << PAGE_SHIFT, .len = PAGE_SIZE };

		if (o->n && o->ops[o->n - 1].addr + o->ops[o->n - 1].len == op.addr &&
		    o->ops[o->n - 1].prot == prot)
			o->ops[o->n - 1].len += PAGE_SIZE;
		else if (opvec_push(o, &op) < 0)
			f->err = -ENOMEM;
		*slot = (*slot & ~(7UL << PTE_PROT_SHIFT)) | ((uint64_t)prot << PTE_PROT_SHIFT);
	}
	/* Inherited: mapped in the child as in the parent, now that the
	 * parent's mapping is read-only wherever the page is shared. */
	*dst = f->inherit ? *slot : *slot & ~(PTE_MAPPED | (7UL << PTE_PROT_SHIFT));
}

/* Small private writable VMAs (a program's .data and .bss, a small heap,
 * the stack) have their own pages copied for the child at fork rather
 * than shared copy-on-write: a 4 KiB copy costs far less than what COW
 * costs here, write-protecting the parent's pages (a host request), then
 * a write fault, a trap and a host request for each page either side
 * writes, and after the child's exec or exit one more fault and request
 * in the parent to make them writable again. A VMA with more than
 * FORK_EAGER_VMA such pages, whatever is over FORK_EAGER_MAX in all, and
 * every page of a parent with other threads stay copy-on-write.
 * RUNSC_FORK_EAGER=0 turns this off. */
#define FORK_EAGER_VMA 64
#define FORK_EAGER_MAX 256

static uint64_t fork_eager_max(void)
{
	static int on = -1;

	return env_switch_on("RUNSC_FORK_EAGER", &on) ? FORK_EAGER_MAX : 0;
}

struct mm *mm_fork(struct mm *parent, struct context *ctx)
{
	return mm_fork_hot(parent, ctx, NULL, 0, false);
}

/* mm_fork, and the pages at the addresses hot[] (up to FORK_HOT_MAX) are
 * copied for the child at once (see fork_slot). */
struct mm *mm_fork_hot(struct mm *parent, struct context *ctx, const uint64_t *hot, int nhot,
		       bool inherit)
{
	struct mm *child = mm_new(parent->max_addr);
	struct fork_arg f = { .child = child, .inherit = inherit };
	/* Only from a single-threaded parent: another thread could write a
	 * page while it is copied (COW takes each page whole). */
	uint64_t eager_left = parent->refs == 1 ? fork_eager_max() : 0;

	if (!child)
		return NULL;
	for (int i = 0; i < nhot && f.nhot < FORK_HOT_MAX; i++) {
		bool dup = false;

		for (int j = 0; j < f.nhot; j++)
			dup |= f.hot[j] == hot[i] >> PAGE_SHIFT;
		if (!dup && hot[i])
			f.hot[f.nhot++] = hot[i] >> PAGE_SHIFT;
	}
	child->vmas = malloc((size_t)(parent->cap ? parent->cap : 1) * sizeof(struct vma));
	if (!child->vmas) {
		mm_put(child);
		return NULL;
	}
	memcpy(child->vmas, parent->vmas, (size_t)parent->nvma * sizeof(struct vma));
	child->nvma = parent->nvma;
	child->cap = parent->cap ? parent->cap : 1;
	for (int i = 0; i < child->nvma; i++)
		if (child->vmas[i].obj)
			memobj_get(child->vmas[i].obj);
	child->mmap_base = parent->mmap_base;
	child->brk_start = parent->brk_start;
	child->brk = parent->brk;
	child->usertrap_state = parent->usertrap_state;
	child->usertrap_sites = parent->usertrap_sites;
	child->usertrap_slow = parent->usertrap_slow;
	if (parent->usertrap_nrets) {
		size_t sz = parent->usertrap_nrets * sizeof(*parent->usertrap_rets);

		/* The forking thread may itself return through one. */
		child->usertrap_rets = malloc(sz);
		if (!child->usertrap_rets) {
			mm_put(child);
			return NULL;
		}
		memcpy(child->usertrap_rets, parent->usertrap_rets, sz);
		child->usertrap_nrets = parent->usertrap_nrets;
	}
	child->stack_top = parent->stack_top;
	child->arg_start = parent->arg_start;
	child->arg_end = parent->arg_end;
	child->env_start = parent->env_start;
	child->env_end = parent->env_end;
	memcpy(child->auxv, parent->auxv, sizeof(parent->auxv));
	child->auxv_len = parent->auxv_len;
	child->vdso_base = parent->vdso_base;
	child->exe_path = parent->exe_path ? strdup(parent->exe_path) : NULL;
	for (int i = 0; i < parent->nvma && !f.err; i++) {
		struct vma *v = &parent->vmas[i];
		uint64_t first = v->start >> PAGE_SHIFT, end = v->end >> PAGE_SHIFT;

		f.vprot = v->prot;
		f.eager = false;
		f.run_got = f.run_used = 0;
		if (!(v->flags & VMA_SHARED) && (v->prot & PROT_WRITE) && eager_left) {
			uint64_t own = 0;

			pt_walk(parent->pt, first, end, count_own, &own);
			if (own && own <= FORK_EAGER_VMA && own <= eager_left) {
				eager_left -= own;
				f.eager = true;
				f.run = memfile_alloc_run_raw((uint32_t)own, &f.run_got);
				if (f.run < 0)
					f.run_got = 0;
			}
		}
		pt_walk(parent->pt, first, end, fork_slot, &f);
		while (f.run_used < f.run_got)
			page_put((uint64_t)f.run + f.run_used++);
	}
	/* The parent's writable private pages are copy-on-write now. */
	if (!f.err && ctx && f.prot_ops.n)
		f.err = platform_as_batch(ctx, f.prot_ops.ops, f.prot_ops.n);
	free(f.prot_ops.ops);
	if (f.err) {
		mm_put(child);
		return NULL;
	}
	return child;
}

void mm_drop_stale(struct mm *mm, struct context *ctx)
{
	uint32_t i;

	for (i = 0; i < mm->nstale; i++) {
		uint64_t *s = pt_slot(mm->pt, mm->stale[i].vpn, 0);

		/* Mapped since: whatever mapped it replaced the old page. */
		if ((!s || !(*s & PTE_MAPPED)) &&
		    pops()->as_unmap(ctx, mm->stale[i].vpn << PAGE_SHIFT, PAGE_SIZE) < 0)
			break;
		page_put(mm->stale[i].pfn);
	}
	memmove(mm->stale, mm->stale + i, (mm->nstale - i) * sizeof(*mm->stale));
	mm->nstale -= i;
	memfile_flush();
}

void mm_fork_uninherit(struct mm *mm)
{
	bool any = false;

	pt_walk(mm->pt, 0, mm->max_addr >> PAGE_SHIFT, unmark_slot, &any);
}

void mm_put(struct mm *mm)
{
	struct clear_arg c = { .mm = mm };

	if (--mm->refs)
		return;
	for (int i = 0; i < mm->nvma; i++)
		memobj_put(mm->vmas[i].obj);
	pt_walk(mm->pt, 0, ~0UL >> PAGE_SHIFT, clear_slot, &c);
	/* The address space goes with the mm (or is scrubbed by an exec
	 * that keeps it, before this). */
	for (uint32_t i = 0; i < mm->nstale; i++)
		page_put(mm->stale[i].pfn);
	free(mm->stale);
	pt_free(mm->pt);
	free(mm->vmas);
	free(mm->exe_path);
	free(mm->usertrap_rets);
	free(mm->usertrap_seen);
	if (mm->as)
		pops()->as_release(mm->as);
	free(mm);
	memfile_flush();
}

/* ---- copy-in/out ---- */

static int copy_common(struct mm *mm, struct context *ctx, uint64_t addr, void *buf,
		       size_t n, int dir /* 0 in, 1 out, 2 zero */)
{
	while (n) {
		struct vma *v = mm_find_vma(mm, addr);
		size_t chunk = PAGE_SIZE - (addr & ~PAGE_MASK);
		uint64_t pte;
		int err = 0;

		if (chunk > n)
			chunk = n;
		if (!v)
			return -EFAULT;
		if (dir == 0 ? !(v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC))
			     : !(v->prot & PROT_WRITE))
			return -EFAULT;
		pte = page_present(mm, ctx, v, addr >> PAGE_SHIFT, dir != 0, &err);
		if (!pte)
			return -EFAULT;
		{
			uint8_t *p = (uint8_t *)pfn_ptr(PTE_PFN(pte)) + (addr & ~PAGE_MASK);

			if (dir == 0)
				memcpy(buf, p, chunk);
			else if (dir == 1)
				memcpy(p, buf, chunk);
			else
				memset(p, 0, chunk);
		}
		if (dir != 2)
			buf = (uint8_t *)buf + chunk;
		addr += chunk;
		n -= chunk;
	}
	return 0;
}

int mm_copy_in(struct mm *mm, struct context *ctx, void *dst, uint64_t src, size_t n)
{
	if (src + n < src)
		return -EFAULT;
	return copy_common(mm, ctx, src, dst, n, 0);
}

int mm_copy_out(struct mm *mm, struct context *ctx, uint64_t dst, const void *src, size_t n)
{
	if (dst + n < dst)
		return -EFAULT;
	return copy_common(mm, ctx, dst, (void *)src, n, 1);
}

int mm_zero_out(struct mm *mm, struct context *ctx, uint64_t dst, size_t n)
{
	if (dst + n < dst)
		return -EFAULT;
	return copy_common(mm, ctx, dst, NULL, n, 2);
}

int mm_poke(struct mm *mm, struct context *ctx, uint64_t addr, const void *src, size_t n)
{
	struct vma *v = mm_find_vma(mm, addr);

	if (!n)
		return 0;
	if (!v || addr + n < addr)
		return -EFAULT;
	if ((v->flags & VMA_SHARED) || addr + n > v->end)
		return -EPERM;
	while (n) {
		size_t chunk = PAGE_SIZE - (addr & ~PAGE_MASK);
		uint64_t pte;
		int err = 0;

		if (chunk > n)
			chunk = n;
		pte = page_present(mm, ctx, v, addr >> PAGE_SHIFT, true, &err);
		if (!pte)
			return -EFAULT;
		memcpy((uint8_t *)pfn_ptr(PTE_PFN(pte)) + (addr & ~PAGE_MASK), src, chunk);
		src = (const uint8_t *)src + chunk;
		addr += chunk;
		n -= chunk;
	}
	return 0;
}

long mm_strncpy_in(struct mm *mm, struct context *ctx, char *dst, uint64_t src, size_t max)
{
	size_t done = 0;

	while (done < max) {
		size_t chunk = PAGE_SIZE - ((src + done) & ~PAGE_MASK);
		char *nul;

		if (chunk > max - done)
			chunk = max - done;
		if (mm_copy_in(mm, ctx, dst + done, src + done, chunk) < 0)
			return -EFAULT;
		nul = memchr(dst + done, 0, chunk);
		if (nul)
			return (long)(nul - dst);
		done += chunk;
	}
	return -ENAMETOOLONG;
}

size_t mm_format_maps(struct mm *mm, char *buf, size_t size)
{
	size_t len = 0;

	for (int i = 0; i < mm->nvma && len < size; i++) {
		struct vma *v = &mm->vmas[i];
		const char *name = v->name ? v->name : (v->obj && v->obj->name ? v->obj->name : "");
		int n = snprintf(buf + len, size - len,
				 "%08lx-%08lx %c%c%c%c %08lx %02x:%02x %-10lu %s%s\n",
				 (unsigned long)v->start, (unsigned long)v->end,
				 v->prot & PROT_READ ? 'r' : '-', v->prot & PROT_WRITE ? 'w' : '-',
				 v->prot & PROT_EXEC ? 'x' : '-', v->flags & VMA_SHARED ? 's' : 'p',
				 (unsigned long)(v->obj && !v->name ? v->pgoff << PAGE_SHIFT : 0),
				 v->obj ? (unsigned)(v->obj->dev >> 8) : 0,
				 v->obj ? (unsigned)(v->obj->dev & 0xff) : 0,
				 (unsigned long)(v->obj ? v->obj->ino : 0), *name ? "" : "", name);
		if (n < 0)
			break;
		len += (size_t)n;
	}
	return len < size ? len : size;
}
