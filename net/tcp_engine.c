/* The TCP engine: one connection's state machine (RFC 9293 3.10), with
 * retransmission timing (RFC 6298), fast retransmit and NewReno recovery
 * (RFC 6582) driven by a SACK scoreboard when the peer allows it (RFC 2018,
 * loss recovery after RFC 6675), window scaling and timestamps (RFC 7323),
 * the MSS option, Nagle (RFC 896) with TCP_NODELAY and TCP_CORK, delayed
 * ACKs, zero-window probes, keepalive and TIME_WAIT. Congestion control
 * lives in net/tcp_cc.c. No sentry dependencies: see struct tcp_env. */
#define _GNU_SOURCE
#include "net/tcp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NS_MS 1000000ULL
#define NS_S 1000000000ULL
#define RTO_MIN (200 * NS_MS)
#define RTO_MAX (120 * NS_S)
#define RTO_INIT (1 * NS_S)
#define DELACK_NS (40 * NS_MS)
#define CORK_NS (200 * NS_MS)
#define TIMEWAIT_NS (5 * NS_S)     /* 2MSL, short for a sandbox; RFC 9293 allows any */
#define FIN_TIMEOUT_NS (60 * NS_S) /* orphaned FIN_WAIT2, tcp_fin_timeout */
#define PERSIST_MAX (60 * NS_S)
#define SYNACK_RETRIES 5
#define OOW_NS (500 * NS_MS)       /* tcp_invalid_ratelimit */
#define MAX_WSCALE 14
#define OUR_WSCALE 7               /* fits TCP_RCVBUF_MAX in 16 bits */
#define HDR 20

/* A parsed segment. */
struct seg {
	uint32_t seq, ack, wnd;
	uint16_t urp;
	uint8_t flags;
	const uint8_t *data;
	size_t dlen;
	bool has_mss, has_ws, sack_perm, has_ts;
	uint16_t mss;
	uint8_t ws;
	uint32_t tsval, tsecr;
	int nsack;
	uint32_t sack[4][2];
};

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

static void wr16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Parse the header and options of untrusted bytes. */
static int parse(const uint8_t *p, size_t len, struct seg *s)
{
	size_t off, i;

	memset(s, 0, sizeof(*s));
	if (len < HDR)
		return -EINVAL;
	off = (size_t)(p[12] >> 4) * 4;
	if (off < HDR || off > len)
		return -EINVAL;
	s->seq = rd32(p + 4);
	s->ack = rd32(p + 8);
	s->flags = p[13] & 0x3f;
	s->wnd = (uint32_t)(p[14] << 8 | p[15]);
	s->urp = (uint16_t)(p[18] << 8 | p[19]);
	s->data = p + off;
	s->dlen = len - off;
	for (i = HDR; i < off;) {
		uint8_t kind = p[i], olen;

		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= off)
			break;
		olen = p[i + 1];
		if (olen < 2 || i + olen > off)
			break;
		switch (kind) {
		case 2:
			if (olen == 4) {
				s->has_mss = true;
				s->mss = (uint16_t)(p[i + 2] << 8 | p[i + 3]);
			}
			break;
		case 3:
			if (olen == 3) {
				s->has_ws = true;
				s->ws = p[i + 2] > MAX_WSCALE ? MAX_WSCALE : p[i + 2];
			}
			break;
		case 4:
			if (olen == 2)
				s->sack_perm = true;
			break;
		case 5:
			if (olen >= 10 && (olen - 2) % 8 == 0) {
				int n = (olen - 2) / 8;

				for (int k = 0; k < n && k < 4; k++) {
					s->sack[k][0] = rd32(p + i + 2 + 8 * k);
					s->sack[k][1] = rd32(p + i + 6 + 8 * k);
				}
				s->nsack = n < 4 ? n : 4;
			}
			break;
		case 8:
			if (olen == 10) {
				s->has_ts = true;
				s->tsval = rd32(p + i + 2);
				s->tsecr = rd32(p + i + 6);
			}
			break;
		}
		i += olen;
	}
	return 0;
}

/* ---- chunks and byte queues ---- */

/* Spent full-size chunks, most recent first: a bulk transfer reuses
 * memory still in the cache rather than fault in fresh pages (malloc
 * gives them back to the system). Callers of the engine are serialized
 * (the BKL), so one list serves every connection. */
#define CHUNK_CACHE 16
static struct tcp_chunk *chunk_cache[CHUNK_CACHE];
static int nchunk_cache;

static struct tcp_chunk *chunk_new(uint32_t cap)
{
	struct tcp_chunk *c;

	if (cap == TCP_CHUNK_MAX && nchunk_cache)
		c = chunk_cache[--nchunk_cache];
	else
		c = malloc(sizeof(*c) + cap);
	if (!c)
		return NULL;
	c->ref = 1;
	c->cap = cap;
	c->used = 0;
	return c;
}

static void chunk_put(struct tcp_chunk *c)
{
	if (!c || --c->ref)
		return;
	if (c->cap == TCP_CHUNK_MAX && nchunk_cache < CHUNK_CACHE)
		chunk_cache[nchunk_cache++] = c;
	else
		free(c);
}

void tcp_pkt_release(struct tcp_pkt *p)
{
	for (int i = 0; i < p->nspan; i++)
		chunk_put(p->span[i].c);
	p->nspan = 0;
	p->dlen = 0;
}

void tcp_pkt_flatten(const struct tcp_pkt *p, uint8_t *out)
{
	memcpy(out, p->hdr, p->hlen);
	out += p->hlen;
	for (int i = 0; i < p->nspan; i++) {
		memcpy(out, p->span[i].c->data + p->span[i].off, p->span[i].len);
		out += p->span[i].len;
	}
}

static struct tcp_span *q_at(const struct tcp_bufq *q, size_t i)
{
	return &q->v[(q->vhead + i) & (q->vcap - 1)];
}

/* Append sp, whose reference passes to q (merged into the tail span when
 * it continues it); -ENOMEM leaves the reference with the caller. */
