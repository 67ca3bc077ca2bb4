/* Unit tests of the memory manager (sentry/mm.c) without a platform: VMA
 * operations, copy-in/out on materialised pages and copy-on-write after
 * fork, all with ctx NULL and mm->as NULL, so no host address space is
 * touched; the platform entry points are stubs that fail the test. */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "platform/platform.h"
#include "sentry/log.h"
#include "sentry/memfile.h"
#include "sentry/mm.h"

#define MAX_ADDR (1UL << 47)
#define MIN_ADDR 0x10000UL	/* mm.c's lowest mappable address */

struct platform *the_platform;

/* mm_populate() hands its map ops here: they are counted, not applied. */
static int batch_ops, batch_pages;

static int batch_unmaps;

int platform_as_batch(struct context *ctx, const struct as_op *ops, int n)
{
	for (int i = 0; i < n; i++) {
		if (ops[i].kind == AS_UNMAP) {
			/* Only a scrub, and only first. */
			ck_assert_int_eq(i, 0);
			ck_assert_uint_eq(ops[i].addr, 0);
			ck_assert_uint_eq(ops[i].len, MAX_ADDR);
			batch_unmaps++;
			continue;
		}
		ck_assert_int_eq(ops[i].kind, AS_MAP);
		batch_pages += (int)(ops[i].len / PAGE_SIZE);
		batch_ops++;
	}
	return 0;
}

void sentry_panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static struct mm *mm;

static void setup(void)
{
	ck_assert_int_eq(memfile_init(8192 * PAGE_SIZE), 0);
	mm = mm_new(MAX_ADDR);
	ck_assert_ptr_nonnull(mm);
}

static void teardown(void)
{
	mm_put(mm);
	ck_assert_uint_eq(memfile_pages_in_use(), 0);
}

static long anon(uint64_t addr, uint64_t len, int prot, int flags)
{
	return mm_mmap(mm, NULL, addr, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | flags, NULL, 0,
		       NULL);
}

#define RW (PROT_READ | PROT_WRITE)

/* ---- VMAs ---- */

START_TEST(mmap_picks_aligned_free_range_and_rounds_len)
{
	long a = anon(0, 100, RW, 0), b;

	ck_assert_int_gt(a, 0);
	ck_assert_uint_eq((uint64_t)a & ~PAGE_MASK, 0);
	ck_assert_uint_ge((uint64_t)a, MIN_ADDR);
	ck_assert_ptr_nonnull(mm_find_vma(mm, (uint64_t)a));
	ck_assert_uint_eq(mm_find_vma(mm, (uint64_t)a)->end, (uint64_t)a + PAGE_SIZE);
	ck_assert_ptr_null(mm_find_vma(mm, (uint64_t)a + PAGE_SIZE));
	b = anon(0, PAGE_SIZE, PROT_READ, 0);
	ck_assert_int_gt(b, 0);
	ck_assert_int_ne(a, b);
	ck_assert_int_eq(anon(0, 0, RW, 0), -EINVAL);
}
END_TEST

START_TEST(mmap_hint_fixed_and_noreplace)
{
	uint64_t at = 0x40000000;

	ck_assert_int_eq(anon(at, 4 * PAGE_SIZE, RW, 0), (long)at);
	/* A taken hint moves elsewhere; NOREPLACE refuses; FIXED replaces. */
	ck_assert_int_ne(anon(at, PAGE_SIZE, RW, 0), (long)at);
	ck_assert_int_eq(anon(at, PAGE_SIZE, RW, MAP_FIXED_NOREPLACE), -EEXIST);
	ck_assert_int_eq(anon(at + PAGE_SIZE, PAGE_SIZE, PROT_READ, MAP_FIXED),
			 (long)(at + PAGE_SIZE));
	ck_assert_int_eq(mm_find_vma(mm, at + PAGE_SIZE)->prot, PROT_READ);
	ck_assert_int_eq(mm_find_vma(mm, at)->prot, RW);
	ck_assert_int_eq(mm_find_vma(mm, at + 2 * PAGE_SIZE)->prot, RW);
	/* Unaligned FIXED, below the minimum, beyond the top. */
	ck_assert_int_eq(anon(at + 1, PAGE_SIZE, RW, MAP_FIXED), -EINVAL);
	ck_assert_int_lt(anon(PAGE_SIZE, PAGE_SIZE, RW, MAP_FIXED), 0);
	ck_assert_int_lt(anon(MAX_ADDR - PAGE_SIZE, 2 * PAGE_SIZE, RW, MAP_FIXED), 0);
	ck_assert_int_lt(anon(0, MAX_ADDR, RW, 0), 0);
	ck_assert_int_lt(anon(0, ~0UL - 100, RW, 0), 0);
}
END_TEST

