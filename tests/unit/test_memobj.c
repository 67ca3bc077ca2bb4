/* Unit tests of the sparse radix map (pt_slot/pt_walk) and of memory
 * objects (sentry/memobj.c): page lookup fills once, errors leave no page
 * behind, truncate and the last put give pages back. */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sentry/log.h"
#include "sentry/memfile.h"
#include "sentry/memobj.h"

void sentry_panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* ---- pt ---- */

static const uint64_t idxs[] = {
	0, 1, 511, 512, 513, 262143, 262144, (1UL << 27) - 1, 1UL << 27,
	(1UL << 35) + 12345, (1UL << 36) - 1,
};
#define NIDX (sizeof(idxs) / sizeof(idxs[0]))

START_TEST(pt_lookup_without_create_is_null)
{
	struct pt *pt = pt_new();

	for (size_t i = 0; i < NIDX; i++)
		ck_assert_ptr_null(pt_slot(pt, idxs[i], 0));
	pt_free(pt);
}
END_TEST

START_TEST(pt_slots_are_distinct_and_stable)
{
	struct pt *pt = pt_new();

	for (size_t i = 0; i < NIDX; i++) {
		uint64_t *s = pt_slot(pt, idxs[i], 1);

		ck_assert_ptr_nonnull(s);
		ck_assert_uint_eq(*s, 0);
		*s = idxs[i] + 1;
	}
	for (size_t i = 0; i < NIDX; i++) {
		ck_assert_ptr_eq(pt_slot(pt, idxs[i], 0), pt_slot(pt, idxs[i], 1));
		ck_assert_uint_eq(*pt_slot(pt, idxs[i], 0), idxs[i] + 1);
	}
	pt_free(pt);
}
END_TEST

START_TEST(pt_index_beyond_four_levels_is_refused)
{
	struct pt *pt = pt_new();

	/* Must not alias a low index (a wrapped guest page number would
	 * otherwise hit someone else's page). */
	ck_assert_ptr_null(pt_slot(pt, 1UL << 36, 1));
	ck_assert_ptr_null(pt_slot(pt, ~0UL, 1));
	ck_assert_ptr_null(pt_slot(pt, 0, 0));
	pt_free(pt);
}
END_TEST

struct seen {
	uint64_t idx[64];
	int n;
};

static void record(uint64_t idx, uint64_t *slot, void *arg)
{
	struct seen *s = arg;

	ck_assert_uint_eq(*slot, idx + 1);
	ck_assert_int_lt(s->n, 64);
	s->idx[s->n++] = idx;
}

START_TEST(pt_walk_visits_nonzero_in_order_within_range)
{
	struct pt *pt = pt_new();
	struct seen s = { .n = 0 };

	for (size_t i = 0; i < NIDX; i++)
		*pt_slot(pt, idxs[i], 1) = idxs[i] + 1;
	*pt_slot(pt, 700, 1) = 0;	/* created but zero: not visited */
	pt_walk(pt, 0, ~0UL, record, &s);
	ck_assert_int_eq(s.n, (int)NIDX);
	for (size_t i = 0; i < NIDX; i++)
		ck_assert_uint_eq(s.idx[i], idxs[i]);

	s.n = 0;
	pt_walk(pt, 512, 262144, record, &s);	/* [512, 262144) */
	ck_assert_int_eq(s.n, 3);
	ck_assert_uint_eq(s.idx[0], 512);
	ck_assert_uint_eq(s.idx[2], 262143);

	s.n = 0;
	pt_walk(pt, 2, 511, record, &s);	/* empty range of set slots */
	ck_assert_int_eq(s.n, 0);
	pt_free(pt);
}
END_TEST

/* Every window whose ends are at, next to or between the set indices
 * visits exactly the set indices inside it (the walk skips to the slots
 * of each node that overlap the window). */
START_TEST(pt_walk_any_window_matches_a_scan)
{
	struct pt *pt = pt_new();
	uint64_t ends[3 * NIDX + 2];
	size_t ne = 0;

	for (size_t i = 0; i < NIDX; i++) {
		*pt_slot(pt, idxs[i], 1) = idxs[i] + 1;
		ends[ne++] = idxs[i];
		ends[ne++] = idxs[i] + 1;
		if (idxs[i])
			ends[ne++] = idxs[i] - 1;
	}
	ends[ne++] = 1UL << 40;
	ends[ne++] = ~0UL;
	for (size_t a = 0; a < ne; a++) {
		for (size_t b = 0; b < ne; b++) {
			struct seen s = { .n = 0 };
			int want = 0, k = 0;

			pt_walk(pt, ends[a], ends[b], record, &s);
			for (size_t i = 0; i < NIDX; i++) {
				if (idxs[i] < ends[a] || idxs[i] >= ends[b])
					continue;
				want++;
				ck_assert_int_lt(k, s.n);
				ck_assert_uint_eq(s.idx[k++], idxs[i]);
			}
			ck_assert_int_eq(s.n, want);
		}
	}
	pt_free(pt);
}
END_TEST

static void clear(uint64_t idx, uint64_t *slot, void *arg)
{
	(void)idx;
	(void)arg;
	*slot = 0;
}

