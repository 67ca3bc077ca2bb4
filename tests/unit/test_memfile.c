/* Unit tests of the memory-file page allocator (sentry/memfile.c): runs,
 * reference counts, reuse of freed pages only after they are flushed
 * (punched), and exhaustion. Each test runs in its own Check child with a
 * fresh memory file. */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sentry/log.h"
#include "sentry/memfile.h"

#define TEST_PAGES 8192	/* a multiple of 64: whole bitmap words */

/* sentry/log.c is not linked: a BUG_ON fails the test. */
void sentry_panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static void setup(void)
{
	ck_assert_int_eq(memfile_init(TEST_PAGES * PAGE_SIZE), 0);
}

static void assert_zero_page(int64_t pfn)
{
	const uint8_t *p = pfn_ptr((uint64_t)pfn);

	for (size_t k = 0; k < PAGE_SIZE; k++)
		ck_assert_uint_eq(p[k], 0);
}

START_TEST(alloc_gives_zeroed_runs_never_pfn0)
{
	uint32_t got;
	int64_t a = memfile_alloc_run(8, &got);

	ck_assert_int_gt(a, 0);
	ck_assert_uint_eq(got, 8);
	for (uint32_t i = 0; i < got; i++) {
		ck_assert_uint_eq(page_refs((uint64_t)a + i), 1);
		assert_zero_page(a + i);
	}
	ck_assert_uint_eq(memfile_pages_in_use(), 8);
}
END_TEST

START_TEST(run_skips_a_hole_too_small)
{
	uint32_t got;
	int64_t a = memfile_alloc_run(4, &got), b, c, d;

	b = memfile_alloc_run(1, &got);
	ck_assert_int_eq(b, a + 4);
	/* Free the first run and flush: a hole of 4 before b. A run of 16
	 * goes past it, whole (the hole stays free). */
	for (int i = 0; i < 4; i++)
		page_put((uint64_t)a + i);
	memfile_flush();
	c = memfile_alloc_run(16, &got);
	ck_assert_int_eq(c, b + 1);
	ck_assert_uint_eq(got, 16);
	ck_assert_uint_eq(memfile_pages_in_use(), 17);
	/* Freed again: the rover goes back to the lowest page freed, and
	 * a run that fits there starts there. */
	for (uint32_t i = 0; i < got; i++)
		page_put((uint64_t)c + i);
	page_put((uint64_t)b);
	memfile_flush();
	d = memfile_alloc_run(4, &got);
	ck_assert_int_eq(d, b);
	ck_assert_uint_eq(got, 4);
}
END_TEST

START_TEST(run_takes_the_longest_hole_when_none_fits)
{
	enum { N = TEST_PAGES - 1 };
	static int64_t p[N];
	uint32_t got;
	int64_t r;

	/* Fill the file, then free holes of 2, 5 and 3 pages. */
	for (int i = 0; i < N; i++)
		ck_assert_int_gt(p[i] = memfile_alloc(), 0);
	for (int i = 100; i < 102; i++)
		page_put((uint64_t)p[i]);
	for (int i = 200; i < 205; i++)
		page_put((uint64_t)p[i]);
	for (int i = 300; i < 303; i++)
		page_put((uint64_t)p[i]);
	memfile_flush();
	r = memfile_alloc_run(8, &got);
	ck_assert_int_eq(r, p[200]);
	ck_assert_uint_eq(got, 5);
	r = memfile_alloc_run(8, &got);
	ck_assert_int_eq(r, p[300]);
	ck_assert_uint_eq(got, 3);
}
END_TEST

START_TEST(refcounts)
{
	int64_t a = memfile_alloc();

	page_get((uint64_t)a);
	page_get((uint64_t)a);
	ck_assert_uint_eq(page_refs((uint64_t)a), 3);
	page_put((uint64_t)a);
	page_put((uint64_t)a);
	ck_assert_uint_eq(page_refs((uint64_t)a), 1);
	ck_assert_uint_eq(memfile_pages_in_use(), 1);
	page_put((uint64_t)a);
	ck_assert_uint_eq(page_refs((uint64_t)a), 0);
	ck_assert_uint_eq(memfile_pages_in_use(), 0);
}
END_TEST

