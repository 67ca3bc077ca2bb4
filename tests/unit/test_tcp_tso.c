/* Unit tests of TSO sending in the TCP engine (net/tcp_engine.c): with
 * tcp_cb.tso_max set, new data leaves in segments of up to tso_max whole
 * MSS pieces, which the layer below cuts (ip_output_tso). Here a simulated
 * link cuts them as a NIC would (one frame per MSS, its own sequence
 * number, FIN and PSH on the last piece only) and loses single frames.
 * Checked: transfers arrive byte for byte, no segment is larger than the
 * goal or reaches past the window the receiver advertised, TSO actually
 * batches, and without tso_max nothing exceeds the MSS. */
#define _GNU_SOURCE
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "net/tcp.h"

#define need(c) do { if (!(c)) ck_abort_msg("failed: %s", #c); } while (0)

#define MS 1000000ULL
#define SEC 1000000000ULL

struct frame {
	struct frame *next;
	uint64_t when;
	int to;
	size_t len;
	uint8_t data[];
};

static struct {
	uint64_t now, rng, delay;
	double loss;
	struct tcp_cb cb[2];
	uint64_t timer[2];
	bool listening;
	struct frame *head, **tail;      /* FIFO: one fixed delay, no reordering */
	/* what the sender (0) handed to output */
	uint64_t segs, big_segs, max_payload, window_overruns;
} S;