START_TEST(adjacent_equal_vmas_merge_and_split)
{
	uint64_t at = 0x40000000;
	int n0 = mm->nvma;

	anon(at, PAGE_SIZE, RW, MAP_FIXED);
	anon(at + PAGE_SIZE, PAGE_SIZE, RW, MAP_FIXED);
	anon(at + 2 * PAGE_SIZE, PAGE_SIZE, RW, MAP_FIXED);
	ck_assert_int_eq(mm->nvma, n0 + 1);
	ck_assert_int_eq(mm_mprotect(mm, NULL, at + PAGE_SIZE, PAGE_SIZE, PROT_READ), 0);
	ck_assert_int_eq(mm->nvma, n0 + 3);
	ck_assert_int_eq(mm_mprotect(mm, NULL, at + PAGE_SIZE, PAGE_SIZE, RW), 0);
	ck_assert_int_eq(mm->nvma, n0 + 1);
	ck_assert_int_eq(mm_munmap(mm, NULL, at + PAGE_SIZE, PAGE_SIZE), 0);
	ck_assert_int_eq(mm->nvma, n0 + 2);
	ck_assert_ptr_null(mm_find_vma(mm, at + PAGE_SIZE));
}
END_TEST

START_TEST(munmap_arguments)
{
	uint64_t at = 0x40000000;

	anon(at, 4 * PAGE_SIZE, RW, MAP_FIXED);
	ck_assert_int_eq(mm_munmap(mm, NULL, at + 1, PAGE_SIZE), -EINVAL);
	ck_assert_int_eq(mm_munmap(mm, NULL, at, 0), -EINVAL);
	ck_assert_int_eq(mm_munmap(mm, NULL, MAX_ADDR - PAGE_SIZE, 2 * PAGE_SIZE), -EINVAL);
	ck_assert_int_eq(mm_munmap(mm, NULL, at, ~0UL), -EINVAL);
	/* Unmapping a hole is fine; a partial length rounds up. */
	ck_assert_int_eq(mm_munmap(mm, NULL, 0x50000000, PAGE_SIZE), 0);
	ck_assert_int_eq(mm_munmap(mm, NULL, at, 1), 0);
	ck_assert_ptr_null(mm_find_vma(mm, at));
	ck_assert_ptr_nonnull(mm_find_vma(mm, at + PAGE_SIZE));
}
END_TEST

START_TEST(mprotect_arguments)
{
	uint64_t at = 0x40000000;

	anon(at, 2 * PAGE_SIZE, RW, MAP_FIXED);
	ck_assert_int_eq(mm_mprotect(mm, NULL, at + 1, PAGE_SIZE, PROT_READ), -EINVAL);
	ck_assert_int_eq(mm_mprotect(mm, NULL, at, PAGE_SIZE, 0x100), -EINVAL);
	ck_assert_int_eq(mm_mprotect(mm, NULL, at, 3 * PAGE_SIZE, PROT_READ), -ENOMEM);
	ck_assert_int_eq(mm_mprotect(mm, NULL, at, 0, PROT_READ), 0);
	/* A length that rounds up past the end of the address space. */
	ck_assert_int_eq(mm_mprotect(mm, NULL, at, ~0UL - 10, PROT_READ), -ENOMEM);
	ck_assert_int_eq(mm_find_vma(mm, at)->prot, RW);
}
END_TEST

START_TEST(get_unmapped_area)
{
	long a = mm_get_unmapped_area(mm, 0, 8 * PAGE_SIZE, false), b;

	ck_assert_int_gt(a, 0);
	ck_assert_uint_le((uint64_t)a + 8 * PAGE_SIZE, mm->mmap_base);
	anon((uint64_t)a, 8 * PAGE_SIZE, RW, MAP_FIXED);
	b = mm_get_unmapped_area(mm, 0, PAGE_SIZE, false);
	ck_assert_int_eq(b, a - (long)PAGE_SIZE);	/* top-down, just below */
	ck_assert_int_eq(mm_get_unmapped_area(mm, 0x12345000, PAGE_SIZE, false), 0x12345000);
	ck_assert_int_eq(mm_get_unmapped_area(mm, 0x12345000, PAGE_SIZE, true), 0x12345000);
	ck_assert_int_eq(mm_get_unmapped_area(mm, MAX_ADDR, PAGE_SIZE, true), -ENOMEM);
	ck_assert_int_eq(mm_get_unmapped_area(mm, 0, MAX_ADDR, false), -ENOMEM);
	ck_assert_int_eq(mm_get_unmapped_area(mm, ~0UL - 100, PAGE_SIZE, true), -ENOMEM);
}
END_TEST

