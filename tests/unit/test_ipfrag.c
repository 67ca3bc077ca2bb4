/* Unit tests of IP reassembly (net/frag.c): in order, out of order, exact
 * duplicates, overlaps, hostile sizes and lengths, the time limit, the
 * per-datagram fragment cap and the memory ceiling. */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net/frag.h"

#define MAX4 (65535 - 20)
#define SEC 1000000000ULL

static uint8_t payload[65536];

static struct frag_key key(uint32_t id)
{
	struct frag_key k = { .family = AF_INET, .id = id, .proto = 17 };

	k.src[15] = 1;
	k.dst[15] = 2;
	return k;
}

static void setup(void)
{
	frag_flush();
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + (i >> 8));
}

/* Offer [off, off+len) of payload. */
static int offer(uint32_t id, size_t off, size_t len, bool more, uint64_t now, uint8_t **out,
		 size_t *outlen)
{
	struct frag_key k = key(id);

	return frag_input(&k, off, more, payload + off, len, MAX4, now, out, outlen);
}

START_TEST(in_order)
{
	uint8_t *out = NULL;
	size_t n = 0;

	ck_assert_int_eq(offer(1, 0, 1480, true, 0, &out, &n), 0);
	ck_assert_int_eq(offer(1, 1480, 1480, true, 0, &out, &n), 0);
	ck_assert_int_eq(frag_queues(), 1);
	ck_assert_int_eq(offer(1, 2960, 40, false, 0, &out, &n), 1);
	ck_assert_uint_eq(n, 3000);
	ck_assert_int_eq(memcmp(out, payload, 3000), 0);
	free(out);
	ck_assert_int_eq(frag_queues(), 0);
	ck_assert_uint_eq(frag_mem(), 0);
}
END_TEST

START_TEST(out_of_order_and_interleaved)
{
	uint8_t *out = NULL;
	size_t n = 0;

	/* Two datagrams interleaved, each last fragment first. */
	ck_assert_int_eq(offer(7, 16, 5, false, 0, &out, &n), 0);
	ck_assert_int_eq(offer(8, 800, 100, false, 0, &out, &n), 0);
	ck_assert_int_eq(offer(8, 0, 400, true, 0, &out, &n), 0);
	ck_assert_int_eq(offer(7, 8, 8, true, 0, &out, &n), 0);
	ck_assert_int_eq(offer(7, 0, 8, true, 0, &out, &n), 1);
	ck_assert_uint_eq(n, 21);
	ck_assert_int_eq(memcmp(out, payload, 21), 0);
	free(out);
	ck_assert_int_eq(offer(8, 400, 400, true, 0, &out, &n), 1);
	ck_assert_uint_eq(n, 900);
	ck_assert_int_eq(memcmp(out, payload, 900), 0);
	free(out);
	ck_assert_int_eq(frag_queues(), 0);
}
END_TEST

START_TEST(exact_duplicate_is_ignored)
{
	uint8_t *out = NULL;
	size_t n = 0;

	ck_assert_int_eq(offer(2, 0, 64, true, 0, &out, &n), 0);
	ck_assert_int_eq(offer(2, 0, 64, true, 0, &out, &n), 0);
	ck_assert_int_eq(offer(2, 64, 10, false, 0, &out, &n), 1);
	ck_assert_uint_eq(n, 74);
	free(out);
}
END_TEST

START_TEST(overlap_drops_the_datagram)
{
	uint8_t *out = NULL;
	size_t n = 0;

	ck_assert_int_eq(offer(3, 0, 64, true, 0, &out, &n), 0);
	/* Overlapping the first fragment by 8 bytes (a Teardrop-style
	 * rewrite of data already received). */
	ck_assert_int_eq(offer(3, 56, 64, true, 0, &out, &n), -EINVAL);
	ck_assert_int_eq(frag_queues(), 0);
	/* The rest of the datagram then starts a new queue that never
	 * completes from the old pieces. */
	ck_assert_int_eq(offer(3, 64, 8, false, 0, &out, &n), 0);
	ck_assert_int_eq(frag_queues(), 1);
	/* Contained in another fragment: also an overlap. */
	ck_assert_int_eq(offer(4, 0, 128, true, 0, &out, &n), 0);
	ck_assert_int_eq(offer(4, 8, 8, true, 0, &out, &n), -EINVAL);
}
END_TEST

START_TEST(too_big_is_refused)
{
	uint8_t *out = NULL;
	size_t n = 0;

	ck_assert_int_eq(offer(5, 0, 1000, true, 0, &out, &n), 0);
	/* The ping of death: a last fragment ending past 65535. */
	ck_assert_int_eq(offer(5, 65528, 100, false, 0, &out, &n), -EMSGSIZE);
	ck_assert_int_eq(frag_queues(), 0);
	ck_assert_uint_eq(frag_mem(), 0);
}
END_TEST