static uint32_t rnd(void)
{
	S.rng ^= S.rng << 13;
	S.rng ^= S.rng >> 7;
	S.rng ^= S.rng << 17;
	return (uint32_t)(S.rng >> 11);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void wire(int to, const uint8_t *p, size_t len)
{
	struct frame *f;

	if ((rnd() & 0xffffff) < S.loss * 0x1000000)
		return;
	f = malloc(sizeof(*f) + len);
	need(f);
	f->next = NULL;
	f->when = S.now + S.delay;
	f->to = to;
	f->len = len;
	memcpy(f->data, p, len);
	*S.tail = f;
	S.tail = &f->next;
}

/* The "NIC": cut a segment into frames of at most mss payload bytes. */
static void env_output(struct tcp_cb *tp, uint8_t *seg, size_t len)
{
	int from = tp == &S.cb[0] ? 0 : 1;
	size_t hl = (size_t)(seg[12] >> 4) * 4, plen = len - hl, off = 0;
	uint8_t piece[20 + 40 + 65536];

	need(hl >= 20 && hl <= len);
	if (from == 0) {
		S.segs++;
		if (plen > tp->mss)
			S.big_segs++;
		if (plen > S.max_payload)
			S.max_payload = plen;
		/* the receiver's advertised right edge only grows: data past
		 * it would be out of window */
		if (plen && (S.cb[1].state == TCPS_ESTABLISHED ||
			     S.cb[1].state == TCPS_CLOSE_WAIT) &&
		    SEQ_GT(rd32(seg + 4) + (uint32_t)plen, S.cb[1].rcv_adv))
			S.window_overruns++;
	}
	if (plen <= tp->mss) {
		wire(1 - from, seg, len);
		free(seg);
		return;
	}
	for (; off < plen; off += tp->mss) {
		size_t n = plen - off < tp->mss ? plen - off : tp->mss;

		memcpy(piece, seg, hl);
		wr32(piece + 4, rd32(seg + 4) + (uint32_t)off);
		if (off + n < plen)
			piece[13] &= (uint8_t)~(TH_FIN | TH_PSH);
		memcpy(piece + hl, seg + hl + off, n);
		wire(1 - from, piece, hl + n);
	}
	free(seg);
}

static uint64_t env_now(struct tcp_cb *tp)
{
	return S.now;
}

static void env_timer(struct tcp_cb *tp, uint64_t when)
{
	S.timer[tp == &S.cb[0] ? 0 : 1] = when;
}

static uint32_t env_random(struct tcp_cb *tp)
{
	return rnd();
}

static const struct tcp_env env = {
	.output = env_output,
	.now = env_now,
	.timer = env_timer,
	.random = env_random,
};

static void sim_init(uint64_t seed, double loss, uint32_t tso_max, size_t rcvbuf)
{
	memset(&S, 0, sizeof(S));
	S.rng = seed * 2654435761u + 88172645463325252ULL;
	S.loss = loss;
	S.delay = 2 * MS;
	S.now = SEC;
	S.tail = &S.head;
	for (int i = 0; i < 2; i++) {
		tcp_cb_init(&S.cb[i], &env, NULL);
		S.cb[i].sport = (uint16_t)(2000 + i);
		S.cb[i].dport = (uint16_t)(2001 - i);
		S.cb[i].sndbuf = 1 << 20;
		S.cb[i].rcvbuf = rcvbuf;
	}
	S.cb[0].tso_max = tso_max;
}

static void sim_free(void)
{
	while (S.head) {
		struct frame *f = S.head;

		S.head = f->next;
		free(f);
	}
	tcp_cb_free(&S.cb[0]);
	tcp_cb_free(&S.cb[1]);
}

/* One event before limit: a frame or a timer; false if none. */
static bool step(uint64_t limit)
{
	uint64_t t = limit;
	int which = -1;

	if (S.head && S.head->when <= t) {
		t = S.head->when;
		which = 2;
	}
	for (int i = 0; i < 2; i++)
		if (S.timer[i] && S.timer[i] < t) {
			t = S.timer[i];
			which = i;
		}
	if (which < 0)
		return false;
	if (t > S.now)
		S.now = t;
	if (which == 2) {
		struct frame *f = S.head;

		S.head = f->next;
		if (!S.head)
			S.tail = &S.head;
		if (f->to == 1 && S.listening) {
			if (tcp_accept_syn(&S.cb[1], f->data, f->len, 1460) == 0)
				S.listening = false;
		} else {
			tcp_input(&S.cb[f->to], f->data, f->len);
		}
		free(f);
	} else {
		S.timer[which] = 0;
		tcp_timer(&S.cb[which]);
	}
	return true;
}

static uint8_t pattern(uint64_t i)
{
	return (uint8_t)((i * 2654435761u) >> 11 ^ i >> 17);
}

/* total bytes from 0 to 1 with a FIN at the end; checked byte for byte. */
static void transfer(uint64_t total)
{
	static uint8_t buf[65536];
	uint64_t sent = 0, got = 0;
	bool fin = false;

	S.listening = true;
	ck_assert_int_eq(tcp_connect(&S.cb[0], 1460), 0);
	while (step(S.now + 30 * SEC) && S.cb[0].state != TCPS_ESTABLISHED)
		;
	ck_assert_int_eq(S.cb[0].state, TCPS_ESTABLISHED);
	while (got < total || S.cb[1].state != TCPS_CLOSE_WAIT) {
		while (sent < total && tcp_send_space(&S.cb[0])) {
			size_t n = total - sent < sizeof(buf) ? total - sent : sizeof(buf);
			long w;

			for (size_t i = 0; i < n; i++)
				buf[i] = pattern(sent + i);
			w = tcp_send(&S.cb[0], buf, n, 0);
			need(w >= 0);
			if (!w)
				break;
			sent += (uint64_t)w;
		}
		if (sent == total && !fin) {
			tcp_shutdown_wr(&S.cb[0]);
			fin = true;
		}
		for (;;) {
			size_t n = tcp_recv(&S.cb[1], buf, sizeof(buf), false, 0);

			if (!n)
				break;
			for (size_t i = 0; i < n; i++)
				if (buf[i] != pattern(got + i))
					ck_abort_msg("byte %llu differs", (unsigned long long)(got + i));
			got += n;
			tcp_rcv_window_update(&S.cb[1]);
		}
		if (got == total && S.cb[1].state == TCPS_CLOSE_WAIT)
			break;
		if (!step(S.now + 600 * SEC))
			ck_abort_msg("stalled at %llu of %llu", (unsigned long long)got,
				     (unsigned long long)total);
	}
	ck_assert_uint_eq(got, total);
}

START_TEST(tso_clean)
{
	sim_init(1, 0, 65000, 1 << 20);
	transfer(8u << 20);
	/* mss 1448 (1460 less timestamps): the goal is 44 pieces */
	ck_assert_uint_eq(S.cb[0].mss, 1448);
	ck_assert_uint_le(S.max_payload, 65000 / 1448 * 1448);
	ck_assert_uint_gt(S.big_segs, 0);
	/* ACK-clocked, a segment is what each ACK frees (2-3 MSS here, no
	 * deferral as Linux's tcp_tso_should_defer): fewer than 3/4 of the
	 * frames, where without TSO there is one per frame */
	ck_assert_uint_lt(S.segs, (8u << 20) / 1448 * 3 / 4);
	ck_assert_uint_eq(S.window_overruns, 0);
	sim_free();
}
END_TEST

START_TEST(tso_small_window)
{
	/* a receive buffer of a few MSS: segments shrink to what it offers */
	sim_init(2, 0, 65000, 6000);
	transfer(1u << 20);
	ck_assert_uint_le(S.max_payload, 6000);
	ck_assert_uint_eq(S.window_overruns, 0);
	sim_free();
}
END_TEST

START_TEST(tso_loss)
{
	static const double loss[] = { 0.01, 0.05 };

	for (int i = 0; i < 2; i++) {
		sim_init(3 + (uint64_t)i, loss[i], 65000, 1 << 20);
		transfer(4u << 20);
		ck_assert_uint_gt(S.big_segs, 0);
		ck_assert_uint_eq(S.window_overruns, 0);
		sim_free();
	}
}
END_TEST

START_TEST(tso_off)
{
	sim_init(5, 0, 0, 1 << 20);
	transfer(2u << 20);
	ck_assert_uint_eq(S.big_segs, 0);
	ck_assert_uint_le(S.max_payload, S.cb[0].mss);
	sim_free();
	/* below two MSS it is off too */
	sim_init(6, 0, 2000, 1 << 20);
	transfer(1u << 20);
	ck_assert_uint_eq(S.big_segs, 0);
	sim_free();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tcp_tso");
	TCase *tc = tcase_create("tso");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, tso_clean);
	tcase_add_test(tc, tso_small_window);
	tcase_add_test(tc, tso_loss);
	tcase_add_test(tc, tso_off);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