START_TEST(brk_grows_and_shrinks)
{
	uint64_t base = 0x600000;
	char buf[16];

	mm->brk_start = mm->brk = base;
	ck_assert_int_eq(mm_brk(mm, NULL, 0), (long)base);
	ck_assert_int_eq(mm_brk(mm, NULL, base + 3 * PAGE_SIZE + 5), (long)(base + 3 * PAGE_SIZE + 5));
	ck_assert_int_eq(mm_copy_out(mm, NULL, base + 3 * PAGE_SIZE, "heap", 5), 0);
	ck_assert_int_eq(mm_copy_in(mm, NULL, buf, base + 3 * PAGE_SIZE, 5), 0);
	ck_assert_str_eq(buf, "heap");
	/* Below the start or into the mmap area: unchanged. */
	ck_assert_int_eq(mm_brk(mm, NULL, base - PAGE_SIZE), (long)(base + 3 * PAGE_SIZE + 5));
	ck_assert_int_eq(mm_brk(mm, NULL, mm->mmap_base), (long)(base + 3 * PAGE_SIZE + 5));
	ck_assert_int_eq(mm_brk(mm, NULL, base + PAGE_SIZE), (long)(base + PAGE_SIZE));
	ck_assert_ptr_null(mm_find_vma(mm, base + 3 * PAGE_SIZE));
	ck_assert_int_eq(mm_copy_in(mm, NULL, buf, base + 3 * PAGE_SIZE, 1), -EFAULT);
	/* Grown again: the old contents are gone. */
	mm_brk(mm, NULL, base + 4 * PAGE_SIZE);
	ck_assert_int_eq(mm_copy_in(mm, NULL, buf, base + 3 * PAGE_SIZE, 5), 0);
	ck_assert_int_eq(buf[0], 0);
	/* Not into an existing mapping. */
	anon(base + 8 * PAGE_SIZE, PAGE_SIZE, RW, MAP_FIXED);
	ck_assert_int_eq(mm_brk(mm, NULL, base + 10 * PAGE_SIZE), (long)(base + 4 * PAGE_SIZE));
}
END_TEST

/* ---- copy in/out ---- */

START_TEST(copy_across_pages_materialises_them)
{
	long a = anon(0, 4 * PAGE_SIZE, RW, 0);
	char out[3 * PAGE_SIZE], in[3 * PAGE_SIZE];

	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (char)(i * 7);
	ck_assert_uint_eq(mm->rss_pages, 0);
	ck_assert_int_eq(mm_copy_out(mm, NULL, (uint64_t)a + 100, out, sizeof(out)), 0);
	ck_assert_uint_eq(mm->rss_pages, 4);
	ck_assert_uint_eq(memfile_pages_in_use(), 4);
	ck_assert_int_eq(mm_copy_in(mm, NULL, in, (uint64_t)a + 100, sizeof(in)), 0);
	ck_assert_mem_eq(in, out, sizeof(in));
	ck_assert_int_eq(mm_zero_out(mm, NULL, (uint64_t)a + 100, 10), 0);
	ck_assert_int_eq(mm_copy_in(mm, NULL, in, (uint64_t)a + 100, 11), 0);
	ck_assert_int_eq(in[9], 0);
	ck_assert_int_eq(in[10], out[10]);
	/* munmap gives the pages back. */
	ck_assert_int_eq(mm_munmap(mm, NULL, (uint64_t)a, 4 * PAGE_SIZE), 0);
	ck_assert_uint_eq(mm->rss_pages, 0);
	ck_assert_uint_eq(memfile_pages_in_use(), 0);
}
END_TEST

START_TEST(copy_faults)
{
	long a = anon(0x40000000, 2 * PAGE_SIZE, RW, MAP_FIXED);
	char buf[64] = "x";

	mm_mprotect(mm, NULL, (uint64_t)a + PAGE_SIZE, PAGE_SIZE, PROT_READ);
	/* Write into the read-only half, a straddle into it, unmapped memory,
	 * an address range that wraps, a kernel address. */
	ck_assert_int_eq(mm_copy_out(mm, NULL, (uint64_t)a + PAGE_SIZE, buf, 1), -EFAULT);
	ck_assert_int_eq(mm_copy_out(mm, NULL, (uint64_t)a + PAGE_SIZE - 8, buf, 16), -EFAULT);
	ck_assert_int_eq(mm_copy_in(mm, NULL, buf, (uint64_t)a + PAGE_SIZE, 16), 0);
	ck_assert_int_eq(mm_copy_in(mm, NULL, buf, (uint64_t)a + 2 * PAGE_SIZE - 8, 16), -EFAULT);
	ck_assert_int_eq(mm_copy_in(mm, NULL, buf, 0, 1), -EFAULT);
	ck_assert_int_eq(mm_copy_in(mm, NULL, buf, ~0UL - 4, 16), -EFAULT);
	ck_assert_int_eq(mm_copy_out(mm, NULL, ~0UL - 4, buf, 16), -EFAULT);
	ck_assert_int_eq(mm_copy_in(mm, NULL, buf, 0xffff800000000000UL, 8), -EFAULT);
	mm_mprotect(mm, NULL, (uint64_t)a, PAGE_SIZE, PROT_NONE);
	ck_assert_int_eq(mm_copy_in(mm, NULL, buf, (uint64_t)a, 1), -EFAULT);
}
END_TEST