START_TEST(bad_lengths_are_refused)
{
	uint8_t *out = NULL;
	size_t n = 0;

	/* A middle fragment must hold whole 8-octet units. */
	ck_assert_int_eq(offer(6, 0, 13, true, 0, &out, &n), -EINVAL);
	ck_assert_int_eq(offer(6, 0, 0, true, 0, &out, &n), -EINVAL);
	/* Two different ends. */
	ck_assert_int_eq(offer(6, 0, 16, false, 0, &out, &n), 1);
	free(out);
	ck_assert_int_eq(offer(9, 32, 16, false, 0, &out, &n), 0);
	ck_assert_int_eq(offer(9, 16, 8, false, 0, &out, &n), -EINVAL);
	/* Data past a known end. */
	ck_assert_int_eq(offer(10, 0, 16, false, 0, &out, &n), 1);
	free(out);
	ck_assert_int_eq(offer(11, 8, 8, false, 0, &out, &n), 0);
	ck_assert_int_eq(offer(11, 8, 64, true, 0, &out, &n), -EINVAL);
	ck_assert_int_eq(frag_queues(), 0);
}
END_TEST

START_TEST(never_completed_times_out)
{
	uint8_t *out = NULL;
	size_t n = 0;

	ck_assert_int_eq(offer(12, 0, 1480, true, 0, &out, &n), 0);
	ck_assert_int_eq(frag_expire(FRAG_TIMEOUT_NS - 1), 0);
	ck_assert_int_eq(frag_queues(), 1);
	ck_assert_int_eq(frag_expire(FRAG_TIMEOUT_NS), 1);
	ck_assert_int_eq(frag_queues(), 0);
	ck_assert_uint_eq(frag_mem(), 0);
	/* A late fragment after the time limit does not complete it. */
	ck_assert_int_eq(offer(13, 0, 8, true, 0, &out, &n), 0);
	ck_assert_int_eq(offer(13, 8, 8, false, 31 * SEC, &out, &n), 0);
	ck_assert_int_eq(frag_queues(), 1);
}
END_TEST

START_TEST(fragment_count_is_capped)
{
	uint8_t *out = NULL;
	size_t n = 0;
	int r = 0, i;

	/* 8-byte fragments, every other one, so nothing completes. */
	for (i = 0; i < FRAG_MAX_PER_DGRAM + 10 && r == 0; i++)
		r = offer(14, (size_t)i * 16, 8, true, 0, &out, &n);
	ck_assert_int_eq(r, -ENOBUFS);
	ck_assert_int_eq(i, FRAG_MAX_PER_DGRAM + 1);
	ck_assert_int_eq(frag_queues(), 0);
	ck_assert_uint_eq(frag_mem(), 0);
}
END_TEST

START_TEST(memory_ceiling_evicts_the_oldest)
{
	uint8_t *out = NULL;
	size_t n = 0;
	uint32_t id;

	/* Many half datagrams: the memory in use never passes the ceiling,
	 * and the oldest go first. */
	for (id = 100; id < 300; id++) {
		ck_assert_int_ge(offer(id, 0, 32768, true, 0, &out, &n), 0);
		ck_assert_uint_le(frag_mem(), FRAG_MEM_MAX);
	}
	ck_assert_int_lt(frag_queues(), 200);
	ck_assert_int_gt(frag_queues(), 100);
	/* The newest still completes; the first is gone. */
	ck_assert_int_eq(offer(299, 32768, 100, false, 0, &out, &n), 1);
	ck_assert_uint_eq(n, 32868);
	ck_assert_int_eq(memcmp(out, payload, n), 0);
	free(out);
	ck_assert_int_eq(offer(100, 32768, 100, false, 0, &out, &n), 0);
}
END_TEST

START_TEST(keys_keep_datagrams_apart)
{
	uint8_t *out = NULL;
	size_t n = 0;
	struct frag_key a = key(20), b = key(20);

	b.proto = 6;
	ck_assert_int_eq(frag_input(&a, 0, true, payload, 8, MAX4, 0, &out, &n), 0);
	ck_assert_int_eq(frag_input(&b, 8, false, payload + 8, 8, MAX4, 0, &out, &n), 0);
	ck_assert_int_eq(frag_queues(), 2);
	b.family = AF_INET6;
	b.proto = 17;
	ck_assert_int_eq(frag_input(&b, 8, false, payload + 8, 8, MAX4, 0, &out, &n), 0);
	ck_assert_int_eq(frag_queues(), 3);
	ck_assert_int_eq(frag_input(&a, 8, false, payload + 8, 8, MAX4, 0, &out, &n), 1);
	ck_assert_uint_eq(n, 16);
	free(out);
}
END_TEST

static Suite *ipfrag_suite(void)
{
	Suite *s = suite_create("ipfrag");
	TCase *tc = tcase_create("reassembly");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, in_order);
	tcase_add_test(tc, out_of_order_and_interleaved);
	tcase_add_test(tc, exact_duplicate_is_ignored);
	tcase_add_test(tc, overlap_drops_the_datagram);
	tcase_add_test(tc, too_big_is_refused);
	tcase_add_test(tc, bad_lengths_are_refused);
	tcase_add_test(tc, never_completed_times_out);
	tcase_add_test(tc, fragment_count_is_capped);
	tcase_add_test(tc, memory_ceiling_evicts_the_oldest);
	tcase_add_test(tc, keys_keep_datagrams_apart);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ipfrag_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