static int q_push(struct tcp_bufq *q, struct tcp_span sp)
{
	if (q->vn) {
		struct tcp_span *t = q_at(q, q->vn - 1);

		if (t->c == sp.c && t->off + t->len == sp.off) {
			t->len += sp.len;
			q->len += sp.len;
			chunk_put(sp.c);
			return 0;
		}
	}
	if (q->vn == q->vcap) {
		size_t nc = q->vcap ? q->vcap * 2 : 8;
		struct tcp_span *nv = malloc(nc * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		for (size_t i = 0; i < q->vn; i++)
			nv[i] = *q_at(q, i);
		free(q->v);
		q->v = nv;
		q->vcap = nc;
		q->vhead = 0;
	}
	*q_at(q, q->vn) = sp;
	q->vn++;
	q->len += sp.len;
	return 0;
}

/* q's fill chunk with room, a new one (of at least want bytes, up to
 * TCP_CHUNK_MAX, sizes doubling) when it is full. */
static struct tcp_chunk *fill_room(struct tcp_bufq *q, size_t want)
{
	uint32_t cap;

	if (q->fill && q->fill->used < q->fill->cap)
		return q->fill;
	chunk_put(q->fill);
	q->fill = NULL;
	cap = q->next_cap ? q->next_cap : 2048;
	while (cap < want && cap < TCP_CHUNK_MAX)
		cap *= 2;
	if (cap > TCP_CHUNK_MAX)
		cap = TCP_CHUNK_MAX;
	q->fill = chunk_new(cap);
	if (!q->fill)
		return NULL;
	q->next_cap = cap < TCP_CHUNK_MAX ? cap * 2 : cap;
	return q->fill;
}

/* Copy n bytes into q's fill chunks; the spans holding them (a reference
 * each) go to out (room for max). Returns their count, -ENOMEM. */
static int fill_copy(struct tcp_bufq *q, const uint8_t *p, size_t n, struct tcp_span *out, int max)
{
	int k = 0;

	while (n) {
		struct tcp_chunk *c = k < max ? fill_room(q, n) : NULL;
		size_t m;

		if (!c) {
			while (k)
				chunk_put(out[--k].c);
			return -ENOMEM;
		}
		m = c->cap - c->used < n ? c->cap - c->used : n;
		memcpy(c->data + c->used, p, m);
		out[k].c = c;
		out[k].off = c->used;
		out[k].len = (uint32_t)m;
		c->ref++;
		c->used += (uint32_t)m;
		k++;
		p += m;
		n -= m;
	}
	return k;
}

long tcp_bufq_append(struct tcp_bufq *q, const void *buf, size_t n)
{
	const uint8_t *p = buf;
	size_t done = 0;

	while (done < n) {
		struct tcp_span sp[2];
		size_t m = n - done < TCP_CHUNK_MAX ? n - done : TCP_CHUNK_MAX;
		int k = fill_copy(q, p + done, m, sp, 2), i;

		if (k < 0)
			break;
		for (i = 0; i < k; i++) {
			if (q_push(q, sp[i]) < 0)
				break;
			done += sp[i].len;
		}
		if (i < k) {
			/* the bytes stay in the fill chunk, unqueued */
			while (i < k)
				chunk_put(sp[i++].c);
			break;
		}
	}
	return done || !n ? (long)done : -ENOMEM;
}

void tcp_bufq_read_at(const struct tcp_bufq *q, size_t off, void *buf, size_t n)
{
	uint8_t *d = buf;

	for (size_t i = 0; i < q->vn && n; i++) {
		const struct tcp_span *s = q_at(q, i);
		size_t c;

		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		c = s->len - off < n ? s->len - off : n;
		memcpy(d, s->c->data + s->off + off, c);
		d += c;
		n -= c;
		off = 0;
	}
}

void tcp_bufq_drop(struct tcp_bufq *q, size_t n)
{
	if (n > q->len)
		n = q->len;
	q->len -= n;
	while (n) {
		struct tcp_span *s = q_at(q, 0);

		if (n < s->len) {
			s->off += (uint32_t)n;
			s->len -= (uint32_t)n;
			break;
		}
		n -= s->len;
		chunk_put(s->c);
		q->vhead = (q->vhead + 1) & (q->vcap - 1);
		q->vn--;
	}
}

void tcp_bufq_free(struct tcp_bufq *q)
{
	tcp_bufq_drop(q, q->len);
	free(q->v);
	chunk_put(q->fill);
	memset(q, 0, sizeof(*q));
}

/* References to the bytes [off, off + n) of q in at most max spans (out
 * NULL: only count); returns the bytes covered. */
static size_t q_spans(const struct tcp_bufq *q, size_t off, size_t n, struct tcp_span *out,
		      int max, int *cnt)
{
	size_t got = 0;
	int k = 0;

	for (size_t i = 0; i < q->vn && got < n && k < max; i++) {
		const struct tcp_span *s = q_at(q, i);
		size_t c;

		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		c = s->len - off < n - got ? s->len - off : n - got;
		if (out) {
			out[k].c = s->c;
			out[k].off = s->off + (uint32_t)off;
			out[k].len = (uint32_t)c;
			s->c->ref++;
		}
		k++;
		got += c;
		off = 0;
	}
	if (cnt)
		*cnt = k;
	return got;
}

/* Where a segment's payload is: bytes, or chunks lo lent. */
struct dsrc {
	const uint8_t *flat;
	const struct tcp_pkt *pkt;
};

#define SRC_SPANS (TCP_PKT_SPANS + 2)

/* Spans with their own references to the payload bytes [off, off + n):
 * the segment's chunks, or copies into the receive queue's fill chunks.
 * out has room for SRC_SPANS. Returns their count, -ENOMEM. */
static int src_spans(struct tcp_cb *tp, const struct dsrc *d, size_t off, size_t n,
		     struct tcp_span *out)
{
	int k = 0;

	if (!d->pkt)
		return fill_copy(&tp->rcvq, d->flat + off, n, out, SRC_SPANS);
	for (int i = 0; i < d->pkt->nspan && n; i++) {
		const struct tcp_span *s = &d->pkt->span[i];
		uint32_t c;

		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		c = s->len - (uint32_t)off < n ? s->len - (uint32_t)off : (uint32_t)n;
		out[k].c = s->c;
		out[k].off = s->off + (uint32_t)off;
		out[k].len = c;
		s->c->ref++;
		k++;
		n -= c;
		off = 0;
	}
	return k;
}

static uint8_t src_byte(const struct dsrc *d, size_t off)
{
	if (!d->pkt)
		return d->flat[off];
	for (int i = 0; i < d->pkt->nspan; i++) {
		const struct tcp_span *s = &d->pkt->span[i];

		if (off < s->len)
			return s->c->data[s->off + off];
		off -= s->len;
	}
	return 0;
}

/* ---- out-of-order bytes ---- */

#define OOO_MAX 4096

static void ooo_free(struct tcp_oooq *o)
{
	for (int i = 0; i < o->n; i++)
		chunk_put(o->v[i].sp.c);
	free(o->v);
	memset(o, 0, sizeof(*o));
}

/* Put sp (its reference passes on) at index i, merged into the entry
 * before when it continues it in sequence and in its chunk. Returns the
 * index after it, -ENOMEM (the reference stays the caller's). */
static int ooo_put(struct tcp_oooq *o, int i, uint32_t seq, struct tcp_span sp)
{
	if (i > 0) {
		struct tcp_oseg *p = &o->v[i - 1];

		if (p->seq + p->sp.len == seq && p->sp.c == sp.c && p->sp.off + p->sp.len == sp.off) {
			p->sp.len += sp.len;
			chunk_put(sp.c);
			return i;
		}
	}
	if (o->n >= OOO_MAX)
		return -ENOMEM;
	if (o->n == o->cap) {
		int nc = o->cap ? o->cap * 2 : 16;
		struct tcp_oseg *nv = realloc(o->v, (size_t)nc * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		o->v = nv;
		o->cap = nc;
	}
	memmove(&o->v[i + 1], &o->v[i], (size_t)(o->n - i) * sizeof(*o->v));
	o->v[i].seq = seq;
	o->v[i].sp = sp;
	o->n++;
	return i + 1;
}

/* Keep the payload bytes [doff, doff + n), at seq, out of order: those no
 * entry holds yet. False when they could not all be kept. */
static bool ooo_insert(struct tcp_cb *tp, const struct dsrc *d, size_t doff, uint32_t seq,
		       size_t n)
{
	struct tcp_oooq *o = &tp->oooq;
	uint32_t cur = seq, end = seq + (uint32_t)n;
	int i = 0, hi = o->n;

	/* the first entry ending after seq (entries are sorted, disjoint) */
	while (i < hi) {
		int m = i + (hi - i) / 2;

		if (SEQ_LEQ(o->v[m].seq + o->v[m].sp.len, cur))
			i = m + 1;
		else
			hi = m;
	}
	while (SEQ_LT(cur, end)) {
		struct tcp_span sp[SRC_SPANS];
		uint32_t pe = end, at;
		int k, j;

		if (i < o->n && SEQ_LEQ(o->v[i].seq, cur)) {
			cur = o->v[i].seq + o->v[i].sp.len;
			i++;
			continue;
		}
		if (i < o->n && SEQ_LT(o->v[i].seq, pe))
			pe = o->v[i].seq;
		k = src_spans(tp, d, doff + (cur - seq), pe - cur, sp);
		if (k < 0)
			return false;
		at = cur;
		for (j = 0; j < k; j++) {
			int r = ooo_put(o, i, at, sp[j]);

			if (r < 0) {
				while (j < k)
					chunk_put(sp[j++].c);
				return false;
			}
			i = r;
			at += sp[j].len;
		}
		cur = pe;
	}
	return true;
}

/* Move what now continues the in-order bytes to the receive queue. */
static void ooo_pull(struct tcp_cb *tp)
{
	struct tcp_oooq *o = &tp->oooq;
	int i = 0;

	while (i < o->n && SEQ_LEQ(o->v[i].seq, tp->rcv_nxt)) {
		struct tcp_oseg *e = &o->v[i];
		uint32_t end = e->seq + e->sp.len;

		if (SEQ_GT(end, tp->rcv_nxt)) {
			uint32_t cut = tp->rcv_nxt - e->seq;
			struct tcp_span sp = { e->sp.c, e->sp.off + cut, e->sp.len - cut };

			if (q_push(&tp->rcvq, sp) < 0) {
				/* keep the rest for the next arrival */
				e->sp = sp;
				e->seq = tp->rcv_nxt;
				break;
			}
			tp->bytes_received += sp.len;
			tp->rcv_nxt = end;
		} else {
			chunk_put(e->sp.c);
		}
		i++;
	}
	if (i) {
		memmove(&o->v[0], &o->v[i], (size_t)(o->n - i) * sizeof(*o->v));
		o->n -= i;
	}
}

/* ---- ranges ---- */

/* Add [s, e) and merge; returns the index of the range holding it. When
 * full, the highest range goes (only costs a retransmission). */
static int ranges_add(struct tcp_ranges *g, uint32_t s, uint32_t e)
{
	int i, j;

	for (i = 0; i < g->n && SEQ_LT(g->end[i], s); i++)
		;
	if (i < g->n && SEQ_LEQ(g->start[i], e)) {
		/* overlaps or touches range i: grow it, swallow followers */
		if (SEQ_LT(s, g->start[i]))
			g->start[i] = s;
		if (SEQ_GT(e, g->end[i]))
			g->end[i] = e;
		for (j = i + 1; j < g->n && SEQ_LEQ(g->start[j], g->end[i]); j++)
			if (SEQ_GT(g->end[j], g->end[i]))
				g->end[i] = g->end[j];
		if (j > i + 1) {
			memmove(&g->start[i + 1], &g->start[j], (size_t)(g->n - j) * sizeof(uint32_t));
			memmove(&g->end[i + 1], &g->end[j], (size_t)(g->n - j) * sizeof(uint32_t));
			g->n -= j - i - 1;
		}
		return i;
	}
	if (g->n == TCP_MAX_RANGES) {
		if (i == g->n)
			return -1;
		g->n--;
	}
	memmove(&g->start[i + 1], &g->start[i], (size_t)(g->n - i) * sizeof(uint32_t));
	memmove(&g->end[i + 1], &g->end[i], (size_t)(g->n - i) * sizeof(uint32_t));
	g->start[i] = s;
	g->end[i] = e;
	g->n++;
	return i;
}

/* Forget everything below seq. */
static void ranges_trim(struct tcp_ranges *g, uint32_t seq)
{
	int i = 0, k;

	while (i < g->n && SEQ_LEQ(g->end[i], seq))
		i++;
	if (i) {
		for (k = i; k < g->n; k++) {
			g->start[k - i] = g->start[k];
			g->end[k - i] = g->end[k];
		}
		g->n -= i;
	}
	if (g->n && SEQ_LT(g->start[0], seq))
		g->start[0] = seq;
}

static uint32_t ranges_bytes(const struct tcp_ranges *g)
{
	uint32_t b = 0;

	for (int i = 0; i < g->n; i++)
		b += g->end[i] - g->start[i];
	return b;
}

/* ---- helpers ---- */

static uint64_t now(struct tcp_cb *tp)
{
	return tp->env->now(tp);
}

static uint32_t ts_now(struct tcp_cb *tp)
{
	return (uint32_t)(now(tp) / NS_MS) + tp->ts_offset;
}

static void event(struct tcp_cb *tp, int ev)
{
	if (tp->env->event)
		tp->env->event(tp, ev);
}

static void set_state(struct tcp_cb *tp, enum tcp_state st)
{
	tp->state = st;
	event(tp, TCP_EV_STATE | TCP_EV_READABLE | TCP_EV_WRITABLE);
}

static uint32_t flight(const struct tcp_cb *tp)
{
	return tp->snd_nxt - tp->snd_una;
}

/* Bytes the receive side can still take at rcv_nxt. */
static size_t rcv_space(const struct tcp_cb *tp)
{
	return tp->rcvbuf > tp->rcvq.len ? tp->rcvbuf - tp->rcvq.len : 0;
}

/* The window to advertise, unscaled bytes; never moves the right edge
 * left (RFC 9293 3.8.6.2.2) and opens in steps of at least an MSS or
 * half the buffer (receiver SWS avoidance). */
static uint32_t rcv_window(struct tcp_cb *tp)
{
	size_t space = rcv_space(tp);
	uint32_t cur = SEQ_GT(tp->rcv_adv, tp->rcv_nxt) ? tp->rcv_adv - tp->rcv_nxt : 0;
	size_t step = tp->rcvbuf / 2 < tp->adv_mss ? tp->rcvbuf / 2 : tp->adv_mss;
	uint32_t max = 65535u << tp->rcv_wscale;

	if (space > max)
		space = max;
	if (space < cur + step && space < tp->rcvbuf)
		space = cur;
	if (space < cur)
		space = cur;
	return (uint32_t)space;
}

static bool syn_state(const struct tcp_cb *tp)
{
	return tp->state == TCPS_SYN_SENT || tp->state == TCPS_SYN_RECV;
}

static void arm(struct tcp_cb *tp)
{
	uint64_t w = 0, c[6] = { tp->t_rexmit, tp->t_delack, tp->t_persist, tp->t_keep,
				 tp->t_timewait, tp->t_cork };

	for (int i = 0; i < 6; i++)
		if (c[i] && (!w || c[i] < w))
			w = c[i];
	tp->env->timer(tp, w);
}

static void rexmit_arm(struct tcp_cb *tp)
{
	uint64_t rto = tp->rto << (tp->backoff < 10 ? tp->backoff : 10);

	if (rto > RTO_MAX)
		rto = RTO_MAX;
	tp->t_rexmit = now(tp) + rto;
}

static void keep_arm(struct tcp_cb *tp)
{
	if (tp->keepalive && (tp->state == TCPS_ESTABLISHED || tp->state == TCPS_CLOSE_WAIT ||
			      tp->state == TCPS_FIN_WAIT2))
		tp->t_keep = tp->last_rcv + (uint64_t)tp->keepidle * NS_S +
			     (uint64_t)tp->probes * tp->keepintvl * NS_S;
	else
		tp->t_keep = 0;
}

/* ---- output ---- */

/* Build and send one segment. */
static void xmit(struct tcp_cb *tp, uint32_t seq, uint8_t flags, size_t off, size_t dlen)
{
	uint8_t hdr[HDR + 40], *pkt;
	size_t ol = 0, len;
	uint32_t wnd;

	memset(hdr, 0, sizeof(hdr));
	wr16(hdr, tp->sport);
	wr16(hdr + 2, tp->dport);
	wr32(hdr + 4, seq);
	if (flags & TH_SYN) {
		uint8_t *o = hdr + HDR;
		bool synack = flags & TH_ACK;

		o[0] = 2, o[1] = 4;
		wr16(o + 2, tp->adv_mss);
		ol = 4;
		if (!synack || tp->sack_ok) {
			if (!synack || tp->ts_ok) {
				o[ol] = 4, o[ol + 1] = 2;          /* SACK permitted + TS */
				ol += 2;
			} else {
				o[ol] = 1, o[ol + 1] = 1, o[ol + 2] = 4, o[ol + 3] = 2;
				ol += 4;
			}
		} else if (!synack || tp->ts_ok) {
			o[ol] = 1, o[ol + 1] = 1;
			ol += 2;
		}
		if (!synack || tp->ts_ok) {
			o[ol] = 8, o[ol + 1] = 10;
			wr32(o + ol + 2, ts_now(tp));
			wr32(o + ol + 6, synack ? tp->ts_recent : 0);
			ol += 10;
		}
		if (!synack || tp->ws_ok) {
			o[ol] = 1, o[ol + 1] = 3, o[ol + 2] = 3, o[ol + 3] = OUR_WSCALE;
			ol += 4;
		}
		wnd = tp->rcvbuf < 65535 ? (uint32_t)tp->rcvbuf : 65535;
	} else {
		uint8_t *o = hdr + HDR;

		if (tp->ts_ok) {
			o[0] = 1, o[1] = 1, o[2] = 8, o[3] = 10;
			wr32(o + 4, ts_now(tp));
			wr32(o + 8, tp->ts_recent);
			ol = 12;
		}
		if (tp->sack_ok && tp->ooo.n && (flags & TH_ACK)) {
			int max = tp->ts_ok ? 3 : 4, n = 0;
			uint8_t *b = o + ol + 4;

			/* The block of the latest arrival first (RFC 2018 4). */
			if (tp->ooo_last >= 0 && tp->ooo_last < tp->ooo.n) {
				wr32(b, tp->ooo.start[tp->ooo_last]);
				wr32(b + 4, tp->ooo.end[tp->ooo_last]);
				n++;
			}
			for (int i = 0; i < tp->ooo.n && n < max; i++) {
				if (i == tp->ooo_last)
					continue;
				wr32(b + 8 * n, tp->ooo.start[i]);
				wr32(b + 8 * n + 4, tp->ooo.end[i]);
				n++;
			}
			o[ol] = 1, o[ol + 1] = 1, o[ol + 2] = 5, o[ol + 3] = (uint8_t)(2 + 8 * n);
			ol += 4 + 8 * (size_t)n;
		}
		wnd = rcv_window(tp);
		if (SEQ_GT(tp->rcv_nxt + wnd, tp->rcv_adv))
			tp->rcv_adv = tp->rcv_nxt + wnd;
		wnd >>= tp->rcv_wscale;
		if (wnd > 65535)
			wnd = 65535;
	}
	if (flags & TH_ACK) {
		wr32(hdr + 8, tp->rcv_nxt);
		tp->last_ack_sent = tp->rcv_nxt;
		tp->t_delack = 0;
		tp->delack_segs = 0;
		tp->ack_now = false;
	}
	if (tp->urg_mode && SEQ_LT(seq, tp->snd_up) && !(flags & (TH_SYN | TH_RST))) {
		uint32_t up = tp->snd_up - seq;

		flags |= TH_URG;
		wr16(hdr + 18, up < 0x10000 ? up : 0xffff);
	}
	hdr[12] = (uint8_t)(((HDR + ol) / 4) << 4);
	hdr[13] = flags;
	wr16(hdr + 14, wnd);
	tp->segs_out++;
	if (dlen) {
		tp->data_segs_out++;
		tp->last_data_sent = now(tp);
	}
	if (tp->env->output_pkt) {
		struct tcp_pkt p;

		memcpy(p.hdr, hdr, HDR + ol);
		p.hlen = HDR + ol;
		p.nspan = 0;
		p.dlen = dlen ? q_spans(&tp->sndq, off, dlen, p.span, TCP_PKT_SPANS, &p.nspan) : 0;
		tp->env->output_pkt(tp, &p);
		return;
	}
	len = HDR + ol + dlen;
	pkt = malloc(len);
	if (!pkt)
		return; /* as a lost segment: retransmission recovers */
	memcpy(pkt, hdr, HDR + ol);
	if (dlen)
		tcp_bufq_read_at(&tp->sndq, off, pkt + HDR + ol, dlen);
	tp->env->output(tp, pkt, len);
}

static void send_ack(struct tcp_cb *tp)
{
	xmit(tp, tp->snd_nxt, TH_ACK, 0, 0);
}

/* An ACK answering a segment outside the window, an ACK of unsent data,
 * or a challenge: at most one per OOW_NS unless the segment carried data
 * (Linux's tcp_oow_rate_limited), so two ends that disagree cannot
 * ping-pong ACKs forever (an ACK storm). */
static void oow_ack(struct tcp_cb *tp, const struct seg *s)
{
	uint64_t t = now(tp);

	if (s->dlen && !(s->flags & TH_SYN)) {
		send_ack(tp);
		return;
	}
	if (tp->last_oow_ack && t - tp->last_oow_ack < OOW_NS)
		return;
	tp->last_oow_ack = t;
	send_ack(tp);
}

static void send_syn(struct tcp_cb *tp)
{
	xmit(tp, tp->iss, tp->state == TCPS_SYN_SENT ? TH_SYN : TH_SYN | TH_ACK, 0, 0);
}

static void send_rst(struct tcp_cb *tp, uint32_t seq)
{
	xmit(tp, seq, TH_RST | TH_ACK, 0, 0);
}

/* The payload of one new-data segment: tso_max in whole mss pieces when
 * the layer below cuts segments (TSO), else the mss. Not with SACK blocks
 * to send, which shrink every piece's payload. */
static uint32_t send_goal(const struct tcp_cb *tp)
{
	if (tp->tso_max < 2u * tp->mss || (tp->sack_ok && tp->ooo.n))
		return tp->mss;
	return tp->tso_max / tp->mss * tp->mss;
}

/* Send the sequence range at seq, up to max bytes (data and the FIN if
 * it lies there); returns the sequence space sent. */
static uint32_t send_range(struct tcp_cb *tp, uint32_t seq, uint32_t max, bool rexmit)
{
	size_t off = seq - tp->snd_una, dlen = 0;
	uint8_t flags = TH_ACK;

	if (off < tp->sndq.len) {
		size_t seg = rexmit ? tp->mss : send_goal(tp);

		/* SACK blocks take payload room (the MSS counts timestamps) */
		if (tp->sack_ok && tp->ooo.n) {
			int n = tp->ooo.n < (tp->ts_ok ? 3 : 4) ? tp->ooo.n : (tp->ts_ok ? 3 : 4);

			seg -= seg > 4 + 8u * n + 64 ? 4 + 8u * n : 0;
		}
		dlen = tp->sndq.len - off;
		if (dlen > max)
			dlen = max;
		if (dlen > seg)
			dlen = seg;
		/* a segment by reference spans a bounded number of chunks */
		if (tp->env->output_pkt)
			dlen = q_spans(&tp->sndq, off, dlen, NULL, TCP_PKT_SPANS, NULL);
	}
	if (tp->fin_queued && off + dlen == tp->sndq.len &&
	    (rexmit ? tp->fin_sent : true))
		flags |= TH_FIN;
	if (!dlen && !(flags & TH_FIN))
		return 0;
	if (dlen && off + dlen == tp->sndq.len)
		flags |= TH_PSH;
	xmit(tp, seq, flags, off, dlen);
	if (rexmit) {
		tp->total_retrans++;
		tp->bytes_retrans += dlen;
		if (tp->rtt_timing && SEQ_LEQ(seq, tp->rtt_seq))
			tp->rtt_timing = false; /* Karn */
	} else {
		tp->bytes_sent += dlen;
	}
	if (flags & TH_FIN) {
		tp->fin_sent = true;
		tp->fin_seq = seq + (uint32_t)dlen;
	}
	return (uint32_t)dlen + ((flags & TH_FIN) ? 1 : 0);
}

/* The end of the range whose loss recovery may retransmit. */
static uint32_t hole_limit(const struct tcp_cb *tp)
{
	if (tp->in_loss)
		return tp->recover;
	if (tp->sack_ok)
		return tp->highest_sack;
	return SEQ_LT(tp->snd_una + tp->mss, tp->recover) ? tp->snd_una + tp->mss : tp->recover;
}

/* The next unSACKed range at or after from, below the limit. */
static bool next_hole(const struct tcp_cb *tp, uint32_t from, uint32_t *s, uint32_t *e)
{
	uint32_t lim = hole_limit(tp);

	if (SEQ_LT(from, tp->snd_una))
		from = tp->snd_una;
	for (int i = 0; i < tp->sacked.n; i++) {
		if (SEQ_LEQ(tp->sacked.end[i], from))
			continue;
		if (SEQ_LEQ(tp->sacked.start[i], from)) {
			from = tp->sacked.end[i];
			continue;
		}
		lim = SEQ_LT(tp->sacked.start[i], lim) ? tp->sacked.start[i] : lim;
		break;
	}
	if (!SEQ_LT(from, lim) || !SEQ_LT(from, tp->snd_nxt))
		return false;
	*s = from;
	*e = SEQ_LT(lim, tp->snd_nxt) ? lim : tp->snd_nxt;
	return true;
}

/* In flight (RFC 6675 pipe): sent, not cumulatively acked, not SACKed,
 * not deemed lost unless retransmitted. */
static uint32_t pipe_bytes(const struct tcp_cb *tp)
{
	uint32_t p = flight(tp) - tp->sacked_bytes, s, e, from;

	if (!tp->in_recovery && !tp->in_loss)
		return p;
	if (!tp->sack_ok && tp->in_recovery) {
		uint32_t d = (uint32_t)tp->dupacks * tp->mss;

		return d < p ? p - d : 0;
	}
	for (from = tp->high_rxt; next_hole(tp, from, &s, &e); from = e)
		p -= (e - s) < p ? (e - s) : p;
	return p;
}

/* Send what the windows, Nagle and cork allow. force: one retransmission
 * of the first hole regardless of the congestion window. */
static void output(struct tcp_cb *tp, bool force)
{
	uint32_t s, e;

	if (tp->state == TCPS_SYN_SENT || tp->state == TCPS_SYN_RECV ||
	    tp->state == TCPS_CLOSED || tp->state == TCPS_TIME_WAIT || tp->state == TCPS_LISTEN)
		goto ack;
	for (int guard = 0; guard < 100000; guard++) {
		uint32_t pipe = pipe_bytes(tp), room = tp->cwnd > pipe ? tp->cwnd - pipe : 0;
		uint32_t wend = tp->snd_una + tp->snd_wnd, unsent, len;
		size_t sent_off;

		if ((tp->in_recovery || tp->in_loss) && next_hole(tp, tp->high_rxt, &s, &e) &&
		    (room || force)) {
			uint32_t n = send_range(tp, s, e - s, true);

			if (!n)
				break;
			if (s == tp->snd_una) {
				tp->rxt_head_seq = s;
				tp->rxt_head_nxt = tp->snd_nxt;
				tp->rxt_head_valid = true;
			}
			tp->high_rxt = s + n;
			tp->retrans_out++;
			force = false;
			if (!tp->t_rexmit)
				rexmit_arm(tp);
			continue;
		}
		force = false;
		/* new data (and the FIN) */
		sent_off = tp->snd_nxt - tp->snd_una;
		if (tp->fin_sent && !SEQ_LT(tp->snd_nxt, tp->fin_seq + 1))
			break;
		unsent = (uint32_t)(tp->sndq.len - (sent_off < tp->sndq.len ? sent_off : tp->sndq.len));
		if (!unsent && !tp->fin_queued)
			break;
		len = send_goal(tp);
		len = unsent < len ? unsent : len;
		if (len > tp->mss) {
			/* a TSO segment: whole mss pieces of what the window and
			 * cwnd allow (one mss: the checks below, as without TSO) */
			uint32_t w = SEQ_GT(wend, tp->snd_nxt) ? wend - tp->snd_nxt : 0;
			uint32_t lim = w < room ? w : room;

			if (len > lim)
				len = lim > tp->mss ? lim / tp->mss * tp->mss : tp->mss;
		}
		if (SEQ_LT(tp->snd_nxt + len, wend) || tp->snd_nxt + len == wend) {
			/* fits the peer's window */
		} else {
			uint32_t w = SEQ_GT(wend, tp->snd_nxt) ? wend - tp->snd_nxt : 0;

			/* sender SWS avoidance: a short segment only when
			 * nothing is in flight (else wait for the window). */
			if (!w || (w < len && flight(tp)))
				break;
			len = w;
		}
		if (len > room)
			break;
		if (len < tp->mss && len == unsent && !(tp->fin_queued)) {
			/* a partial segment: Nagle, cork and MSG_MORE */
			if (tp->cork || tp->more) {
				if (!tp->t_cork)
					tp->t_cork = now(tp) + CORK_NS;
				break;
			}
			if (!tp->nodelay && flight(tp))
				break;
		}
		if (!len && !(tp->fin_queued && unsent == 0))
			break;
		{
			uint32_t n = send_range(tp, tp->snd_nxt, len, false);

			if (!n)
				break;
			if (!tp->rtt_timing && !tp->ts_ok && len) {
				tp->rtt_timing = true;
				tp->rtt_seq = tp->snd_nxt;
				tp->rtt_start = now(tp);
			}
			tp->snd_nxt += n;
			if (SEQ_GT(tp->snd_nxt, tp->snd_max))
				tp->snd_max = tp->snd_nxt;
			tp->t_cork = 0;
			if (!tp->t_rexmit)
				rexmit_arm(tp);
		}
	}
	/* Zero window with data waiting and nothing in flight: probe. */
	if (!flight(tp) && (tcp_unsent(tp) > 0 || (tp->fin_queued && !tp->fin_sent)) &&
	    !tp->snd_wnd) {
		if (!tp->t_persist) {
			if (!tp->persist_ivl)
				tp->persist_ivl = tp->rto;
			tp->t_persist = now(tp) + tp->persist_ivl;
		}
	} else {
		tp->t_persist = 0;
		tp->persist_ivl = 0;
	}
ack:
	if (tp->ack_now && tp->state != TCPS_CLOSED && tp->state != TCPS_SYN_SENT &&
	    tp->state != TCPS_LISTEN)
		send_ack(tp);
}

/* ---- public entry points ---- */

void tcp_cb_init(struct tcp_cb *tp, const struct tcp_env *env, void *ctx)
{
	memset(tp, 0, sizeof(*tp));
	tp->env = env;
	tp->ctx = ctx;
	tp->state = TCPS_CLOSED;
	tp->sndbuf = 4 << 20;
	tp->rcvbuf = 6 << 20;
	tp->mss = 536;
	tp->adv_mss = 536;
	tp->rto = RTO_INIT;
	tp->keepidle = 7200;
	tp->keepintvl = 75;
	tp->keepcnt = 9;
	tp->syn_retries = 6;
	tp->max_retries = 15;
	tp->ssthresh = 0x7fffffff;
	tp->ooo_last = -1;
	tp->sndq.next_cap = tp->rcvq.next_cap = 2048;
	tp->cc.algo = TCP_CC_CUBIC;
}

void tcp_cb_free(struct tcp_cb *tp)
{
	tcp_bufq_free(&tp->sndq);
	tcp_bufq_free(&tp->rcvq);
	ooo_free(&tp->oooq);
	tp->env->timer(tp, 0);
}

static void start_conn(struct tcp_cb *tp, uint16_t adv_mss)
{
	tp->adv_mss = adv_mss;
	tp->iss = tp->env->random(tp);
	tp->ts_offset = tp->env->random(tp);
	tp->snd_una = tp->iss;
	tp->snd_nxt = tp->snd_max = tp->iss + 1;
	tp->recover = tp->iss;
	tp->high_rxt = tp->iss;
	tp->highest_sack = tp->iss;
	tp->backoff = 0;
	tp->retries = 0;
}

int tcp_connect(struct tcp_cb *tp, uint16_t adv_mss)
{
	start_conn(tp, adv_mss);
	tp->state = TCPS_SYN_SENT;
	send_syn(tp);
	rexmit_arm(tp);
	arm(tp);
	return 0;
}

/* Options of the peer's SYN: what both ends agree on. */
static void syn_options(struct tcp_cb *tp, const struct seg *s, bool v6)
{
	uint32_t m;

	tp->peer_mss = s->has_mss ? s->mss : (v6 ? 1220 : 536);
	tp->ws_ok = s->has_ws;
	tp->snd_wscale = s->has_ws ? s->ws : 0;
	tp->rcv_wscale = s->has_ws ? OUR_WSCALE : 0;
	tp->ts_ok = s->has_ts;
	if (s->has_ts)
		tp->ts_recent = s->tsval;
	tp->sack_ok = s->sack_perm;
	m = tp->peer_mss < tp->adv_mss ? tp->peer_mss : tp->adv_mss;
	if (tp->user_mss && tp->user_mss < m)
		m = tp->user_mss;
	if (m < 88)
		m = 88; /* TCP_MIN_MSS: a hostile peer's MSS 1 stays sane */
	if (tp->ts_ok)
		m -= 12;
	tp->mss = (uint16_t)m;
	if (!tp->ws_ok && tp->rcvbuf > 65535)
		tp->rcvbuf = 65535;
}

static void rtt_sample(struct tcp_cb *tp, uint64_t r)
{
	if (!tp->min_rtt || r < tp->min_rtt)
		tp->min_rtt = r ? r : 1;
	if (!tp->rtt_valid) {
		tp->srtt = r;
		tp->rttvar = r / 2;
		tp->rtt_valid = true;
	} else {
		uint64_t d = tp->srtt > r ? tp->srtt - r : r - tp->srtt;

		tp->rttvar = (3 * tp->rttvar + d) / 4;
		tp->srtt = (7 * tp->srtt + r) / 8;
	}
	tp->rto = tp->srtt + (4 * tp->rttvar > NS_MS ? 4 * tp->rttvar : NS_MS);
	if (tp->rto < RTO_MIN)
		tp->rto = RTO_MIN;
	if (tp->rto > RTO_MAX)
		tp->rto = RTO_MAX;
}

static void established(struct tcp_cb *tp)
{
	tp->cwnd = 10 * (uint32_t)tp->mss;
	tp->syn_acked = true;
	tp->backoff = 0;
	tp->retries = 0;
	tp->t_rexmit = 0;
	tp->last_rcv = now(tp);
	tcp_cc_init(tp);
	set_state(tp, TCPS_ESTABLISHED);
	keep_arm(tp);
}

int tcp_accept_syn(struct tcp_cb *tp, const uint8_t *seg, size_t len, uint16_t adv_mss)
{
	struct seg s;

	if (parse(seg, len, &s) < 0 || (s.flags & (TH_SYN | TH_ACK | TH_RST)) != TH_SYN)
		return -EINVAL;
	start_conn(tp, adv_mss);
	tp->irs = s.seq;
	tp->rcv_nxt = s.seq + 1;
	tp->rcv_adv = tp->rcv_nxt;
	syn_options(tp, &s, false);
	tp->snd_wnd = s.wnd;
	tp->snd_wl1 = s.seq;
	tp->snd_wl2 = tp->iss;
	tp->state = TCPS_SYN_RECV;
	tp->last_rcv = now(tp);
	tp->segs_in++;
	send_syn(tp);
	rexmit_arm(tp);
	arm(tp);
	return 0;
}

size_t tcp_rst_reply(const uint8_t *seg, size_t len, uint8_t *out)
{
	struct seg s;
	uint32_t seglen;

	if (parse(seg, len, &s) < 0 || (s.flags & TH_RST))
		return 0;
	memset(out, 0, HDR);
	memcpy(out, seg + 2, 2);
	memcpy(out + 2, seg, 2);
	out[12] = 5 << 4;
	if (s.flags & TH_ACK) {
		wr32(out + 4, s.ack);
		out[13] = TH_RST;
	} else {
		seglen = (uint32_t)s.dlen + ((s.flags & TH_SYN) ? 1 : 0) + ((s.flags & TH_FIN) ? 1 : 0);
		wr32(out + 8, s.seq + seglen);
		out[13] = TH_RST | TH_ACK;
	}
	return HDR;
}

static void to_closed(struct tcp_cb *tp, int err)
{
	if (err)
		tp->err = err;
	tp->t_rexmit = tp->t_delack = tp->t_persist = tp->t_keep = tp->t_timewait = 0;
	tp->t_cork = 0;
	set_state(tp, TCPS_CLOSED);
}

static void to_timewait(struct tcp_cb *tp)
{
	tp->t_rexmit = tp->t_persist = tp->t_keep = tp->t_cork = 0;
	tp->t_timewait = now(tp) + TIMEWAIT_NS;
	set_state(tp, TCPS_TIME_WAIT);
}

/* The peer reset the connection (RFC 9293 3.10.7.4, errors as Linux's
 * tcp_reset). */
static void got_reset(struct tcp_cb *tp)
{
	int err;

	tp->rst_rcvd = true;
	switch (tp->state) {
	case TCPS_SYN_SENT: err = ECONNREFUSED; break;
	case TCPS_SYN_RECV: err = ECONNREFUSED; break;
	case TCPS_CLOSE_WAIT: err = EPIPE; break;
	case TCPS_CLOSING: case TCPS_LAST_ACK: case TCPS_TIME_WAIT: err = 0; break;
	default: err = ECONNRESET; break;
	}
	to_closed(tp, err);
}

void tcp_abort(struct tcp_cb *tp, int err)
{
	if (tp->state != TCPS_CLOSED && tp->state != TCPS_LISTEN && tp->state != TCPS_SYN_SENT &&
	    tp->state != TCPS_TIME_WAIT)
		send_rst(tp, tp->snd_nxt);
	to_closed(tp, err);
	arm(tp);
}

/* The SACK blocks of an ACK: update the scoreboard. */
static void take_sacks(struct tcp_cb *tp, const struct seg *s)
{
	for (int i = 0; i < s->nsack; i++) {
		uint32_t a = s->sack[i][0], b = s->sack[i][1];

		if (!SEQ_LT(a, b) || SEQ_LEQ(b, tp->snd_una) || SEQ_GT(b, tp->snd_max))
			continue;
		if (SEQ_LT(a, tp->snd_una))
			a = tp->snd_una;
		ranges_add(&tp->sacked, a, b);
		if (SEQ_GT(b, tp->highest_sack))
			tp->highest_sack = b;
	}
	tp->sacked_bytes = ranges_bytes(&tp->sacked);
}

static void enter_recovery(struct tcp_cb *tp)
{
	tp->ssthresh = tcp_cc_ssthresh(tp);
	tp->cwnd = tp->ssthresh;
	tp->recover = tp->snd_max;
	tp->high_rxt = tp->snd_una;
	tp->in_recovery = true;
	tp->lost_out++;
	tp->recoveries++;
	output(tp, true);
}

/* The ACK field of a segment in a synchronized state. Returns false if
 * the segment is to be dropped. */
static bool process_ack(struct tcp_cb *tp, const struct seg *s)
{
	uint32_t ack = s->ack, wnd = s->wnd << tp->snd_wscale;
	uint64_t t = now(tp);

	if (SEQ_GT(ack, tp->snd_max)) {
		oow_ack(tp, s);
		return false;
	}
	tp->last_ack_recv = t;
	if (tp->sack_ok && s->nsack) {
		take_sacks(tp, s);
		/* a lost retransmission of the head (Linux's old
		 * tcp_mark_lost_retrans): resend it rather than wait for
		 * the RTO */
		if (tp->rxt_head_valid && (tp->in_recovery || tp->in_loss) &&
		    SEQ_LEQ(ack, tp->rxt_head_seq) && tp->snd_una == tp->rxt_head_seq &&
		    SEQ_GT(tp->highest_sack, tp->rxt_head_nxt)) {
			tp->rxt_head_valid = false;
			tp->high_rxt = tp->snd_una;
			tp->lost_out++;
		}
	}
	if (SEQ_GT(ack, tp->snd_una)) {
		uint32_t acked = ack - tp->snd_una, data = acked;

		if (tp->fin_sent && SEQ_GT(ack, tp->fin_seq)) {
			tp->fin_acked = true;
			data--;
		}
		if (data > tp->sndq.len)
			data = (uint32_t)tp->sndq.len;
		tcp_bufq_drop(&tp->sndq, data);
		tp->bytes_acked += data;
		tp->snd_una = ack;
		if (tp->rxt_head_valid && SEQ_GT(ack, tp->rxt_head_seq))
			tp->rxt_head_valid = false;
		if (tp->urg_mode && SEQ_GEQ(ack, tp->snd_up))
			tp->urg_mode = false;
		if (SEQ_LT(tp->snd_nxt, ack))
			tp->snd_nxt = ack;
		if (SEQ_LT(tp->high_rxt, ack))
			tp->high_rxt = ack;
		ranges_trim(&tp->sacked, ack);
		tp->sacked_bytes = ranges_bytes(&tp->sacked);
		if (SEQ_LT(tp->highest_sack, ack))
			tp->highest_sack = ack;
		/* RTT: timestamps echo, else the one timed segment */
		if (tp->ts_ok && s->has_ts && s->tsecr) {
			uint32_t d = ts_now(tp) - s->tsecr;

			if (d < 60000)
				rtt_sample(tp, (uint64_t)d * NS_MS + NS_MS / 2);
		} else if (tp->rtt_timing && SEQ_GT(ack, tp->rtt_seq)) {
			rtt_sample(tp, t - tp->rtt_start);
			tp->rtt_timing = false;
		}
		tp->backoff = 0;
		tp->retries = 0;
		tp->probes = 0;
		if (tp->in_recovery) {
			if (SEQ_GEQ(ack, tp->recover)) {
				tp->in_recovery = false;
				tp->cwnd = tp->ssthresh;
				tp->dupacks = 0;
			} else {
				/* partial ACK: the next hole goes now */
				if (!tp->sack_ok) {
					tp->high_rxt = tp->snd_una;
					tp->dupacks = 0;
				}
				output(tp, true);
			}
		} else {
			if (tp->in_loss && SEQ_GEQ(ack, tp->recover))
				tp->in_loss = false;
			tp->dupacks = 0;
			tcp_cc_on_ack(tp, acked, t);
		}
		tp->retrans_out = 0;
		tp->t_rexmit = 0;
		if (flight(tp))
			rexmit_arm(tp);
		event(tp, TCP_EV_WRITABLE);
	} else if (ack == tp->snd_una && !s->dlen && !(s->flags & (TH_SYN | TH_FIN)) &&
		   flight(tp) && (wnd == tp->snd_wnd || s->nsack)) {
		tp->dupacks++;
		if (tp->in_recovery && !tp->sack_ok)
			output(tp, false);
	}
	if (!tp->in_recovery && !tp->in_loss && flight(tp) &&
	    (tp->dupacks >= 3 || (tp->sack_ok && tp->sacked_bytes >= 3u * tp->mss)) &&
	    SEQ_GEQ(tp->snd_una, tp->recover))
		enter_recovery(tp);
	/* send window (RFC 9293 3.10.7.4, SND.WL1/WL2) */
	if (SEQ_LT(tp->snd_wl1, s->seq) ||
	    (tp->snd_wl1 == s->seq && SEQ_LEQ(tp->snd_wl2, ack))) {
		bool opened = wnd > tp->snd_wnd;

		tp->snd_wnd = wnd;
		tp->snd_wl1 = s->seq;
		tp->snd_wl2 = ack;
		if (opened)
			event(tp, TCP_EV_WRITABLE);
	}
	return true;
}

/* Data and FIN of an acceptable, trimmed segment. */
static void process_data(struct tcp_cb *tp, const struct dsrc *d, size_t doff, uint32_t seq,
			 size_t dlen, bool fin)
{
	size_t off = seq - tp->rcv_nxt, space = rcv_space(tp);
	bool ooo = tp->ooo.n > 0;

	if (fin && dlen + off > space) {
		fin = false;
	}
	if (off + dlen > space)
		dlen = off < space ? space - off : 0;
	if (dlen && off == 0) {
		struct tcp_span sp[SRC_SPANS];
		int k = src_spans(tp, d, doff, dlen, sp), i;
		size_t got = 0;

		if (k < 0)
			return;
		for (i = 0; i < k && q_push(&tp->rcvq, sp[i]) == 0; i++)
			got += sp[i].len;
		if (i < k) {
			while (i < k)
				chunk_put(sp[i++].c);
			fin = false;
			dlen = got;
		}
	} else if (dlen && !ooo_insert(tp, d, doff, seq, dlen)) {
		return;
	}
	if (dlen) {
		tp->data_segs_in++;
		tp->last_data_recv = now(tp);
	}
	if (fin && !tp->peer_fin_ooo) {
		tp->peer_fin_ooo = true;
		tp->peer_fin_seq = seq + (uint32_t)dlen;
	}
	if (off == 0 && dlen) {
		tp->rcv_nxt += (uint32_t)dlen;
		tp->bytes_received += dlen;
		ooo_pull(tp);
		ranges_trim(&tp->ooo, tp->rcv_nxt);
		tp->ooo_last = -1;
		if (ooo)
			tp->ack_now = true;  /* a hole filled: tell at once */
		if (dlen >= tp->mss || dlen + 12 >= tp->adv_mss)
			tp->delack_segs++;
		if (tp->delack_segs >= 2)
			tp->ack_now = true;
		else if (!tp->t_delack)
			tp->t_delack = now(tp) + DELACK_NS;
		event(tp, TCP_EV_READABLE);
	} else if (dlen) {
		tp->ooo_last = ranges_add(&tp->ooo, seq, seq + (uint32_t)dlen);
		tp->ack_now = true;  /* a duplicate ACK with SACK */
	} else if (off) {
		tp->ack_now = true;
	}
	if (tp->peer_fin_ooo && tp->peer_fin_seq == tp->rcv_nxt && !tp->fin_rcvd) {
		tp->fin_rcvd = true;
		tp->rcv_nxt++;
		tp->ack_now = true;
		switch (tp->state) {
		case TCPS_ESTABLISHED:
			set_state(tp, TCPS_CLOSE_WAIT);
			break;
		case TCPS_FIN_WAIT1:
			if (tp->fin_acked)
				to_timewait(tp);
			else
				set_state(tp, TCPS_CLOSING);
			break;
		case TCPS_FIN_WAIT2:
			to_timewait(tp);
			break;
		default:
			break;
		}
		event(tp, TCP_EV_READABLE);
	}
}

static uint32_t copied_seq(const struct tcp_cb *tp)
{
	return tp->rcv_nxt - (uint32_t)tp->rcvq.len - (tp->fin_rcvd ? 1 : 0);
}

/* The urgent pointer of a segment (Linux's tcp_check_urg and tcp_urg:
 * the pointer names the byte after the urgent one, as BSD). */
static void urgent(struct tcp_cb *tp, const struct seg *s, const struct dsrc *d)
{
	if ((s->flags & TH_URG) && s->urp) {
		uint32_t ptr = s->seq + s->urp - 1;

		if (!SEQ_GT(copied_seq(tp), ptr) && !SEQ_LT(ptr, tp->rcv_nxt) &&
		    !(tp->urg_state != TCP_URG_NONE && !SEQ_GT(ptr, tp->urg_seq))) {
			/* the old urgent byte is next to read: it must not
			 * come back as data once the mark moves on */
			if (tp->urg_state != TCP_URG_NONE && tp->urg_seq == copied_seq(tp) &&
			    !tp->oobinline && tp->rcvq.len)
				tcp_bufq_drop(&tp->rcvq, 1);
			tp->urg_state = TCP_URG_NOTYET;
			tp->urg_seq = ptr;
			event(tp, TCP_EV_URG);
		}
	}
	if (tp->urg_state == TCP_URG_NOTYET) {
		uint32_t off = tp->urg_seq - s->seq;

		if (off < s->dlen) {
			tp->urg_byte = src_byte(d, off);
			tp->urg_state = TCP_URG_VALID;
			event(tp, TCP_EV_READABLE);
		}
	}
}

static void input_syn_sent(struct tcp_cb *tp, const struct seg *s)
{
	bool ack_ok = false;

	if (s->flags & TH_ACK) {
		if (SEQ_LEQ(s->ack, tp->iss) || SEQ_GT(s->ack, tp->snd_max)) {
			if (!(s->flags & TH_RST)) {
				uint8_t fl = TH_RST;

				xmit(tp, s->ack, fl, 0, 0);
			}
			return;
		}
		ack_ok = true;
	}
	if (s->flags & TH_RST) {
		if (ack_ok)
			to_closed(tp, ECONNREFUSED);
		return;
	}
	if (!(s->flags & TH_SYN))
		return;
	tp->irs = s->seq;
	tp->rcv_nxt = s->seq + 1;
	tp->rcv_adv = tp->rcv_nxt;
	syn_options(tp, s, false);
	tp->snd_wnd = s->wnd;
	tp->snd_wl1 = s->seq;
	tp->snd_wl2 = s->ack;
	if (ack_ok) {
		tp->snd_una = s->ack;
		if (tp->ts_ok && s->tsecr) {
			uint32_t d = ts_now(tp) - s->tsecr;

			if (d < 60000 && !tp->backoff)
				rtt_sample(tp, (uint64_t)d * NS_MS + NS_MS / 2);
		}
		established(tp);
		tp->ack_now = true;
		output(tp, false);
	} else {
		/* simultaneous open */
		tp->state = TCPS_SYN_RECV;
		tp->snd_wl1 = s->seq - 1;
		send_syn(tp);
		rexmit_arm(tp);
		event(tp, TCP_EV_STATE);
	}
}

static void input(struct tcp_cb *tp, struct seg *sp, const struct dsrc *d);

void tcp_input(struct tcp_cb *tp, const uint8_t *raw, size_t len)
{
	struct seg s;
	struct dsrc d = { 0 };

	if (parse(raw, len, &s) < 0)
		return;
	d.flat = s.data;
	input(tp, &s, &d);
}

void tcp_input_pkt(struct tcp_cb *tp, const struct tcp_pkt *p)
{
	struct seg s;
	struct dsrc d = { .pkt = p };

	if (parse(p->hdr, p->hlen, &s) < 0)
		return;
	s.data = NULL;
	s.dlen = p->dlen;
	input(tp, &s, &d);
}

static void input(struct tcp_cb *tp, struct seg *sp, const struct dsrc *d)
{
	struct seg s = *sp;
	uint32_t seq, seglen, wnd;
	size_t dlen, doff;
	bool fin;

	tp->segs_in++;
	if (tp->state == TCPS_CLOSED || tp->state == TCPS_LISTEN)
		return;
	tp->last_rcv = now(tp);
	if (tp->state == TCPS_SYN_SENT) {
		input_syn_sent(tp, &s);
		goto out;
	}
	/* PAWS (RFC 7323 5) */
	if (tp->ts_ok && s.has_ts && !(s.flags & TH_RST) && (int32_t)(s.tsval - tp->ts_recent) < 0) {
		oow_ack(tp, &s);
		goto out;
	}
	/* acceptability (RFC 9293 3.10.7.4) */
	seq = s.seq;
	seglen = (uint32_t)s.dlen + ((s.flags & TH_SYN) ? 1 : 0) + ((s.flags & TH_FIN) ? 1 : 0);
	wnd = (uint32_t)rcv_space(tp);
	if (SEQ_GT(tp->rcv_adv, tp->rcv_nxt + wnd))
		wnd = tp->rcv_adv - tp->rcv_nxt;
	{
		bool ok;

		if (!seglen)
			ok = SEQ_GEQ(seq, tp->rcv_nxt) && SEQ_LEQ(seq, tp->rcv_nxt + wnd);
		else
			ok = (SEQ_GT(seq + seglen, tp->rcv_nxt) && SEQ_LT(seq, tp->rcv_nxt + wnd)) ||
			     seq == tp->rcv_nxt;
		if (!ok) {
			if (!(s.flags & TH_RST)) {
				if (tp->state == TCPS_TIME_WAIT && (s.flags & TH_FIN))
					tp->t_timewait = now(tp) + TIMEWAIT_NS;
				oow_ack(tp, &s);
			}
			goto out;
		}
	}
	tp->probes = 0;
	if (s.flags & TH_RST) {
		/* RFC 5961 3.2: only an exact match resets; others get a
		 * challenge ACK. */
		if (seq == tp->rcv_nxt)
			got_reset(tp);
		else
			oow_ack(tp, &s);
		goto out;
	}
	if (s.flags & TH_SYN) {
		if (tp->state == TCPS_SYN_RECV && seq == tp->irs) {
			send_syn(tp);
			goto out;
		}
		oow_ack(tp, &s); /* RFC 5961 4.2 challenge ACK */
		goto out;
	}
	if (!(s.flags & TH_ACK))
		goto out;
	/* timestamps: TS.Recent (RFC 7323 4.3) */
	if (tp->ts_ok && s.has_ts && SEQ_LEQ(seq, tp->last_ack_sent))
		tp->ts_recent = s.tsval;
	if (tp->state == TCPS_SYN_RECV) {
		if (SEQ_GT(s.ack, tp->snd_una) && SEQ_LEQ(s.ack, tp->snd_max)) {
			tp->snd_una = s.ack;
			tp->snd_wnd = s.wnd << tp->snd_wscale;
			tp->snd_wl1 = s.seq;
			tp->snd_wl2 = s.ack;
			if (tp->ts_ok && s.has_ts && s.tsecr) {
				uint32_t d = ts_now(tp) - s.tsecr;

				if (d < 60000 && !tp->backoff)
					rtt_sample(tp, (uint64_t)d * NS_MS + NS_MS / 2);
			}
			established(tp);
		} else {
			xmit(tp, s.ack, TH_RST, 0, 0);
			goto out;
		}
	}
	if (!process_ack(tp, &s))
		goto out;
	switch (tp->state) {
	case TCPS_FIN_WAIT1:
		if (tp->fin_acked) {
			set_state(tp, TCPS_FIN_WAIT2);
			if (tp->rcv_closed)
				tp->t_timewait = now(tp) + FIN_TIMEOUT_NS;
		}
		break;
	case TCPS_CLOSING:
		if (tp->fin_acked)
			to_timewait(tp);
		break;
	case TCPS_LAST_ACK:
		if (tp->fin_acked) {
			to_closed(tp, 0);
			goto out;
		}
		break;
	case TCPS_TIME_WAIT:
		if (s.flags & TH_FIN) {
			tp->t_timewait = now(tp) + TIMEWAIT_NS;
			send_ack(tp);
		}
		goto out;
	default:
		break;
	}
	if (tp->state == TCPS_ESTABLISHED || tp->state == TCPS_FIN_WAIT1 ||
	    tp->state == TCPS_FIN_WAIT2)
		urgent(tp, &s, d);
	/* data and FIN */
	doff = 0;
	dlen = s.dlen;
	fin = s.flags & TH_FIN;
	if (SEQ_LT(seq, tp->rcv_nxt)) {
		uint32_t cut = tp->rcv_nxt - seq;

		if (cut > dlen) {
			dlen = 0;
			fin = false;
		} else {
			doff += cut;
			dlen -= cut;
		}
		seq = tp->rcv_nxt;
	}
	if (dlen || fin) {
		if (tp->state == TCPS_ESTABLISHED || tp->state == TCPS_FIN_WAIT1 ||
		    tp->state == TCPS_FIN_WAIT2) {
			if (tp->rcv_closed && dlen) {
				/* data for a closed socket (Linux tcp_rcv_state_process) */
				tcp_abort(tp, ECONNRESET);
				goto out;
			}
			process_data(tp, d, doff, seq, dlen, fin);
		} else if (dlen || fin) {
			tp->ack_now = true;
		}
	}
	if (tp->state != TCPS_CLOSED)
		keep_arm(tp);
	output(tp, false);
out:
	arm(tp);
}

void tcp_timer(struct tcp_cb *tp)
{
	uint64_t t = now(tp);

	if (tp->t_timewait && tp->t_timewait <= t) {
		tp->t_timewait = 0;
		to_closed(tp, 0);
		goto out;
	}
	if (tp->t_rexmit && tp->t_rexmit <= t) {
		tp->t_rexmit = 0;
		tp->retries++;
		if (syn_state(tp)) {
			int max = tp->state == TCPS_SYN_SENT ? tp->syn_retries : SYNACK_RETRIES;

			if (tp->retries > max) {
				to_closed(tp, ETIMEDOUT);
				goto out;
			}
			tp->backoff++;
			send_syn(tp);
			rexmit_arm(tp);
		} else if (flight(tp)) {
			if (tp->retries > tp->max_retries) {
				to_closed(tp, ETIMEDOUT);
				goto out;
			}
			if (!tp->in_loss || tp->backoff == 0) {
				tp->ssthresh = tcp_cc_ssthresh(tp);
				tcp_cc_on_rto(tp);
			}
			tp->cwnd = tp->mss;
			tp->backoff++;
			if (tp->backoff >= 2) {
				tp->sacked.n = 0;      /* the peer may have reneged */
				tp->sacked_bytes = 0;
				tp->highest_sack = tp->snd_una;
			}
			tp->in_recovery = false;
			tp->in_loss = true;
			tp->recover = tp->snd_max;
			tp->dupacks = 0;
			tp->rtt_timing = false;
			tp->lost_out++;
			tp->rto_count++;
			/* the head always goes, SACKed or not */
			tp->high_rxt = tp->snd_una + send_range(tp, tp->snd_una, tp->mss, true);
			rexmit_arm(tp);
		}
	}
	if (tp->t_persist && tp->t_persist <= t) {
		tp->t_persist = 0;
		/* a zero-window probe: an old sequence number elicits an ACK */
		xmit(tp, tp->snd_una - 1, TH_ACK, 0, 0);
		tp->persist_ivl *= 2;
		if (tp->persist_ivl > PERSIST_MAX)
			tp->persist_ivl = PERSIST_MAX;
		tp->t_persist = t + tp->persist_ivl;
	}
	if (tp->t_keep && tp->t_keep <= t) {
		tp->t_keep = 0;
		if (!flight(tp) && tp->keepalive) {
			if (tp->probes >= (int)tp->keepcnt) {
				tcp_abort(tp, ETIMEDOUT);
				goto out;
			}
			xmit(tp, tp->snd_una - 1, TH_ACK, 0, 0);
			tp->probes++;
			tp->t_keep = t + (uint64_t)tp->keepintvl * NS_S;
		} else {
			keep_arm(tp);
		}
	}
	if (tp->t_cork && tp->t_cork <= t) {
		tp->t_cork = 0;
		tp->more = false;
		{
			bool c = tp->cork;

			tp->cork = false;
			output(tp, false);
			tp->cork = c;
		}
	}
	if (tp->t_delack && tp->t_delack <= t) {
		tp->t_delack = 0;
		if (tp->state != TCPS_CLOSED)
			tp->ack_now = true;
	}
	output(tp, false);
out:
	arm(tp);
}

long tcp_send(struct tcp_cb *tp, const void *buf, size_t len, int flags)
{
	bool nd = tp->nodelay;
	size_t room;

	if (tp->err)
		return -tp->err;
	if (tp->fin_queued || tp->state == TCPS_CLOSED)
		return -EPIPE;
	if (tp->state != TCPS_ESTABLISHED && tp->state != TCPS_CLOSE_WAIT)
		return -ENOTCONN;
	room = tcp_send_space(tp);
	if (len > room)
		len = room;
	if (len) {
		long n = tcp_bufq_append(&tp->sndq, buf, len);

		if (n < 0)
			return -ENOMEM;
		len = (size_t)n;
	}
	tp->more = flags & TCP_SEND_MORE;
	if ((flags & TCP_SEND_OOB) && len) {
		/* the urgent pointer goes one past the last byte (BSD) and
		 * urgent data is pushed at once */
		tp->snd_up = tp->snd_una + (uint32_t)tp->sndq.len;
		tp->urg_mode = true;
		tp->nodelay = true;
		tp->more = false;
	}
	output(tp, false);
	tp->nodelay = nd;
	arm(tp);
	return (long)len;
}

size_t tcp_send_space(const struct tcp_cb *tp)
{
	return tp->sndbuf > tp->sndq.len ? tp->sndbuf - tp->sndq.len : 0;
}

size_t tcp_unsent(const struct tcp_cb *tp)
{
	size_t sent = tp->snd_nxt - tp->snd_una;

	if (!tp->syn_acked)
		return tp->sndq.len;
	return tp->sndq.len > sent ? tp->sndq.len - sent : 0;
}

size_t tcp_readable(const struct tcp_cb *tp)
{
	return tp->rcvq.len;
}

size_t tcp_inq(const struct tcp_cb *tp)
{
	uint32_t cs = copied_seq(tp);

	if (tp->oobinline || tp->urg_state == TCP_URG_NONE || SEQ_LT(tp->urg_seq, cs) ||
	    !SEQ_LT(tp->urg_seq, tp->rcv_nxt))
		return tp->rcvq.len;
	return tp->urg_seq - cs;
}

bool tcp_at_mark(const struct tcp_cb *tp)
{
	return tp->urg_state != TCP_URG_NONE && tp->urg_seq == copied_seq(tp);
}

bool tcp_has_data(const struct tcp_cb *tp)
{
	size_t need = 1;

	if (tcp_at_mark(tp) && !tp->oobinline)
		need++;
	return tp->rcvq.len >= need;
}

/* Reads stop at the urgent mark; at it, the urgent byte is skipped
 * unless SO_OOBINLINE (Linux's tcp_recvmsg). */
size_t tcp_recv(struct tcp_cb *tp, void *buf, size_t len, bool peek, size_t off)
{
	uint32_t seq = copied_seq(tp) + (uint32_t)off;
	size_t done = 0, skipped = 0, pos = off;

	while (done < len && pos < tp->rcvq.len) {
		size_t n = tp->rcvq.len - pos;

		if (tp->urg_state != TCP_URG_NONE && tp->urg_seq == seq) {
			if (done)
				break;
			if (!tp->oobinline) {
				seq++;
				pos++;
				skipped++;
				continue;
			}
		}
		if (n > len - done)
			n = len - done;
		if (tp->urg_state != TCP_URG_NONE && SEQ_LT(seq, tp->urg_seq) && tp->urg_seq - seq < n)
			n = tp->urg_seq - seq;
		if (buf)
			tcp_bufq_read_at(&tp->rcvq, pos, (uint8_t *)buf + done, n);
		done += n;
		pos += n;
		seq += (uint32_t)n;
	}
	if (!peek) {
		tcp_bufq_drop(&tp->rcvq, pos - off);
		if (tp->urg_state != TCP_URG_NONE && SEQ_GT(copied_seq(tp), tp->urg_seq))
			tp->urg_state = TCP_URG_NONE;
		tcp_rcv_window_update(tp);
	}
	return done;
}


void tcp_rcv_window_update(struct tcp_cb *tp)
{
	uint32_t cur, now_w;

	if (tp->state == TCPS_CLOSED || tp->state == TCPS_LISTEN || syn_state(tp) || tp->fin_rcvd)
		return;
	cur = SEQ_GT(tp->rcv_adv, tp->rcv_nxt) ? tp->rcv_adv - tp->rcv_nxt : 0;
	now_w = rcv_window(tp);
	/* tell the sender once the window grew by two segments or half
	 * the buffer (Linux's __tcp_cleanup_rbuf), or opened from zero */
	if (now_w > cur && (now_w - cur >= 2u * tp->adv_mss || now_w - cur >= tp->rcvbuf / 2 ||
			    cur < tp->adv_mss)) {
		send_ack(tp);
		arm(tp);
	}
}

void tcp_shutdown_wr(struct tcp_cb *tp)
{
	switch (tp->state) {
	case TCPS_ESTABLISHED:
		tp->fin_queued = true;
		set_state(tp, TCPS_FIN_WAIT1);
		break;
	case TCPS_CLOSE_WAIT:
		tp->fin_queued = true;
		set_state(tp, TCPS_LAST_ACK);
		break;
	case TCPS_SYN_RECV:
		tp->fin_queued = true;
		set_state(tp, TCPS_FIN_WAIT1);
		break;
	case TCPS_SYN_SENT:
		to_closed(tp, 0);
		break;
	default:
		return;
	}
	tp->more = false;
	output(tp, false);
	arm(tp);
}

void tcp_close(struct tcp_cb *tp)
{
	tp->rcv_closed = true;
	if (tp->rcvq.len && tp->state != TCPS_CLOSED && tp->state != TCPS_TIME_WAIT) {
		/* unread data: reset (RFC 2525 2.17, Linux tcp_close) */
		tcp_abort(tp, 0);
		return;
	}
	if (tp->state == TCPS_SYN_SENT || tp->state == TCPS_LISTEN) {
		to_closed(tp, 0);
		arm(tp);
		return;
	}
	tp->cork = false;
	tcp_shutdown_wr(tp);
	if (tp->state == TCPS_FIN_WAIT2)
		tp->t_timewait = now(tp) + FIN_TIMEOUT_NS;
	arm(tp);
}

void tcp_push(struct tcp_cb *tp)
{
	if (tp->state == TCPS_CLOSED)
		return;
	if (!tp->cork)
		tp->t_cork = 0;
	output(tp, false);
	arm(tp);
}

void tcp_set_keepalive(struct tcp_cb *tp, bool on)
{
	tp->keepalive = on;
	tp->probes = 0;
	keep_arm(tp);
	arm(tp);
}