START_TEST(strncpy_in)
{
	long a = anon(0x40000000, 2 * PAGE_SIZE, RW, MAP_FIXED);
	char s[PAGE_SIZE];
	uint64_t at = (uint64_t)a + PAGE_SIZE - 3;

	mm_copy_out(mm, NULL, at, "hello", 6);	/* straddles the pages */
	ck_assert_int_eq(mm_strncpy_in(mm, NULL, s, at, sizeof(s)), 5);
	ck_assert_str_eq(s, "hello");
	ck_assert_int_eq(mm_strncpy_in(mm, NULL, s, at, 5), -ENAMETOOLONG);
	ck_assert_int_eq(mm_strncpy_in(mm, NULL, s, at, 6), 5);
	/* No NUL before the end of the mapping. */
	memset(s, 'a', sizeof(s));
	mm_copy_out(mm, NULL, (uint64_t)a + PAGE_SIZE, s, PAGE_SIZE);
	ck_assert_int_eq(mm_strncpy_in(mm, NULL, s, (uint64_t)a + PAGE_SIZE + 10, sizeof(s)),
			 -EFAULT);
}
END_TEST

START_TEST(madvise_dontneed_and_mincore)
{
	long a = anon(0x40000000, 4 * PAGE_SIZE, RW, MAP_FIXED);
	uint8_t vec[4];
	char buf[4];

	mm_copy_out(mm, NULL, (uint64_t)a + PAGE_SIZE, "abc", 4);
	ck_assert_int_eq(mm_mincore(mm, (uint64_t)a, 4 * PAGE_SIZE, vec), 0);
	ck_assert_int_eq(vec[0], 0);
	ck_assert_int_eq(vec[1], 1);
	ck_assert_int_eq(mm_mincore(mm, (uint64_t)a, 5 * PAGE_SIZE, vec), -ENOMEM);
	ck_assert_int_eq(mm_madvise(mm, NULL, (uint64_t)a, 4 * PAGE_SIZE, MADV_DONTNEED), 0);
	ck_assert_uint_eq(memfile_pages_in_use(), 0);
	ck_assert_int_eq(mm_copy_in(mm, NULL, buf, (uint64_t)a + PAGE_SIZE, 4), 0);
	ck_assert_int_eq(buf[0], 0);	/* private anonymous: zero again */
	ck_assert_int_eq(mm_madvise(mm, NULL, (uint64_t)a + 1, PAGE_SIZE, MADV_DONTNEED), -EINVAL);
	ck_assert_int_eq(mm_madvise(mm, NULL, (uint64_t)a, PAGE_SIZE, 12345), -EINVAL);
	ck_assert_int_eq(mm_madvise(mm, NULL, (uint64_t)a, 8 * PAGE_SIZE, MADV_NORMAL), -ENOMEM);
	ck_assert_int_eq(mm_madvise(mm, NULL, (uint64_t)a, ~0UL, MADV_NORMAL), -EINVAL);
}
END_TEST

/* ---- mremap ---- */

