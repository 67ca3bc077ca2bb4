/* Unit tests of the TCP engine (net/tcp_engine.c, net/tcp_cc.c): two
 * endpoints over a simulated link with loss, duplication, reordering and
 * delay, in simulated time. Bulk transfers are checked byte for byte;
 * state-machine cases cover simultaneous open and close, resets,
 * TIME_WAIT and zero-window probing. */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net/tcp.h"

/* Check's ck_assert_* send a message to the parent even when they pass:
 * hot loops use need(), which only reports failures. */
#define need(c) do { if (!(c)) ck_abort_msg("failed: %s", #c); } while (0)

#define MS 1000000ULL
#define SEC 1000000000ULL

/* ---- the simulated world ---- */

struct ep {
	struct tcp_cb cb;
	uint64_t timer;
	bool listening;             /* answer a SYN with tcp_accept_syn */
	bool no_socket;             /* answer everything with a reset */
	int id;
};

struct pkt {
	uint64_t when;
	uint64_t order;
	int to;
	size_t len;
	uint8_t *data;              /* NULL: ref */
	struct tcp_pkt ref;         /* by reference (as the sentry's lo) */
};

/* Segments travel by reference (env->output_pkt, tcp_input_pkt), the
 * receiver keeping the sender's chunks, as over the sentry's lo. */
static bool byref;

static struct sim {
	uint64_t now;
	struct ep ep[2];
	struct pkt **heap;
	size_t n, cap;
	uint64_t order;
	uint64_t rng;
	double loss, dup, reorder;
	uint64_t delay;
	uint64_t sent, dropped, delivered;
	uint64_t probes_seen;       /* zero-length segments with seq below snd_una */
} S;

static uint32_t rnd(void)
{
	S.rng ^= S.rng << 13;
	S.rng ^= S.rng >> 7;
	S.rng ^= S.rng << 17;
	return (uint32_t)(S.rng >> 11);
}

static double frand(void)
{
	return (rnd() & 0xffffff) / (double)0x1000000;
}

static bool pkt_before(const struct pkt *a, const struct pkt *b)
{
	return a->when < b->when || (a->when == b->when && a->order < b->order);
}