START_TEST(pt_walk_callback_may_clear)
{
	struct pt *pt = pt_new();
	struct seen s = { .n = 0 };

	for (size_t i = 0; i < NIDX; i++)
		*pt_slot(pt, idxs[i], 1) = idxs[i] + 1;
	pt_walk(pt, 0, 1UL << 27, clear, NULL);
	pt_walk(pt, 0, ~0UL, record, &s);
	ck_assert_int_eq(s.n, 3);
	ck_assert_uint_eq(s.idx[0], 1UL << 27);
	pt_free(pt);
}
END_TEST

/* ---- memobj ---- */

static int fills, fail_at = -1;

static int fill_pattern(struct memobj *obj, uint64_t pgoff, void *page)
{
	(void)obj;
	fills++;
	if ((int)pgoff == fail_at)
		return -EIO;
	memset(page, (int)(pgoff & 0xff) + 1, PAGE_SIZE);
	return 0;
}

static int released;

static void note_release(struct memobj *obj)
{
	(void)obj;
	released++;
}

static const struct memobj_ops file_ops = {
	.fill = fill_pattern,
	.release = note_release,
};

static void setup(void)
{
	ck_assert_int_eq(memfile_init(4096 * PAGE_SIZE), 0);
	fills = 0;
	released = 0;
	fail_at = -1;
}

START_TEST(memobj_page_fills_once)
{
	struct memobj *o = memobj_new(&file_ops, NULL, 10 * PAGE_SIZE, "f");
	int64_t a, b;

	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(o->name, "f");
	a = memobj_page(o, 3);
	ck_assert_int_gt(a, 0);
	ck_assert_uint_eq(((uint8_t *)pfn_ptr((uint64_t)a))[100], 4);
	b = memobj_page(o, 3);
	ck_assert_int_eq(a, b);
	ck_assert_int_eq(fills, 1);
	ck_assert_uint_eq(page_refs((uint64_t)a), 1);
	memobj_put(o);
	ck_assert_int_eq(released, 1);
	ck_assert_uint_eq(memfile_pages_in_use(), 0);
}
END_TEST

START_TEST(memobj_fill_error_leaves_no_page)
{
	struct memobj *o = memobj_new(&file_ops, NULL, 10 * PAGE_SIZE, "f");

	fail_at = 2;
	ck_assert_int_eq(memobj_page(o, 2), -EIO);
	ck_assert_uint_eq(memfile_pages_in_use(), 0);
	fail_at = -1;
	ck_assert_int_gt(memobj_page(o, 2), 0);
	memobj_put(o);
}
END_TEST

START_TEST(memobj_anonymous_pages_are_zero)
{
	struct memobj *o = memobj_new(NULL, NULL, 4 * PAGE_SIZE, NULL);
	int64_t a = memobj_page(o, 0);

	ck_assert_ptr_null(o->name);
	for (size_t k = 0; k < PAGE_SIZE; k++)
		ck_assert_uint_eq(((uint8_t *)pfn_ptr((uint64_t)a))[k], 0);
	memobj_put(o);
}
END_TEST

START_TEST(memobj_huge_pgoff_is_an_error_not_a_crash)
{
	struct memobj *o = memobj_new(&file_ops, NULL, ~0UL, "big");

	ck_assert_int_lt(memobj_page(o, 1UL << 40), 0);
	ck_assert_int_lt(memobj_page(o, ~0UL), 0);
	memobj_put(o);
}
END_TEST

START_TEST(memobj_truncate_and_refs)
{
	struct memobj *o = memobj_new(&file_ops, NULL, 10 * PAGE_SIZE, "f");
	int64_t p[10];

	for (int i = 0; i < 10; i++)
		p[i] = memobj_page(o, (uint64_t)i);
	/* A mapping keeps page 8 alive past the truncate. */
	page_get((uint64_t)p[8]);
	memobj_truncate(o, 5);
	ck_assert_uint_eq(memfile_pages_in_use(), 6);
	ck_assert_uint_eq(page_refs((uint64_t)p[8]), 1);
	/* Refilled after truncate, into a new page. */
	fills = 0;
	ck_assert_int_gt(memobj_page(o, 7), 0);
	ck_assert_int_eq(fills, 1);
	memobj_get(o);
	memobj_put(o);
	ck_assert_int_eq(released, 0);
	memobj_put(o);
	ck_assert_int_eq(released, 1);
	page_put((uint64_t)p[8]);
	ck_assert_uint_eq(memfile_pages_in_use(), 0);
}
END_TEST

static Suite *memobj_suite(void)
{
	Suite *s = suite_create("memobj");
	TCase *pt = tcase_create("pt");
	TCase *obj = tcase_create("memobj");

	tcase_add_test(pt, pt_lookup_without_create_is_null);
	tcase_add_test(pt, pt_slots_are_distinct_and_stable);
	tcase_add_test(pt, pt_index_beyond_four_levels_is_refused);
	tcase_add_test(pt, pt_walk_visits_nonzero_in_order_within_range);
	tcase_add_test(pt, pt_walk_callback_may_clear);
	tcase_add_test(pt, pt_walk_any_window_matches_a_scan);
	suite_add_tcase(s, pt);
	tcase_add_checked_fixture(obj, setup, NULL);
	tcase_add_test(obj, memobj_page_fills_once);
	tcase_add_test(obj, memobj_fill_error_leaves_no_page);
	tcase_add_test(obj, memobj_anonymous_pages_are_zero);
	tcase_add_test(obj, memobj_huge_pgoff_is_an_error_not_a_crash);
	tcase_add_test(obj, memobj_truncate_and_refs);
	suite_add_tcase(s, obj);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(memobj_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