START_TEST(mremap_shrink_grow_move)
{
	uint64_t at = 0x40000000;
	char buf[8];
	long r;

	anon(at, 2 * PAGE_SIZE, RW, MAP_FIXED);
	mm_copy_out(mm, NULL, at + PAGE_SIZE - 4, "movedata", 8);
	/* Grow in place into free space. */
	ck_assert_int_eq(mm_mremap(mm, NULL, at, 2 * PAGE_SIZE, 4 * PAGE_SIZE, 0, 0), (long)at);
	ck_assert_uint_eq(mm_find_vma(mm, at)->end, at + 4 * PAGE_SIZE);
	/* Blocked growth without MAYMOVE fails; with it the pages move. */
	anon(at + 4 * PAGE_SIZE, PAGE_SIZE, PROT_READ, MAP_FIXED);
	ck_assert_int_eq(mm_mremap(mm, NULL, at, 4 * PAGE_SIZE, 8 * PAGE_SIZE, 0, 0), -ENOMEM);
	r = mm_mremap(mm, NULL, at, 4 * PAGE_SIZE, 8 * PAGE_SIZE, MREMAP_MAYMOVE, 0);
	ck_assert_int_gt(r, 0);
	ck_assert_int_ne(r, (long)at);
	ck_assert_ptr_null(mm_find_vma(mm, at));
	ck_assert_int_eq(mm_copy_in(mm, NULL, buf, (uint64_t)r + PAGE_SIZE - 4, 8), 0);
	ck_assert_mem_eq(buf, "movedata", 8);
	ck_assert_uint_eq(memfile_pages_in_use(), 2);
	/* Shrink gives the tail back. */
	ck_assert_int_eq(mm_mremap(mm, NULL, (uint64_t)r, 8 * PAGE_SIZE, PAGE_SIZE, 0, 0), r);
	ck_assert_uint_eq(memfile_pages_in_use(), 1);
	ck_assert_uint_eq(mm->rss_pages, 1);
}
END_TEST

START_TEST(mremap_fixed_and_arguments)
{
	uint64_t at = 0x40000000, to = 0x50000000;
	char buf[4];

	anon(at, 2 * PAGE_SIZE, RW, MAP_FIXED);
	anon(to, 4 * PAGE_SIZE, PROT_READ, MAP_FIXED);	/* replaced */
	mm_copy_out(mm, NULL, at, "abc", 4);
	ck_assert_int_eq(mm_mremap(mm, NULL, at, PAGE_SIZE, PAGE_SIZE, MREMAP_FIXED, to), -EINVAL);
	ck_assert_int_eq(mm_mremap(mm, NULL, at, PAGE_SIZE, PAGE_SIZE, 0x80, 0), -EINVAL);
	ck_assert_int_eq(mm_mremap(mm, NULL, at + 1, PAGE_SIZE, PAGE_SIZE, 0, 0), -EINVAL);
	ck_assert_int_eq(mm_mremap(mm, NULL, at, PAGE_SIZE, 0, 0, 0), -EINVAL);
	ck_assert_int_eq(mm_mremap(mm, NULL, 0x70000000, PAGE_SIZE, PAGE_SIZE, 0, 0), -EFAULT);
	ck_assert_int_eq(mm_mremap(mm, NULL, at, 3 * PAGE_SIZE, 4 * PAGE_SIZE, MREMAP_MAYMOVE, 0),
			 -EFAULT);
	/* Overlapping source and destination. */
	ck_assert_int_eq(mm_mremap(mm, NULL, at, 2 * PAGE_SIZE, 2 * PAGE_SIZE,
				   MREMAP_MAYMOVE | MREMAP_FIXED, at + PAGE_SIZE), -EINVAL);
	ck_assert_int_eq(mm_mremap(mm, NULL, at, PAGE_SIZE, 2 * PAGE_SIZE,
				   MREMAP_MAYMOVE | MREMAP_FIXED, to), (long)to);
	ck_assert_int_eq(mm_find_vma(mm, to)->prot, RW);
	ck_assert_uint_eq(mm_find_vma(mm, to)->end, to + 2 * PAGE_SIZE);
	ck_assert_int_eq(mm_find_vma(mm, to + 2 * PAGE_SIZE)->prot, PROT_READ);
	ck_assert_int_eq(mm_copy_in(mm, NULL, buf, to, 4), 0);
	ck_assert_str_eq(buf, "abc");
	ck_assert_ptr_null(mm_find_vma(mm, at));
	ck_assert_ptr_nonnull(mm_find_vma(mm, at + PAGE_SIZE));
}
END_TEST

/* ---- fork ---- */

static uint64_t pfn_of(struct mm *m, uint64_t addr)
{
	uint64_t *slot = pt_slot(m->pt, addr >> PAGE_SHIFT, 0);

	ck_assert_ptr_nonnull(slot);
	ck_assert_uint_ne(*slot & PTE_PRESENT, 0);
	return PTE_PFN(*slot);
}

/* Pages of a VMA past the eager-copy limit (FORK_EAGER_VMA, 64): they
 * are shared copy-on-write, not copied at fork. */
#define COW_PAGES 70

static long cow_vma(void)
{
	long a = anon(0x40000000, COW_PAGES * PAGE_SIZE, RW, MAP_FIXED);

	for (int i = 2; i < COW_PAGES; i++)
		mm_copy_out(mm, NULL, (uint64_t)a + (uint64_t)i * PAGE_SIZE, "fill", 5);
	return a;
}