static void heap_push(struct pkt *p)
{
	size_t i;

	if (S.n == S.cap) {
		S.cap = S.cap ? S.cap * 2 : 1024;
		S.heap = realloc(S.heap, S.cap * sizeof(*S.heap));
		need(S.heap);
	}
	i = S.n++;
	S.heap[i] = p;
	while (i && pkt_before(S.heap[i], S.heap[(i - 1) / 2])) {
		struct pkt *t = S.heap[i];

		S.heap[i] = S.heap[(i - 1) / 2];
		S.heap[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static struct pkt *heap_pop(void)
{
	struct pkt *top = S.heap[0];
	size_t i = 0;

	S.heap[0] = S.heap[--S.n];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < S.n && pkt_before(S.heap[l], S.heap[m]))
			m = l;
		if (r < S.n && pkt_before(S.heap[r], S.heap[m]))
			m = r;
		if (m == i)
			break;
		struct pkt *t = S.heap[i];

		S.heap[i] = S.heap[m];
		S.heap[m] = t;
		i = m;
	}
	return top;
}

static void link_send(int to, const uint8_t *seg, size_t len, bool lossless)
{
	int copies = 1;

	S.sent++;
	if (!lossless && frand() < S.loss) {
		S.dropped++;
		return;
	}
	if (!lossless && frand() < S.dup)
		copies = 2;
	for (int c = 0; c < copies; c++) {
		struct pkt *p = malloc(sizeof(*p));

		need(p);
		p->data = malloc(len);
		need(p->data);
		memcpy(p->data, seg, len);
		p->len = len;
		p->ref.nspan = 0;
		p->to = to;
		p->when = S.now + S.delay;
		if (!lossless && frand() < S.reorder)
			p->when += (uint64_t)(frand() * 3 * (double)S.delay);
		p->order = S.order++;
		heap_push(p);
	}
}

static void env_output(struct tcp_cb *tp, uint8_t *seg, size_t len)
{
	struct ep *e = tp->ctx;

	link_send(1 - e->id, seg, len, false);
	free(seg);
}

/* The same link for segments by reference: every copy in flight holds
 * its own references to the sender's chunks. */
static void env_output_pkt(struct tcp_cb *tp, struct tcp_pkt *seg)
{
	struct ep *e = tp->ctx;
	int copies = 1;

	S.sent++;
	need(seg->nspan <= TCP_PKT_SPANS);
	if (frand() < S.loss) {
		S.dropped++;
		tcp_pkt_release(seg);
		return;
	}
	if (frand() < S.dup)
		copies = 2;
	for (int c = 0; c < copies; c++) {
		struct pkt *p = malloc(sizeof(*p));
		size_t n = 0;

		need(p);
		p->data = NULL;
		p->ref = *seg;
		for (int i = 0; i < seg->nspan; i++) {
			n += seg->span[i].len;
			if (c)
				seg->span[i].c->ref++;
		}
		need(n == seg->dlen);
		p->len = seg->hlen + seg->dlen;
		p->to = 1 - e->id;
		p->when = S.now + S.delay;
		if (frand() < S.reorder)
			p->when += (uint64_t)(frand() * 3 * (double)S.delay);
		p->order = S.order++;
		heap_push(p);
	}
}

static void pkt_free(struct pkt *p)
{
	if (p->data)
		free(p->data);
	else
		tcp_pkt_release(&p->ref);
	free(p);
}

static uint64_t env_now(struct tcp_cb *tp)
{
	return S.now;
}

static void env_timer(struct tcp_cb *tp, uint64_t when)
{
	((struct ep *)tp->ctx)->timer = when;
}

static uint32_t env_random(struct tcp_cb *tp)
{
	return rnd();
}

static const struct tcp_env env_ref = {
	.output_pkt = env_output_pkt,
	.now = env_now,
	.timer = env_timer,
	.random = env_random,
};

static const struct tcp_env env = {
	.output = env_output,
	.now = env_now,
	.timer = env_timer,
	.random = env_random,
};

static void sim_init(uint64_t seed, double loss, double dup, double reorder, uint64_t delay)
{
	memset(&S, 0, sizeof(S));
	S.rng = seed * 2654435761u + 88172645463325252ULL;
	S.loss = loss;
	S.dup = dup;
	S.reorder = reorder;
	S.delay = delay;
	S.now = SEC;
	for (int i = 0; i < 2; i++) {
		tcp_cb_init(&S.ep[i].cb, byref ? &env_ref : &env, &S.ep[i]);
		S.ep[i].id = i;
		S.ep[i].cb.sport = (uint16_t)(1000 + i);
		S.ep[i].cb.dport = (uint16_t)(1001 - i);
		S.ep[i].cb.sndbuf = 1 << 20;
		S.ep[i].cb.rcvbuf = 1 << 20;
	}
}

static void sim_free(void)
{
	while (S.n)
		pkt_free(heap_pop());
	free(S.heap);
	tcp_cb_free(&S.ep[0].cb);
	tcp_cb_free(&S.ep[1].cb);
}

static void deliver(struct pkt *p)
{
	struct ep *e = &S.ep[p->to];
	uint32_t seq;
	size_t hl;

	if (!p->data && (e->no_socket || (e->listening && e->cb.state == TCPS_CLOSED))) {
		/* not a connection's segment: as bytes */
		p->data = malloc(p->len);
		need(p->data);
		tcp_pkt_flatten(&p->ref, p->data);
		tcp_pkt_release(&p->ref);
	}
	if (!p->data) {
		const uint8_t *h = p->ref.hdr;

		S.delivered++;
		seq = (uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 | (uint32_t)h[6] << 8 | h[7];
		if (!p->ref.dlen && !(h[13] & (TH_SYN | TH_FIN | TH_RST)) &&
		    SEQ_LT(seq, e->cb.rcv_nxt) && e->cb.state == TCPS_ESTABLISHED)
			S.probes_seen++;
		tcp_input_pkt(&e->cb, &p->ref);
		return;
	}
	seq = (uint32_t)p->data[4] << 24 | (uint32_t)p->data[5] << 16 |
	      (uint32_t)p->data[6] << 8 | p->data[7];
	hl = (size_t)(p->data[12] >> 4) * 4;

	S.delivered++;
	if (p->len == hl && !(p->data[13] & (TH_SYN | TH_FIN | TH_RST)) &&
	    SEQ_LT(seq, e->cb.rcv_nxt) && e->cb.state == TCPS_ESTABLISHED)
		S.probes_seen++;
	if (e->no_socket) {
		uint8_t out[20];
		size_t n = tcp_rst_reply(p->data, p->len, out);

		if (n)
			link_send(1 - e->id, out, n, true);
		return;
	}
	if (e->listening && e->cb.state == TCPS_CLOSED) {
		if (tcp_accept_syn(&e->cb, p->data, p->len, 1460) == 0)
			e->listening = false;
		return;
	}
	tcp_input(&e->cb, p->data, p->len);
}

/* Run one event (a delivery or a timer); false when nothing is left
 * before the limit. */
static bool sim_step(uint64_t limit)
{
	uint64_t t = limit;
	int which = -1;

	if (S.n && S.heap[0]->when <= t) {
		t = S.heap[0]->when;
		which = 2;
	}
	for (int i = 0; i < 2; i++)
		if (S.ep[i].timer && S.ep[i].timer < t) {
			t = S.ep[i].timer;
			which = i;
		}
	if (which < 0)
		return false;
	if (t > S.now)
		S.now = t;
	if (which == 2) {
		struct pkt *p = heap_pop();

		deliver(p);
		pkt_free(p);
	} else {
		S.ep[which].timer = 0;
		tcp_timer(&S.ep[which].cb);
	}
	return true;
}

static void run_for(uint64_t ns)
{
	uint64_t end = S.now + ns;

	while (sim_step(end))
		;
	S.now = end;
}

static void handshake(void)
{
	S.ep[1].listening = true;
	ck_assert_int_eq(tcp_connect(&S.ep[0].cb, 1460), 0);
	run_for(50 * SEC);
	ck_assert_int_eq(S.ep[0].cb.state, TCPS_ESTABLISHED);
	ck_assert_int_eq(S.ep[1].cb.state, TCPS_ESTABLISHED);
}

static uint8_t pattern(uint64_t i)
{
	return (uint8_t)((i * 2654435761u) >> 13 ^ i >> 20);
}

/* Send total bytes from ep 0 to ep 1; check them; report figures. */
static void transfer(uint64_t total, double loss, const char *cc, uint64_t seed)
{
	static uint8_t buf[65536];
	uint64_t sent = 0, got = 0;
	struct timespec r0, r1;
	uint64_t t0, events = 0;

	clock_gettime(CLOCK_MONOTONIC, &r0);
	sim_init(seed, loss, 0.01, 0.02, 5 * MS);
	ck_assert_int_eq(tcp_set_cc(&S.ep[0].cb, cc), 0);
	handshake();
	t0 = S.now;
	while (got < total) {
		/* the applications: write what fits, read what is there */
		while (sent < total && tcp_send_space(&S.ep[0].cb)) {
			size_t n = total - sent < sizeof(buf) ? total - sent : sizeof(buf);
			long w;

			for (size_t i = 0; i < n; i++)
				buf[i] = pattern(sent + i);
			w = tcp_send(&S.ep[0].cb, buf, n, 0);
			need(w >= 0);
			if (!w)
				break;
			sent += (uint64_t)w;
		}
		for (;;) {
			size_t n = tcp_recv(&S.ep[1].cb, buf, sizeof(buf), false, 0);

			if (!n)
				break;
			for (size_t i = 0; i < n; i++)
				if (buf[i] != pattern(got + i))
					ck_abort_msg("byte %llu differs", (unsigned long long)(got + i));
			got += n;
		}
		if (got == total)
			break;
		if (!sim_step(S.now + 600 * SEC))
			ck_abort_msg("stalled at %llu of %llu", (unsigned long long)got,
				     (unsigned long long)total);
		need(S.ep[0].cb.state == TCPS_ESTABLISHED);
		events++;
		if (getenv("TCP_DEBUG") && events % 500 == 0) {
			struct tcp_cb *a = &S.ep[0].cb;

			fprintf(stderr, "t=%.3f got=%llu cwnd=%u ssth=%u fl=%u sacked=%u wnd=%u rec=%d loss=%d dup=%d rto=%llu srtt=%llu unsent=%zu\n",
				(double)S.now / 1e9, (unsigned long long)got, a->cwnd, a->ssthresh, a->snd_nxt - a->snd_una, a->sacked_bytes, a->snd_wnd,
				a->in_recovery, a->in_loss, a->dupacks, (unsigned long long)a->rto / 1000000, (unsigned long long)a->srtt / 1000000, tcp_unsent(a));
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &r1);
	/* close cleanly: both ends reach CLOSED or TIME_WAIT */
	tcp_close(&S.ep[0].cb);
	run_for(5 * SEC);
	tcp_close(&S.ep[1].cb);
	run_for(120 * SEC);
	ck_assert_int_eq(S.ep[1].cb.state, TCPS_CLOSED);
	ck_assert_int_eq(S.ep[0].cb.state, TCPS_CLOSED);
	fprintf(stderr,
		"tcp: %llu MiB %s loss %.0f%%: simulated %.2f s, real %.2f s, %llu events, "
		"%llu segments (%llu dropped), %u retransmissions, %u timeouts, %u recoveries\n",
		(unsigned long long)(total >> 20), cc, loss * 100, (double)(S.now - t0) / 1e9,
		(double)(r1.tv_sec - r0.tv_sec) + (double)(r1.tv_nsec - r0.tv_nsec) / 1e9,
		(unsigned long long)events, (unsigned long long)S.sent,
		(unsigned long long)S.dropped, S.ep[0].cb.total_retrans, S.ep[0].cb.rto_count,
		S.ep[0].cb.recoveries);
	sim_free();
}

START_TEST(bulk_64m_loss_1)
{
	transfer(64 << 20, 0.01, "cubic", 1);
}
END_TEST

START_TEST(bulk_64m_loss_5)
{
	transfer(64 << 20, 0.05, "cubic", 2);
}
END_TEST

START_TEST(bulk_64m_loss_20)
{
	transfer(64 << 20, 0.20, "cubic", 3);
}
END_TEST

/* The same by reference: the receive queue and its out-of-order store
 * keep the sender's chunks; loss, duplicates and reordering cut them. */
START_TEST(bulk_64m_loss_5_byref)
{
	byref = true;
	transfer(64 << 20, 0.05, "cubic", 12);
	byref = false;
}
END_TEST

START_TEST(bulk_64m_loss_20_byref)
{
	byref = true;
	transfer(64 << 20, 0.20, "cubic", 13);
	byref = false;
}
END_TEST

START_TEST(bulk_8m_reno_loss_5)
{
	transfer(8 << 20, 0.05, "reno", 4);
}
END_TEST

START_TEST(bulk_8m_no_sack_loss_5)
{
	/* the peer offers neither SACK nor timestamps: NewReno alone */
	static uint8_t buf[65536];
	uint64_t got = 0, sent = 0, total = 8 << 20;

	sim_init(5, 0.05, 0.0, 0.0, 5 * MS);
	S.ep[1].listening = true;
	ck_assert_int_eq(tcp_connect(&S.ep[0].cb, 1460), 0);
	run_for(30 * SEC);
	ck_assert_int_eq(S.ep[0].cb.state, TCPS_ESTABLISHED);
	/* turn the options off on both sides after the fact */
	S.ep[0].cb.sack_ok = S.ep[1].cb.sack_ok = false;
	while (got < total) {
		while (sent < total && tcp_send_space(&S.ep[0].cb)) {
			size_t n = total - sent < sizeof(buf) ? total - sent : sizeof(buf);
			long w;

			for (size_t i = 0; i < n; i++)
				buf[i] = pattern(sent + i);
			w = tcp_send(&S.ep[0].cb, buf, n, 0);
			if (w <= 0)
				break;
			sent += (uint64_t)w;
		}
		for (size_t n; (n = tcp_recv(&S.ep[1].cb, buf, sizeof(buf), false, 0));) {
			for (size_t i = 0; i < n; i++)
				need(buf[i] == pattern(got + i));
			got += n;
		}
		if (got == total)
			break;
		need(sim_step(S.now + 600 * SEC));
	}
	ck_assert_uint_gt(S.ep[0].cb.total_retrans, 0);
	sim_free();
}
END_TEST

START_TEST(simultaneous_open)
{
	sim_init(6, 0, 0, 0, 10 * MS);
	ck_assert_int_eq(tcp_connect(&S.ep[0].cb, 1460), 0);
	ck_assert_int_eq(tcp_connect(&S.ep[1].cb, 1460), 0);
	run_for(100 * MS);
	ck_assert_int_eq(S.ep[0].cb.state, TCPS_ESTABLISHED);
	ck_assert_int_eq(S.ep[1].cb.state, TCPS_ESTABLISHED);
	ck_assert_int_eq(tcp_send(&S.ep[0].cb, "ping", 4, 0), 4);
	run_for(100 * MS);
	ck_assert_uint_eq(tcp_readable(&S.ep[1].cb), 4);
	sim_free();
}
END_TEST

START_TEST(simultaneous_close)
{
	sim_init(7, 0, 0, 0, 10 * MS);
	handshake();
	tcp_close(&S.ep[0].cb);
	tcp_close(&S.ep[1].cb);
	ck_assert_int_eq(S.ep[0].cb.state, TCPS_FIN_WAIT1);
	ck_assert_int_eq(S.ep[1].cb.state, TCPS_FIN_WAIT1);
	run_for(15 * MS);
	ck_assert_int_eq(S.ep[0].cb.state, TCPS_CLOSING);
	ck_assert_int_eq(S.ep[1].cb.state, TCPS_CLOSING);
	run_for(20 * MS);
	ck_assert_int_eq(S.ep[0].cb.state, TCPS_TIME_WAIT);
	ck_assert_int_eq(S.ep[1].cb.state, TCPS_TIME_WAIT);
	run_for(10 * SEC);
	ck_assert_int_eq(S.ep[0].cb.state, TCPS_CLOSED);
	ck_assert_int_eq(S.ep[1].cb.state, TCPS_CLOSED);
	sim_free();
}
END_TEST

START_TEST(time_wait_and_half_close)
{
	sim_init(8, 0, 0, 0, 10 * MS);
	handshake();
	tcp_shutdown_wr(&S.ep[0].cb);
	run_for(100 * MS);
	ck_assert_int_eq(S.ep[0].cb.state, TCPS_FIN_WAIT2);
	ck_assert_int_eq(S.ep[1].cb.state, TCPS_CLOSE_WAIT);
	ck_assert(S.ep[1].cb.fin_rcvd);
	/* the half-closed side still receives */
	ck_assert_int_eq(tcp_send(&S.ep[1].cb, "late", 4, 0), 4);
	ck_assert_int_eq(tcp_send(&S.ep[0].cb, "x", 1, 0), -EPIPE);
	run_for(100 * MS);
	ck_assert_uint_eq(tcp_readable(&S.ep[0].cb), 4);
	ck_assert_uint_eq(tcp_recv(&S.ep[0].cb, NULL, 4, false, 0), 4);
	tcp_close(&S.ep[1].cb);
	ck_assert_int_eq(S.ep[1].cb.state, TCPS_LAST_ACK);
	run_for(100 * MS);
	ck_assert_int_eq(S.ep[0].cb.state, TCPS_TIME_WAIT);
	ck_assert_int_eq(S.ep[1].cb.state, TCPS_CLOSED);
	/* a retransmitted FIN in TIME_WAIT is acknowledged again */
	run_for(3 * SEC);
	ck_assert_int_eq(S.ep[0].cb.state, TCPS_TIME_WAIT);
	run_for(3 * SEC);
	ck_assert_int_eq(S.ep[0].cb.state, TCPS_CLOSED);
	sim_free();
}
END_TEST

START_TEST(connect_refused)
{
	sim_init(9, 0, 0, 0, 10 * MS);
	S.ep[1].no_socket = true;
	tcp_connect(&S.ep[0].cb, 1460);
	run_for(100 * MS);
	ck_assert_int_eq(S.ep[0].cb.state, TCPS_CLOSED);
	ck_assert_int_eq(S.ep[0].cb.err, ECONNREFUSED);
	sim_free();
}
END_TEST

START_TEST(connect_timeout)
{
	sim_init(10, 1.0, 0, 0, 10 * MS);
	tcp_connect(&S.ep[0].cb, 1460);
	S.ep[0].cb.syn_retries = 3;
	run_for(60 * SEC);
	ck_assert_int_eq(S.ep[0].cb.state, TCPS_CLOSED);
	ck_assert_int_eq(S.ep[0].cb.err, ETIMEDOUT);
	/* 1 + 2 + 4 + 8 s of backoff: 4 SYNs */
	ck_assert_uint_eq(S.sent, 4);
	sim_free();
}
END_TEST

START_TEST(reset_on_close_with_unread_data)
{
	sim_init(11, 0, 0, 0, 10 * MS);
	handshake();
	tcp_send(&S.ep[0].cb, "unread", 6, 0);
	run_for(100 * MS);
	ck_assert_uint_eq(tcp_readable(&S.ep[1].cb), 6);
	tcp_close(&S.ep[1].cb);
	ck_assert_int_eq(S.ep[1].cb.state, TCPS_CLOSED);
	run_for(100 * MS);
	ck_assert_int_eq(S.ep[0].cb.state, TCPS_CLOSED);
	ck_assert_int_eq(S.ep[0].cb.err, ECONNRESET);
	sim_free();
}
END_TEST

START_TEST(abort_resets_peer)
{
	sim_init(12, 0, 0, 0, 10 * MS);
	handshake();
	tcp_abort(&S.ep[0].cb, 0);
	run_for(100 * MS);
	ck_assert_int_eq(S.ep[1].cb.state, TCPS_CLOSED);
	ck_assert_int_eq(S.ep[1].cb.err, ECONNRESET);
	/* a segment for the dead connection is answered with a reset */
	S.ep[0].no_socket = true;
	S.ep[1].cb.state = TCPS_ESTABLISHED;
	S.ep[1].cb.err = 0;
	tcp_send(&S.ep[1].cb, "x", 1, 0);
	run_for(100 * MS);
	ck_assert_int_eq(S.ep[1].cb.state, TCPS_CLOSED);
	ck_assert_int_eq(S.ep[1].cb.err, ECONNRESET);
	sim_free();
}
END_TEST

START_TEST(zero_window_probe)
{
	static uint8_t buf[100000];
	size_t total = 0;

	sim_init(13, 0, 0, 0, 10 * MS);
	S.ep[1].cb.rcvbuf = 8192;
	handshake();
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = pattern(i);
	ck_assert_int_eq(tcp_send(&S.ep[0].cb, buf, sizeof(buf), 0), sizeof(buf));
	run_for(1 * SEC);
	/* the receiver keeps the last sliver of its window shut (SWS) */
	ck_assert_uint_le(tcp_readable(&S.ep[1].cb), 8192);
	ck_assert_uint_ge(tcp_readable(&S.ep[1].cb), 8192 - 1460);
	ck_assert_uint_eq(S.ep[0].cb.snd_wnd, 0);
	S.probes_seen = 0;
	run_for(30 * SEC);
	/* probes back off (about 0.2, 0.4, 0.8 ... s) but keep coming */
	ck_assert_uint_ge(S.probes_seen, 4);
	ck_assert_uint_le(S.probes_seen, 10);
	ck_assert_int_eq(S.ep[0].cb.state, TCPS_ESTABLISHED);
	/* the reader drains: the window opens and everything arrives */
	while (total < sizeof(buf)) {
		uint8_t r[4096];
		size_t n = tcp_recv(&S.ep[1].cb, r, sizeof(r), false, 0);

		for (size_t i = 0; i < n; i++)
			need(r[i] == pattern(total + i));
		total += n;
		if (!n)
			need(sim_step(S.now + 120 * SEC));
	}
	sim_free();
}
END_TEST

START_TEST(nagle_and_nodelay)
{
	sim_init(14, 0, 0, 0, 10 * MS);
	handshake();
	/* Nagle: the second small write waits for the first's ACK */
	uint64_t before = S.sent;

	tcp_send(&S.ep[0].cb, "a", 1, 0);
	tcp_send(&S.ep[0].cb, "b", 1, 0);
	ck_assert_uint_eq(S.sent - before, 1);
	run_for(200 * MS);
	ck_assert_uint_eq(tcp_readable(&S.ep[1].cb), 2);
	S.ep[0].cb.nodelay = true;
	before = S.sent;
	tcp_send(&S.ep[0].cb, "c", 1, 0);
	tcp_send(&S.ep[0].cb, "d", 1, 0);
	ck_assert_uint_eq(S.sent - before, 2);
	/* cork holds partial segments until uncorked */
	run_for(200 * MS);
	S.ep[0].cb.cork = true;
	before = S.sent;
	tcp_send(&S.ep[0].cb, "e", 1, 0);
	ck_assert_uint_eq(S.sent - before, 0);
	S.ep[0].cb.cork = false;
	tcp_push(&S.ep[0].cb);
	ck_assert_uint_eq(S.sent - before, 1);
	sim_free();
}
END_TEST

START_TEST(keepalive_times_out)
{
	sim_init(15, 0, 0, 0, 10 * MS);
	handshake();
	S.ep[0].cb.keepidle = 10;
	S.ep[0].cb.keepintvl = 2;
	S.ep[0].cb.keepcnt = 3;
	tcp_set_keepalive(&S.ep[0].cb, true);
	run_for(30 * SEC);
	ck_assert_int_eq(S.ep[0].cb.state, TCPS_ESTABLISHED); /* the peer answers */
	S.loss = 1.0;
	run_for(30 * SEC);
	ck_assert_int_eq(S.ep[0].cb.state, TCPS_CLOSED);
	ck_assert_int_eq(S.ep[0].cb.err, ETIMEDOUT);
	sim_free();
}
END_TEST

/* Hostile segments: random headers, options and payloads, some near the
 * connection's sequence numbers, into an established connection and a
 * listener's SYN path. Nothing may crash or break the queues' bounds,
 * and the connection, if it survives, still carries data. */
START_TEST(garbage_segments)
{
	static uint8_t seg[2000];

	sim_init(16, 0, 0, 0, 1 * MS);
	S.ep[1].cb.rcvbuf = 65536;
	handshake();
	int restarts = 0;

	for (int i = 0; i < 200000; i++) {
		struct tcp_cb *tp = &S.ep[1].cb;
		size_t len = 20 + rnd() % 200, off;
		uint32_t v;

		for (size_t k = 0; k < len; k++)
			seg[k] = (uint8_t)rnd();
		off = 20 + (rnd() % 11) * 4;
		seg[12] = (uint8_t)((rnd() % 3 ? off / 4 : rnd() % 16) << 4);
		if (rnd() % 2) {
			/* plausible numbers: near rcv_nxt and snd_una */
			v = tp->rcv_nxt + rnd() % 70000 - 1000;
			seg[4] = (uint8_t)(v >> 24), seg[5] = (uint8_t)(v >> 16);
			seg[6] = (uint8_t)(v >> 8), seg[7] = (uint8_t)v;
			v = tp->snd_una + rnd() % 3 - 1;
			seg[8] = (uint8_t)(v >> 24), seg[9] = (uint8_t)(v >> 16);
			seg[10] = (uint8_t)(v >> 8), seg[11] = (uint8_t)v;
			seg[13] = (uint8_t)((rnd() % 4 ? TH_ACK : 0) | (rnd() % 8 ? 0 : TH_FIN) |
					    (rnd() % 64 ? 0 : TH_RST) | (rnd() % 64 ? 0 : TH_SYN) |
					    (rnd() % 16 ? 0 : TH_URG));
		}
		if (tp->state == TCPS_CLOSED || tp->state == TCPS_TIME_WAIT) {
			/* start over: a new connection through the SYN path */
			tcp_cb_free(&S.ep[0].cb);
			tcp_cb_free(tp);
			tcp_cb_init(&S.ep[0].cb, &env, &S.ep[0]);
			tcp_cb_init(tp, &env, &S.ep[1]);
			tp->rcvbuf = 65536;
			handshake();
			restarts++;
		}
		tcp_input(tp, seg, len);
		/* plain checks: Check's assertions message the parent each */
		if (tp->rcvq.len > tp->rcvbuf || tp->sndq.len > tp->sndbuf ||
		    tp->ooo.n > TCP_MAX_RANGES)
			ck_abort_msg("bounds broken after segment %d", i);
		if (i % 64 == 0) {
			struct tcp_cb fresh;

			/* and the passive open of a random SYN */
			tcp_cb_init(&fresh, &env, &S.ep[1]);
			seg[13] = TH_SYN;
			if (tcp_accept_syn(&fresh, seg, len, 1460) == 0)
				tcp_input(&fresh, seg, len);
			fresh.env->timer(&fresh, 0);
			tcp_cb_free(&fresh);
			S.ep[1].timer = 0;
		}
		tcp_recv(tp, NULL, 1 << 20, false, 0);
		if (i % 1000 == 0)
			run_for(10 * MS);
	}
	fprintf(stderr, "tcp: 200000 random segments, %d connections reset or closed by them\n",
		restarts);
	sim_free();
}
END_TEST

START_TEST(urgent_byte)
{
	uint8_t b[16];

	sim_init(17, 0, 0, 0, 10 * MS);
	handshake();
	tcp_send(&S.ep[0].cb, "ab", 2, 0);
	tcp_send(&S.ep[0].cb, "XY", 2, TCP_SEND_OOB);
	tcp_send(&S.ep[0].cb, "cd", 2, 0);
	run_for(200 * MS);
	ck_assert_int_eq(S.ep[1].cb.urg_state, TCP_URG_VALID);
	ck_assert_int_eq(S.ep[1].cb.urg_byte, 'Y');
	ck_assert(!tcp_at_mark(&S.ep[1].cb));
	ck_assert_uint_eq(tcp_inq(&S.ep[1].cb), 3);
	/* a read stops at the mark, the next skips the urgent byte */
	ck_assert_uint_eq(tcp_recv(&S.ep[1].cb, b, sizeof(b), false, 0), 3);
	ck_assert(tcp_at_mark(&S.ep[1].cb));
	ck_assert_uint_eq(tcp_recv(&S.ep[1].cb, b, sizeof(b), false, 0), 2);
	ck_assert_int_eq(memcmp(b, "cd", 2), 0);
	ck_assert_int_eq(S.ep[1].cb.urg_state, TCP_URG_NONE);
	sim_free();
}
END_TEST

START_TEST(urgent_byte_byref)
{
	byref = true;
	urgent_byte_fn(0);
	byref = false;
}
END_TEST

/* Out-of-order segments that overlap each other, duplicates and the
 * in-order edge in every way: the receive queue reads back the stream
 * exactly, whatever the order they came in. */
START_TEST(overlapping_out_of_order)
{
	static const uint32_t piece[][2] = {
		{ 100, 200 }, { 150, 250 }, { 400, 500 }, { 90, 410 }, { 500, 601 }, { 602, 603 },
		{ 599, 700 }, { 120, 130 }, { 700, 800 }, { 260, 270 }, { 50, 120 }, { 0, 60 },
		{ 790, 1000 }, { 300, 300 },
	};
	static uint8_t seg[2000], got[1000];

	/* multipliers prime to the 14 pieces: each a permutation */
	static const int mult[] = { 1, 3, 5, 9, 11, 13 };

	for (int order = 0; order < 12; order++) {
		struct tcp_cb *tp;
		uint32_t base;
		int n = (int)(sizeof(piece) / sizeof(piece[0]));

		sim_init(30 + (uint64_t)order, 0, 0, 0, 1 * MS);
		handshake();
		tp = &S.ep[1].cb;
		base = tp->rcv_nxt;
		for (int k = 0; k < n; k++) {
			/* a different permutation each round */
			int i = (k * mult[order % 6] + order) % n;
			uint32_t s0 = piece[i][0], e0 = piece[i][1], seq = base + s0;
			uint32_t ack = tp->snd_nxt;
			size_t len = 20 + (e0 - s0);

			memset(seg, 0, 20);
			seg[0] = (uint8_t)(tp->dport >> 8), seg[1] = (uint8_t)tp->dport;
			seg[2] = (uint8_t)(tp->sport >> 8), seg[3] = (uint8_t)tp->sport;
			seg[4] = (uint8_t)(seq >> 24), seg[5] = (uint8_t)(seq >> 16);
			seg[6] = (uint8_t)(seq >> 8), seg[7] = (uint8_t)seq;
			seg[8] = (uint8_t)(ack >> 24), seg[9] = (uint8_t)(ack >> 16);
			seg[10] = (uint8_t)(ack >> 8), seg[11] = (uint8_t)ack;
			seg[12] = 5 << 4;
			seg[13] = TH_ACK;
			seg[14] = 0xff, seg[15] = 0xff;
			for (uint32_t b = s0; b < e0; b++)
				seg[20 + b - s0] = pattern(b);
			tcp_input(tp, seg, len);
		}
		ck_assert_uint_eq(tcp_readable(tp), 1000);
		ck_assert_int_eq(tp->rcv_nxt - base, 1000);
		ck_assert_int_eq(tp->oooq.n, 0);
		ck_assert_uint_eq(tcp_recv(tp, got, sizeof(got), false, 0), 1000);
		for (uint32_t b = 0; b < 1000; b++)
			if (got[b] != pattern(b))
				ck_abort_msg("order %d: byte %u differs", order, b);
		sim_free();
	}
}
END_TEST

static Suite *tcp_suite(void)
{
	Suite *s = suite_create("tcp");
	TCase *bulk = tcase_create("bulk"), *sm = tcase_create("states");

	tcase_set_timeout(sm, 60);
	tcase_set_timeout(bulk, 120);
	tcase_add_test(bulk, bulk_64m_loss_1);
	tcase_add_test(bulk, bulk_64m_loss_5);
	tcase_add_test(bulk, bulk_64m_loss_20);
	tcase_add_test(bulk, bulk_64m_loss_5_byref);
	tcase_add_test(bulk, bulk_64m_loss_20_byref);
	tcase_add_test(bulk, bulk_8m_reno_loss_5);
	tcase_add_test(bulk, bulk_8m_no_sack_loss_5);
	suite_add_tcase(s, bulk);
	tcase_add_test(sm, simultaneous_open);
	tcase_add_test(sm, simultaneous_close);
	tcase_add_test(sm, time_wait_and_half_close);
	tcase_add_test(sm, connect_refused);
	tcase_add_test(sm, connect_timeout);
	tcase_add_test(sm, reset_on_close_with_unread_data);
	tcase_add_test(sm, abort_resets_peer);
	tcase_add_test(sm, zero_window_probe);
	tcase_add_test(sm, nagle_and_nodelay);
	tcase_add_test(sm, keepalive_times_out);
	tcase_add_test(sm, garbage_segments);
	tcase_add_test(sm, urgent_byte);
	tcase_add_test(sm, urgent_byte_byref);
	tcase_add_test(sm, overlapping_out_of_order);
	suite_add_tcase(s, sm);
	return s;
}

int main(void)
{
	SRunner *r = srunner_create(tcp_suite());
	int failed;

	srunner_run_all(r, CK_NORMAL);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