START_TEST(freed_page_reused_only_after_flush_and_zeroed)
{
	int64_t a = memfile_alloc(), b, c;

	memset(pfn_ptr((uint64_t)a), 0xa5, PAGE_SIZE);
	page_put((uint64_t)a);
	/* Not yet punched: must not come back. */
	b = memfile_alloc();
	ck_assert_int_ne(b, a);
	memfile_flush();
	c = memfile_alloc();
	ck_assert_int_eq(c, a);
	assert_zero_page(c);
}
END_TEST

START_TEST(raw_pages_come_back_zeroed)
{
	uint32_t got;
	int64_t a = memfile_alloc(), r, z;

	/* A recycled page handed out raw keeps its bytes (the caller
	 * overwrites it); once freed again, a normal allocation zeroes it. */
	memset(pfn_ptr((uint64_t)a), 0xa5, PAGE_SIZE);
	page_put((uint64_t)a);
	memfile_flush();
	r = memfile_alloc_run_raw(1, &got);
	ck_assert_int_eq(r, a);
	ck_assert_uint_eq(got, 1);
	ck_assert_uint_eq(page_refs((uint64_t)r), 1);
	memset(pfn_ptr((uint64_t)r), 0x5a, PAGE_SIZE);
	page_put((uint64_t)r);
	memfile_flush();
	z = memfile_alloc();
	ck_assert_int_eq(z, a);
	assert_zero_page(z);
}
END_TEST

START_TEST(exhaustion_then_flush_on_demand)
{
	int64_t pfn, last = -1;
	uint32_t got;
	uint64_t n = 0;

	while ((pfn = memfile_alloc_run(7, &got)) >= 0) {
		ck_assert_uint_ge(got, 1);
		n += got;
		last = pfn;
	}
	ck_assert_int_eq(pfn, -ENOMEM);
	ck_assert_uint_eq(n, TEST_PAGES - 1);	/* all but pfn 0 */
	ck_assert_uint_eq(memfile_pages_in_use(), TEST_PAGES - 1);
	/* A freed page is found again without an explicit flush. */
	page_put((uint64_t)last);
	pfn = memfile_alloc_run(1, &got);
	ck_assert_int_eq(pfn, last);
}
END_TEST

START_TEST(many_frees_beyond_pending_batch)
{
	/* More frees than one punch batch holds: page_put flushes by itself. */
	enum { N = TEST_PAGES - 1 };
	static int64_t p[N];

	for (int i = 0; i < N; i++)
		ck_assert_int_gt(p[i] = memfile_alloc(), 0);
	for (int r = 0; r < 5; r++) {
		for (int i = 0; i < N; i++)
			page_put((uint64_t)p[i]);
		for (int i = 0; i < N; i++)
			ck_assert_int_gt(p[i] = memfile_alloc(), 0);
	}
	ck_assert_uint_eq(memfile_pages_in_use(), N);
}
END_TEST

static Suite *memfile_suite(void)
{
	Suite *s = suite_create("memfile");
	TCase *tc = tcase_create("alloc");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, alloc_gives_zeroed_runs_never_pfn0);
	tcase_add_test(tc, run_skips_a_hole_too_small);
	tcase_add_test(tc, run_takes_the_longest_hole_when_none_fits);
	tcase_add_test(tc, refcounts);
	tcase_add_test(tc, freed_page_reused_only_after_flush_and_zeroed);
	tcase_add_test(tc, raw_pages_come_back_zeroed);
	tcase_add_test(tc, exhaustion_then_flush_on_demand);
	tcase_add_test(tc, many_frees_beyond_pending_batch);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(memfile_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