START_TEST(fork_is_copy_on_write)
{
	long a = cow_vma();
	struct mm *child;
	char buf[8];

	mm_copy_out(mm, NULL, (uint64_t)a, "parent", 7);
	mm_copy_out(mm, NULL, (uint64_t)a + PAGE_SIZE, "second", 7);
	ck_assert_uint_eq(memfile_pages_in_use(), COW_PAGES);
	child = mm_fork(mm, NULL);
	ck_assert_ptr_nonnull(child);
	ck_assert_uint_eq(pfn_of(child, (uint64_t)a), pfn_of(mm, (uint64_t)a));
	ck_assert_uint_eq(page_refs(pfn_of(mm, (uint64_t)a)), 2);
	ck_assert_int_eq(child->nvma, mm->nvma);
	ck_assert_uint_eq(child->rss_pages, COW_PAGES);
	ck_assert_uint_eq(memfile_pages_in_use(), COW_PAGES);	/* shared, not copied */
	ck_assert_int_eq(mm_copy_in(child, NULL, buf, (uint64_t)a, 7), 0);
	ck_assert_str_eq(buf, "parent");
	/* A write in the child copies that page only. */
	ck_assert_int_eq(mm_copy_out(child, NULL, (uint64_t)a, "child", 6), 0);
	ck_assert_uint_eq(memfile_pages_in_use(), COW_PAGES + 1);
	ck_assert_uint_ne(pfn_of(child, (uint64_t)a), pfn_of(mm, (uint64_t)a));
	ck_assert_uint_eq(page_refs(pfn_of(mm, (uint64_t)a)), 1);
	ck_assert_uint_eq(page_refs(pfn_of(child, (uint64_t)a)), 1);
	ck_assert_uint_eq(page_refs(pfn_of(mm, (uint64_t)a + PAGE_SIZE)), 2);
	mm_copy_in(mm, NULL, buf, (uint64_t)a, 7);
	ck_assert_str_eq(buf, "parent");
	mm_copy_in(child, NULL, buf, (uint64_t)a, 6);
	ck_assert_str_eq(buf, "child");
	/* Then a write in the parent to the page still shared. */
	ck_assert_int_eq(mm_copy_out(mm, NULL, (uint64_t)a + PAGE_SIZE, "PARENT", 7), 0);
	ck_assert_uint_eq(memfile_pages_in_use(), COW_PAGES + 2);
	mm_copy_in(child, NULL, buf, (uint64_t)a + PAGE_SIZE, 7);
	ck_assert_str_eq(buf, "second");
	mm_put(child);
	ck_assert_uint_eq(memfile_pages_in_use(), COW_PAGES);
}
END_TEST

/* A small VMA's own pages are copied for the child at fork. */
START_TEST(fork_copies_small_vmas_at_once)
{
	long a = anon(0x40000000, 4 * PAGE_SIZE, RW, MAP_FIXED);
	struct mm *child;
	char buf[8];

	mm_copy_out(mm, NULL, (uint64_t)a, "own", 4);
	mm_copy_out(mm, NULL, (uint64_t)a + PAGE_SIZE, "own2", 5);
	child = mm_fork(mm, NULL);
	ck_assert_ptr_nonnull(child);
	ck_assert_uint_ne(pfn_of(child, (uint64_t)a), pfn_of(mm, (uint64_t)a));
	ck_assert_uint_eq(page_refs(pfn_of(mm, (uint64_t)a)), 1);
	ck_assert_uint_eq(page_refs(pfn_of(child, (uint64_t)a)), 1);
	ck_assert_uint_eq(memfile_pages_in_use(), 4);
	ck_assert_uint_eq(child->rss_pages, 2);
	/* The copies came as one run of the memory file: one host mapping. */
	ck_assert_uint_eq(pfn_of(child, (uint64_t)a + PAGE_SIZE), pfn_of(child, (uint64_t)a) + 1);
	mm_copy_in(child, NULL, buf, (uint64_t)a + PAGE_SIZE, 5);
	ck_assert_str_eq(buf, "own2");
	mm_copy_out(child, NULL, (uint64_t)a, "kid", 4);
	mm_copy_in(mm, NULL, buf, (uint64_t)a, 4);
	ck_assert_str_eq(buf, "own");
	mm_put(child);
	ck_assert_uint_eq(memfile_pages_in_use(), 2);
}
END_TEST

START_TEST(fork_shares_shared_anonymous_memory)
{
	long a = mm_mmap(mm, NULL, 0, PAGE_SIZE, RW, MAP_SHARED | MAP_ANONYMOUS, NULL, 0, NULL);
	struct mm *child;
	char buf[8];

	ck_assert_int_gt(a, 0);
	mm_copy_out(mm, NULL, (uint64_t)a, "before", 7);
	child = mm_fork(mm, NULL);
	ck_assert_int_eq(mm_copy_out(child, NULL, (uint64_t)a, "after", 6), 0);
	mm_copy_in(mm, NULL, buf, (uint64_t)a, 6);
	ck_assert_str_eq(buf, "after");
	mm_put(child);
	/* The object outlives the child's mapping. */
	mm_copy_in(mm, NULL, buf, (uint64_t)a, 6);
	ck_assert_str_eq(buf, "after");
}
END_TEST

START_TEST(fork_after_child_exit_keeps_parent_pages)
{
	long a = anon(0, 8 * PAGE_SIZE, RW, 0);
	char buf[8];

	for (int i = 0; i < 8; i++)
		mm_copy_out(mm, NULL, (uint64_t)a + (uint64_t)i * PAGE_SIZE, "page", 5);
	for (int r = 0; r < 20; r++) {
		struct mm *c = mm_fork(mm, NULL);

		ck_assert_ptr_nonnull(c);
		mm_copy_out(c, NULL, (uint64_t)a + (uint64_t)(r % 8) * PAGE_SIZE, "kid", 4);
		mm_put(c);
	}
	ck_assert_uint_eq(memfile_pages_in_use(), 8);
	for (int i = 0; i < 8; i++) {
		mm_copy_in(mm, NULL, buf, (uint64_t)a + (uint64_t)i * PAGE_SIZE, 5);
		ck_assert_str_eq(buf, "page");
	}
}
END_TEST

START_TEST(populate_maps_present_pages_in_runs)
{
	long a = anon(0x40000000, 8 * PAGE_SIZE, RW, MAP_FIXED);
	char z[3 * PAGE_SIZE] = { 0 };

	/* Pages 0-2 and 5: one run or more for 0-2 (depending on how the
	 * allocator placed them), never one covering the hole. */
	mm_copy_out(mm, NULL, (uint64_t)a, z, sizeof(z));
	mm_copy_out(mm, NULL, (uint64_t)a + 5 * PAGE_SIZE, "x", 1);
	ck_assert_int_eq(mm_populate(mm, NULL, false, false), 0);
	ck_assert_int_eq(batch_pages, 4);
	ck_assert_int_ge(batch_ops, 2);
	/* Mapped now: a second populate has nothing to do. */
	batch_ops = batch_pages = 0;
	ck_assert_int_eq(mm_populate(mm, NULL, false, false), 0);
	ck_assert_int_eq(batch_ops, 0);
}
END_TEST

START_TEST(huge_sparse_mapping_is_cheap)
{
	/* 64 TiB of address space with two pages touched: operations must
	 * cost what is present, not the size (see collect_runs). */
	long a = anon(0, 1UL << 46, RW, MAP_NORESERVE);
	struct mm *c;
	char buf[4];

	ck_assert_int_gt(a, 0);
	mm_copy_out(mm, NULL, (uint64_t)a, "lo", 3);
	mm_copy_out(mm, NULL, (uint64_t)a + (1UL << 46) - PAGE_SIZE, "hi", 3);
	c = mm_fork(mm, NULL);
	ck_assert_ptr_nonnull(c);
	/* What a fork child does before it first runs: one op per page. */
	ck_assert_int_eq(mm_populate(c, NULL, false, false), 0);
	ck_assert_int_eq(batch_ops, 2);
	ck_assert_int_eq(batch_pages, 2);
	ck_assert_int_eq(mm_copy_in(c, NULL, buf, (uint64_t)a + (1UL << 46) - PAGE_SIZE, 3), 0);
	ck_assert_str_eq(buf, "hi");
	mm_put(c);
	ck_assert_int_eq(mm_mprotect(mm, NULL, (uint64_t)a, 1UL << 46, PROT_READ), 0);
	ck_assert_int_eq(mm_munmap(mm, NULL, (uint64_t)a, 1UL << 46), 0);
}
END_TEST

/* A fork into an address space that starts as a copy of the parent's
 * (inherit) leaves the child's mapped pages marked so: its populate maps
 * only the pages the child got copies of (hot). Without inherit it maps
 * every present page. */
START_TEST(fork_inherit_maps_only_the_child_copies)
{
	long a = cow_vma();
	char buf[8];
	uint64_t hot[1];
	struct mm *c;

	mm_copy_out(mm, NULL, (uint64_t)a, "zero", 5);
	mm_copy_out(mm, NULL, (uint64_t)a + PAGE_SIZE, "one", 4);
	mm_copy_out(mm, NULL, (uint64_t)a + 3 * PAGE_SIZE + 100, "\0\0\0\0\0\0", 6);
	ck_assert_int_eq(mm_populate(mm, NULL, false, false), 0);
	ck_assert_int_eq(batch_pages, COW_PAGES);

	hot[0] = (uint64_t)a + 3 * PAGE_SIZE + 100;
	batch_ops = batch_pages = 0;
	c = mm_fork_hot(mm, NULL, hot, 1, true);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(mm_populate(c, NULL, false, false), 0);
	ck_assert_int_eq(batch_pages, 1);
	/* The copy is the child's: a write there is not the parent's. */
	mm_copy_out(c, NULL, hot[0], "child", 6);
	mm_copy_in(mm, NULL, buf, hot[0], 6);
	ck_assert_int_eq(buf[0], 0);
	mm_put(c);

	batch_ops = batch_pages = 0;
	c = mm_fork_hot(mm, NULL, hot, 1, true);
	ck_assert_ptr_nonnull(c);
	mm_fork_uninherit(c);
	ck_assert_int_eq(mm_populate(c, NULL, false, false), 0);
	ck_assert_int_eq(batch_pages, COW_PAGES);
	mm_put(c);
}
END_TEST

/* The ops a platform applies for a fork child on its own: what populate
 * would map; once marked, populate has nothing left to do. */
START_TEST(populate_ops_then_marked)
{
	long a = anon(0x40000000, 4 * PAGE_SIZE, RW, MAP_FIXED);
	struct as_op *ops = NULL;
	int n, pages = 0;

	mm_copy_out(mm, NULL, (uint64_t)a, "x", 1);
	mm_copy_out(mm, NULL, (uint64_t)a + 2 * PAGE_SIZE, "y", 1);
	n = mm_populate_ops(mm, &ops);
	ck_assert_int_ge(n, 2);
	for (int i = 0; i < n; i++) {
		ck_assert_int_eq(ops[i].kind, AS_MAP);
		pages += (int)(ops[i].len / PAGE_SIZE);
	}
	ck_assert_int_eq(pages, 2);
	ck_assert_int_eq(batch_ops, 0);
	mm_mark_mapped(mm, ops, n);
	free(ops);
	ck_assert_int_eq(mm_populate(mm, NULL, false, false), 0);
	ck_assert_int_eq(batch_ops, 0);
}
END_TEST

/* An exec that keeps its address space: the new image's one batch starts
 * by unmapping the whole guest range. */
START_TEST(populate_scrub_unmaps_first)
{
	long a = anon(0x40000000, 2 * PAGE_SIZE, RW, MAP_FIXED);

	mm_copy_out(mm, NULL, (uint64_t)a, "x", 1);
	ck_assert_int_eq(mm_populate(mm, NULL, false, true), 0);
	ck_assert_int_eq(batch_unmaps, 1);
	ck_assert_int_eq(batch_pages, 1);
}
END_TEST

static Suite *mm_suite(void)
{
	Suite *s = suite_create("mm");
	TCase *vma = tcase_create("vma"), *copy = tcase_create("copy"),
	      *remap = tcase_create("mremap"), *fork = tcase_create("fork");
	TCase *all[] = { vma, copy, remap, fork };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		tcase_add_checked_fixture(all[i], setup, teardown);
		suite_add_tcase(s, all[i]);
	}
	tcase_add_test(vma, mmap_picks_aligned_free_range_and_rounds_len);
	tcase_add_test(vma, mmap_hint_fixed_and_noreplace);
	tcase_add_test(vma, adjacent_equal_vmas_merge_and_split);
	tcase_add_test(vma, munmap_arguments);
	tcase_add_test(vma, mprotect_arguments);
	tcase_add_test(vma, get_unmapped_area);
	tcase_add_test(vma, brk_grows_and_shrinks);
	tcase_add_test(copy, copy_across_pages_materialises_them);
	tcase_add_test(copy, copy_faults);
	tcase_add_test(copy, strncpy_in);
	tcase_add_test(copy, madvise_dontneed_and_mincore);
	tcase_add_test(remap, mremap_shrink_grow_move);
	tcase_add_test(remap, mremap_fixed_and_arguments);
	tcase_add_test(fork, fork_is_copy_on_write);
	tcase_add_test(fork, fork_copies_small_vmas_at_once);
	tcase_add_test(fork, fork_shares_shared_anonymous_memory);
	tcase_add_test(fork, fork_after_child_exit_keeps_parent_pages);
	tcase_add_test(fork, populate_maps_present_pages_in_runs);
	tcase_add_test(fork, huge_sparse_mapping_is_cheap);
	tcase_add_test(fork, fork_inherit_maps_only_the_child_copies);
	tcase_add_test(fork, populate_scrub_unmaps_first);
	tcase_add_test(fork, populate_ops_then_marked);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(mm_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
