/* TCP sockets (tcp(7)) over the engine in net/tcp_engine.c: ports and
 * binding rules (SO_REUSEADDR, SO_REUSEPORT, ephemeral ports), the
 * demultiplexing of received segments, listeners with their SYN and
 * accept queues (a full accept queue drops SYNs as Linux does), blocking
 * with SO_RCVTIMEO/SO_SNDTIMEO, poll readiness as tcp_poll, options, and
 * the sentry timers behind each connection's engine timer.
 *
 * Segments the engines send are queued and handed to ip_output only at the
 * top of a call into this file (flush), so an engine never runs inside
 * another engine's call even though lo delivers synchronously. */
#define _GNU_SOURCE
#include "net/tcp.h"
#include "net/inet.h"
#include "net/ip.h"
#include "net/raw.h"
#include "net/route.h"
#include "sentry/time.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/random.h>

#define EPHEMERAL_LO 32768
#define EPHEMERAL_HI 60999
#define RCV_SHUT 1
#define SEND_SHUT 2
#define SOMAXCONN_ 4096
#define WMEM_DEFAULT 16384
#define RMEM_DEFAULT 131072
#define BUF_MAX 212992
#define MIN_SNDBUF 4608
#define MIN_RCVBUF 2304
#define TCP_MIN_MSS 88
#define TCP_MAX_WINDOW 32767

enum sstate { SS_UNCONN, SS_CONNECTING, SS_CONNECTED };

/* Owned by its socket file; after the file goes, by the stack until the
 * connection is CLOSED (FIN_WAIT, TIME_WAIT ...). Children of a listener
 * are owned by it until accept() hands them out. */
struct tcp_sock {
	struct socket sock;
	struct tcp_cb cb;
	struct list_head node;      /* on its port_hash bucket while it has a port */
	struct list_head qnode;     /* on its listener's synq or acceptq */
	struct list_head hnode;     /* on conn_hash while it has a peer */
	bool hashed;
	struct tcp_sock *listener;
	bool in_acceptq, has_file, listening, bound;
	int busy;                   /* a call of ours is using it: no freeing */
	enum sstate sstate;
	uint8_t laddr[16], raddr[16];
	uint16_t lport, rport;
	bool v6only, reuseaddr, reuseport, linger_on;
	int linger_secs;
	int shut;
	int backlog, nacc, nsyn;
	struct list_head synq, acceptq;
	int user_sndbuf, user_rcvbuf; /* 0: not set */
	int priority, ttl, tos;
	uint32_t user_timeout, window_clamp;
	int defer_accept, linger2;
	bool quickack;
	struct timeval sndtimeo, rcvtimeo;
	uint64_t when;              /* its engine timer, 0: none */
	size_t heap_idx;            /* in timer_heap while when != 0 */
	struct waitq wq;
};

struct txpkt {
	struct txpkt *next;
	uint8_t src[16], dst[16];
	size_t len;
	uint8_t *data;              /* malloc'ed, owned, the segment after
				     * IP_TCP_HEADROOM; NULL: pkt */
	unsigned int mss;           /* cut larger segments to this (TSO); 0: none */
	struct tcp_pkt pkt;         /* to a local address: by reference */
};

/* Sockets with a local port, by port: binding checks and listeners. */
#define PORT_HASH 4096
static struct list_head port_hash[PORT_HASH];

static struct list_head *port_bucket(uint16_t port)
{
	if (!port_hash[0].next)
		for (int i = 0; i < PORT_HASH; i++)
			list_init(&port_hash[i]);
	return &port_hash[port % PORT_HASH];
}
/* Connections by 4-tuple, for the receive path. */
#define CONN_HASH 1024
static struct list_head conn_hash[CONN_HASH];
static struct txpkt *txq_head, **txq_tail = &txq_head;
/* Spent txpkts for reuse (one allocation per segment less). */
#define TXFREE_MAX 64
static struct txpkt *txfree;
static int ntxfree;
static bool flushing;
static uint16_t port_rover = EPHEMERAL_LO;
static uint64_t rng_state;
static const struct sock_ops tcp_ops;

static struct tcp_sock *ts_of(struct socket *s)
{
	return (struct tcp_sock *)s;
}

static struct tcp_sock *ts_cb(struct tcp_cb *tp)
{
	return tp->ctx;
}

static bool is6(const struct tcp_sock *ts)
{
	return ts->sock.family == AF_INET6;
}

/* ---- the engine's world ---- */

static uint16_t tcp_csum(const uint8_t *src, const uint8_t *dst, const uint8_t *seg, size_t len)
{
	return ip_csum_fold(ip_csum_add(ip_pseudo(src, dst, IPPROTO_TCP, len), seg, len));
}

static struct txpkt *txpkt_get(void)
{
	struct txpkt *p = txfree;

	if (!p)
		return malloc(sizeof(*p));
	txfree = p->next;
	ntxfree--;
	return p;
}

static void txpkt_put(struct txpkt *p)
{
	if (ntxfree >= TXFREE_MAX) {
		free(p);
		return;
	}
	p->next = txfree;
	txfree = p;
	ntxfree++;
}

static void txq_add(struct txpkt *p)
{
	p->next = NULL;
	*txq_tail = p;
	txq_tail = &p->next;
}

/* Queue a segment for ip_output_tcp: buf (malloc'ed: taken over, or
 * freed) holds it after IP_TCP_HEADROOM bytes, its checksum not filled. */
static void queue_pkt(const uint8_t *src, const uint8_t *dst, uint8_t *buf, size_t len,
		      unsigned int mss)
{
	struct txpkt *p = txpkt_get();

	if (!p) {
		free(buf);
		return; /* a lost segment */
	}
	memcpy(p->src, src, 16);
	memcpy(p->dst, dst, 16);
	p->data = buf;
	p->len = len;
	p->mss = mss;
	p->pkt.nspan = 0;
	txq_add(p);
}

/* A buffer with the segment's bytes after IP_TCP_HEADROOM, or NULL. */
static uint8_t *pkt_bytes(const struct tcp_pkt *pk)
{
	uint8_t *buf = malloc(IP_TCP_HEADROOM + pk->hlen + pk->dlen);

	if (buf)
		tcp_pkt_flatten(pk, buf + IP_TCP_HEADROOM);
	return buf;
}

/* A segment by reference: to a local address it stays one (lo hands the
 * receiver the sender's chunks); elsewhere it becomes bytes here, once,
 * and IP builds its headers in front of them. */
static void env_output_pkt(struct tcp_cb *tp, struct tcp_pkt *pk)
{
	struct tcp_sock *ts = ts_cb(tp);
	struct txpkt *p;
	uint8_t *buf;
	size_t len = pk->hlen + pk->dlen;

	if (ip_is_local(ts->raddr) && (p = txpkt_get())) {
		memcpy(p->src, ts->laddr, 16);
		memcpy(p->dst, ts->raddr, 16);
		p->data = NULL;
		p->len = len;
		p->mss = tp->mss;
		p->pkt = *pk;   /* the references move with it */
		txq_add(p);
		return;
	}
	buf = pkt_bytes(pk);
	tcp_pkt_release(pk);
	if (buf)
		queue_pkt(ts->laddr, ts->raddr, buf, len, tp->mss);
}

static uint64_t env_now(struct tcp_cb *tp)
{
	return time_host_mono();
}

/* Connection timers live in a min-heap behind one sentry timer: the
 * sentry's timer list inserts in O(n), and thousands of TIME_WAIT
 * connections made every arm walk them all. */
static struct tcp_sock **timer_heap;
static size_t heap_n, heap_cap;
static struct ktimer heap_timer;
static bool heap_timer_ready;

static void heap_set(size_t i, struct tcp_sock *ts)
{
	timer_heap[i] = ts;
	ts->heap_idx = i;
}

static void heap_up(size_t i)
{
	struct tcp_sock *ts = timer_heap[i];

	while (i && timer_heap[(i - 1) / 2]->when > ts->when) {
		heap_set(i, timer_heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(i, ts);
}

static void heap_down(size_t i)
{
	struct tcp_sock *ts = timer_heap[i];

	for (;;) {
		size_t l = 2 * i + 1, m = l;

		if (l >= heap_n)
			break;
		if (l + 1 < heap_n && timer_heap[l + 1]->when < timer_heap[l]->when)
			m = l + 1;
		if (timer_heap[m]->when >= ts->when)
			break;
		heap_set(i, timer_heap[m]);
		i = m;
	}
	heap_set(i, ts);
}

static void heap_remove(struct tcp_sock *ts)
{
	size_t i = ts->heap_idx;
	struct tcp_sock *last;

	ts->when = 0;
	last = timer_heap[--heap_n];
	if (last == ts)
		return;
	heap_set(i, last);
	heap_up(i);
	heap_down(last->heap_idx);
}

static void heap_fire(struct ktimer *k);

/* Point the sentry timer at the earliest connection timer. */
static void heap_rearm(void)
{
	if (!heap_timer_ready) {
		ktimer_init(&heap_timer, heap_fire);
		heap_timer_ready = true;
	}
	if (!heap_n) {
		if (heap_timer.armed)
			ktimer_cancel(&heap_timer);
		return;
	}
	if (!heap_timer.armed || heap_timer.when != timer_heap[0]->when)
		ktimer_arm(&heap_timer, timer_heap[0]->when);
}

static void env_timer(struct tcp_cb *tp, uint64_t when)
{
	struct tcp_sock *ts = ts_cb(tp);

	if (when == ts->when)
		return;
	if (!when) {
		heap_remove(ts);
	} else if (!ts->when) {
		if (heap_n == heap_cap) {
			size_t nc = heap_cap ? heap_cap * 2 : 64;
			struct tcp_sock **nh = realloc(timer_heap, nc * sizeof(*nh));

			if (!nh)
				return; /* no timer: the connection stalls rather than crash */
			timer_heap = nh;
			heap_cap = nc;
		}
		ts->when = when;
		heap_set(heap_n++, ts);
		heap_up(ts->heap_idx);
	} else {
		uint64_t old = ts->when;

		ts->when = when;
		if (when < old)
			heap_up(ts->heap_idx);
		else
			heap_down(ts->heap_idx);
	}
	heap_rearm();
}

static uint32_t env_random(struct tcp_cb *tp)
{
	uint64_t z;

	if (!rng_state) {
		if (getrandom(&rng_state, sizeof(rng_state), GRND_NONBLOCK) != sizeof(rng_state))
			rng_state = time_host_mono() ^ 0x9e3779b97f4a7c15ULL;
		rng_state |= 1;
	}
	/* splitmix64 */
	z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (uint32_t)((z ^ (z >> 31)) >> 16);
}

static void child_established(struct tcp_sock *c);

static void env_event(struct tcp_cb *tp, int ev)
{
	struct tcp_sock *ts = ts_cb(tp);

	if ((ev & TCP_EV_STATE) && tp->state == TCPS_CLOSED)
		ts->shut = RCV_SHUT | SEND_SHUT;
	if ((ev & TCP_EV_URG) && ts->sock.file && ts->sock.file->owner > 0) {
		/* sk_send_sigurg: the F_SETOWN process hears of it */
		struct thread_group *tg = tg_lookup(ts->sock.file->owner);

		if (tg)
			sig_send_tg(tg, SIGURG, NULL);
	}
	if ((ev & TCP_EV_STATE) && ts->listener && !ts->in_acceptq &&
	    (tp->state == TCPS_ESTABLISHED || tp->state == TCPS_CLOSE_WAIT))
		child_established(ts);
	waitq_wake_all(&ts->wq);
}

static const struct tcp_env tcp_env = {
	.output_pkt = env_output_pkt,
	.now = env_now,
	.timer = env_timer,
	.event = env_event,
	.random = env_random,
};

/* Hand queued segments to IP; what they provoke is queued and sent in
 * turn. */
static void flush(void)
{
	if (flushing)
		return;
	flushing = true;
	while (txq_head) {
		struct txpkt *p = txq_head;

		txq_head = p->next;
		if (!txq_head)
			txq_tail = &txq_head;
		if (!p->data) {
			/* lo delivers at once: by reference, unless raw
			 * sockets want a copy of every packet or the route
			 * is not lo's; then as bytes */
			if (!raw_any() && p->len + (ip_is_v4mapped(p->dst) ? 20 : 0) <= 65535 &&
			    ip_route_lo(p->dst)) {
				tcp_input_local(p->src, p->dst, &p->pkt);
			} else {
				p->data = pkt_bytes(&p->pkt);
			}
		}
		tcp_pkt_release(&p->pkt);
		if (p->data) {
			ip_output_tcp(p->src, p->dst, p->data + IP_TCP_HEADROOM, p->len, 64, p->mss);
			free(p->data);
		}
		txpkt_put(p);
	}
	flushing = false;
}

static unsigned int tuple_hash(const uint8_t *raddr, uint16_t rport, uint16_t lport)
{
	uint32_t h = (uint32_t)lport * 2654435761u ^ (uint32_t)rport * 40503u;

	for (int i = 12; i < 16; i++)
		h = h * 31 + raddr[i];
	return (h ^ h >> 16) % CONN_HASH;
}

static void unhash(struct tcp_sock *ts)
{
	if (ts->hashed) {
		list_del(&ts->hnode);
		ts->hashed = false;
	}
}

static void hash_conn(struct tcp_sock *ts)
{
	struct list_head *b;

	unhash(ts);
	if (!conn_hash[0].next)
		for (int i = 0; i < CONN_HASH; i++)
			list_init(&conn_hash[i]);
	b = &conn_hash[tuple_hash(ts->raddr, ts->rport, ts->lport)];
	list_add(&ts->hnode, b);
	ts->hashed = true;
}

/* Free a socket nobody holds once its connection is over. */
static void maybe_free(struct tcp_sock *ts)
{
	if (ts->has_file || ts->in_acceptq || ts->listening || ts->busy)
		return;
	if (ts->cb.state != TCPS_CLOSED)
		return;
	if (ts->listener) {
		list_del(&ts->qnode);
		ts->listener->nsyn--;
		ts->listener = NULL;
	}
	if (ts->bound)
		list_del(&ts->node);
	unhash(ts);
	tcp_cb_free(&ts->cb);   /* cancels its timer */
	free(ts);
}

static void heap_fire(struct ktimer *k)
{
	uint64_t now = time_host_mono();

	while (heap_n && timer_heap[0]->when <= now) {
		struct tcp_sock *ts = timer_heap[0];

		heap_remove(ts);
		ts->busy++;
		tcp_timer(&ts->cb);
		flush();
		ts->busy--;
		maybe_free(ts);
	}
	heap_rearm();
}

static struct tcp_sock *ts_alloc(int family)
{
	struct tcp_sock *ts = calloc(1, sizeof(*ts));

	if (!ts)
		return NULL;
	socket_init(&ts->sock, &tcp_ops, family, SOCK_STREAM, IPPROTO_TCP);
	list_init(&ts->node);
	list_init(&ts->qnode);
	list_init(&ts->hnode);
	list_init(&ts->synq);
	list_init(&ts->acceptq);
	tcp_cb_init(&ts->cb, &tcp_env, ts);
	waitq_init(&ts->wq);
	ts->ttl = 64;
	if (family == AF_INET) {
		ip_map4(ts->laddr, (uint8_t[4]){ 0 });
		ip_map4(ts->raddr, (uint8_t[4]){ 0 });
	}
	return ts;
}

int tcp_create(struct task *t, int family, struct socket **out)
{
	struct tcp_sock *ts = ts_alloc(family);

	if (!ts)
		return -ENOMEM;
	ts->has_file = true;
	*out = &ts->sock;
	return 0;
}

/* ---- addresses and ports ---- */

static bool port_free(const struct tcp_sock *ts, const uint8_t *laddr, uint16_t port, bool eph)
{
	struct tcp_sock *o;

	list_for_each_entry(o, port_bucket(port), node) {
		if (o == ts || o->lport != port)
			continue;
		if (eph)
			return false;
		if (!inet_bind_overlap(o->laddr, is6(o), o->v6only, laddr, is6(ts), ts->v6only, true))
			continue;
		if (ts->reuseaddr && o->reuseaddr && !o->listening)
			continue;
		if (ts->reuseport && o->reuseport)
			continue;
		return false;
	}
	return true;
}

static int do_bind(struct tcp_sock *ts, const uint8_t *laddr, uint16_t port)
{
	if (!port) {
		int n = EPHEMERAL_HI - EPHEMERAL_LO + 1;

		for (int i = 0; i < n; i++) {
			uint16_t p = port_rover;

			port_rover = port_rover >= EPHEMERAL_HI ? EPHEMERAL_LO : port_rover + 1;
			if (port_free(ts, laddr, p, true)) {
				port = p;
				break;
			}
		}
		if (!port)
			return -EADDRINUSE;
	} else if (!port_free(ts, laddr, port, false)) {
		return -EADDRINUSE;
	}
	memcpy(ts->laddr, laddr, 16);
	ts->lport = port;
	ts->cb.sport = port;
	ts->bound = true;
	list_add_tail(&ts->node, port_bucket(port));
	return 0;
}

static int tcp_bind(struct task *t, struct socket *s, const void *addr, socklen_t len)
{
	struct tcp_sock *ts = ts_of(s);
	uint8_t a[16];
	uint16_t port = 0;
	bool unspec;
	int r = inet_addr_from(is6(ts), addr, len, a, &port, &unspec, true);

	if (r < 0)
		return r;
	if (unspec) {
		/* Linux takes AF_UNSPEC with INADDR_ANY on AF_INET as AF_INET */
		struct sockaddr_in sin;

		if (is6(ts))
			return -EINVAL;
		memcpy(&sin, addr, sizeof(sin));
		if (sin.sin_addr.s_addr != htonl(INADDR_ANY))
			return -EAFNOSUPPORT;
		ip_map4(a, &sin.sin_addr);
		port = ntohs(sin.sin_port);
	}
	if (ts->bound || ts->cb.state != TCPS_CLOSED)
		return -EINVAL;
	if (is6(ts) && ip_is_v4mapped(a) && ts->v6only)
		return -EINVAL;
	if (!inet_is_any(a, is6(ts), true) && !ip_is_local(a))
		return -EADDRNOTAVAIL;
	if (port && port < 1024 && !capable(t, 10 /* CAP_NET_BIND_SERVICE */))
		return -EACCES;
	return do_bind(ts, a, port);
}

static int autobind(struct tcp_sock *ts)
{
	uint8_t any[16] = { 0 };

	if (ts->bound)
		return 0;
	if (!is6(ts))
		ip_map4(any, (uint8_t[4]){ 0 });
	return do_bind(ts, any, 0);
}

/* The payload one segment towards dst may carry when IP cuts it into MSS
 * pieces itself (ip_tso_max, less the largest TCP header). */
static uint32_t tso_for(const uint8_t *dst)
{
	unsigned int m = ip_tso_max(dst);

	return m > 60 ? m - 60 : 0;
}

static uint16_t mss_for(const uint8_t *dst)
{
	unsigned int mtu = ip_mtu(dst);
	bool v4 = ip_is_v4mapped(dst);

	if (!mtu)
		return 536;
	if (mtu > 65535)
		mtu = 65535;
	mtu -= v4 ? 40 : 60;
	return (uint16_t)(mtu < 536 ? 536 : mtu);
}

/* ---- blocking ---- */

/* SO_RCVTIMEO/SO_SNDTIMEO are kept as the guest set them. */
static const struct timespec *deadline(const struct timeval *tv, struct timespec *dl)
{
	struct timespec timeo = { tv->tv_sec, tv->tv_usec * 1000 };

	return sock_deadline(&timeo, dl);
}

static int take_err(struct tcp_sock *ts)
{
	int e = ts->cb.err;

	ts->cb.err = 0;
	return e;
}

/* ---- connection setup ---- */

static void reset_cb(struct tcp_sock *ts)
{
	struct tcp_cb old = ts->cb;

	tcp_cb_free(&ts->cb);
	tcp_cb_init(&ts->cb, &tcp_env, ts);
	ts->cb.sport = ts->lport;
	ts->cb.nodelay = old.nodelay;
	ts->cb.cork = old.cork;
	ts->cb.oobinline = old.oobinline;
	ts->cb.keepalive = old.keepalive;
	ts->cb.keepidle = old.keepidle;
	ts->cb.keepintvl = old.keepintvl;
	ts->cb.keepcnt = old.keepcnt;
	ts->cb.syn_retries = old.syn_retries;
	ts->cb.user_mss = old.user_mss;
	ts->cb.cc.algo = old.cc.algo;
	ts->cb.err = old.err;
	if (ts->user_sndbuf)
		ts->cb.sndbuf = (size_t)ts->user_sndbuf;
	if (ts->user_rcvbuf)
		ts->cb.rcvbuf = (size_t)ts->user_rcvbuf;
}

static int tcp_connect_op(struct task *t, struct socket *s, const void *addr, socklen_t len,
			  bool nonblock)
{
	struct tcp_sock *ts = ts_of(s);
	uint8_t a[16], src[16];
	uint16_t port = 0;
	bool unspec;
	struct timespec dls;
	const struct timespec *dl;
	int r = inet_addr_from(is6(ts), addr, len, a, &port, &unspec, true);

	if (r < 0)
		return r;
	if (unspec) {
		/* tcp_disconnect */
		if (ts->listening)
			return 0;
		if (ts->cb.state != TCPS_CLOSED)
			tcp_abort(&ts->cb, 0);
		flush();
		reset_cb(ts);
		ts->cb.err = 0;
		ts->sstate = SS_UNCONN;
		ts->shut = 0;
		return 0;
	}
	switch (ts->sstate) {
	case SS_CONNECTED:
		return -EISCONN;
	case SS_CONNECTING:
		if (ts->cb.state == TCPS_SYN_SENT || ts->cb.state == TCPS_SYN_RECV) {
			if (nonblock)
				return -EALREADY;
			goto wait;
		}
		goto done;
	case SS_UNCONN:
		break;
	}
	if (ts->listening || (ts->cb.state != TCPS_CLOSED))
		return -EISCONN;
	if (is6(ts) && ip_is_v4mapped(a) && ts->v6only)
		return -ENETUNREACH;
	if (ip_is_any(a, true) || ip_is_any(a, false)) {
		static const uint8_t lo4[4] = { 127, 0, 0, 1 };

		if (ip_is_v4mapped(a) || !is6(ts))
			ip_map4(a, lo4);
		else
			a[15] = 1;
	}
	if (ip_is_broadcast(a))
		return -ENETUNREACH;
	r = ip_route_src(a, src);
	if (r < 0)
		return r;
	if (!inet_is_any(ts->laddr, is6(ts), true) && ip_is_v4mapped(ts->laddr) != ip_is_v4mapped(a))
		return -ENETUNREACH;
	r = autobind(ts);
	if (r < 0)
		return r;
	if (inet_is_any(ts->laddr, is6(ts), true))
		memcpy(ts->laddr, src, 16);
	memcpy(ts->raddr, a, 16);
	ts->rport = port;
	hash_conn(ts);
	if (ts->cb.state != TCPS_CLOSED || ts->cb.err || ts->cb.sndq.len || ts->cb.rcvq.len)
		reset_cb(ts);
	ts->cb.err = 0;
	ts->shut = 0;
	ts->cb.sport = ts->lport;
	ts->cb.dport = port;
	if (ts->user_sndbuf)
		ts->cb.sndbuf = (size_t)ts->user_sndbuf;
	if (ts->user_rcvbuf)
		ts->cb.rcvbuf = (size_t)ts->user_rcvbuf;
	ts->sstate = SS_CONNECTING;
	ts->cb.tso_max = tso_for(a);
	tcp_connect(&ts->cb, mss_for(a));
	flush();
	/* Linux answers a non-blocking connect before the handshake runs. */
	if (nonblock)
		return -EINPROGRESS;
wait:
	dl = deadline(&ts->sndtimeo, &dls);
	while (ts->cb.state == TCPS_SYN_SENT || ts->cb.state == TCPS_SYN_RECV) {
		r = sock_sleep(t, &ts->wq, NULL, dl);
		if (r == -EAGAIN)
			return -EINPROGRESS;
		if (r < 0)
			return r;
	}
done:
	if (ts->cb.state == TCPS_CLOSED) {
		ts->sstate = SS_UNCONN;
		r = take_err(ts);
		return r ? -r : -ECONNABORTED;
	}
	ts->sstate = SS_CONNECTED;
	return 0;
}

static int tcp_listen_op(struct task *t, struct socket *s, int backlog)
{
	struct tcp_sock *ts = ts_of(s);
	int r;

	if (ts->sstate != SS_UNCONN || (ts->cb.state != TCPS_CLOSED && !ts->listening))
		return -EINVAL;
	if ((unsigned int)backlog > SOMAXCONN_)
		backlog = SOMAXCONN_;
	ts->backlog = backlog;
	if (ts->listening)
		return 0;
	r = autobind(ts);
	if (r < 0)
		return r;
	/* a listener's port may not be shared with a bound non-listener
	 * unless SO_REUSEPORT */
	{
		struct tcp_sock *o;

		list_for_each_entry(o, port_bucket(ts->lport), node) {
			if (o == ts || o->lport != ts->lport || !o->listening)
				continue;
			if (!inet_bind_overlap(o->laddr, is6(o), o->v6only, ts->laddr, is6(ts),
					       ts->v6only, true))
				continue;
			if (!(ts->reuseport && o->reuseport))
				return -EADDRINUSE;
		}
	}
	ts->listening = true;
	ts->cb.state = TCPS_LISTEN;
	return 0;
}

static void child_established(struct tcp_sock *c)
{
	struct tcp_sock *l = c->listener;

	list_del(&c->qnode);
	list_add_tail(&c->qnode, &l->acceptq);
	l->nsyn--;
	c->in_acceptq = true;
	c->sstate = SS_CONNECTED;
	l->nacc++;
	waitq_wake_all(&l->wq);
}

static int tcp_accept_op(struct task *t, struct socket *s, bool nonblock, struct socket **ns)
{
	struct tcp_sock *ts = ts_of(s), *c;
	struct timespec dls;
	const struct timespec *dl = deadline(&ts->rcvtimeo, &dls);
	int r;

	if (!ts->listening)
		return -EINVAL;
	while (list_empty(&ts->acceptq)) {
		if (nonblock)
			return -EAGAIN;
		r = sock_sleep(t, &ts->wq, NULL, dl);
		if (r < 0)
			return r;
		if (!ts->listening)
			return -EINVAL;
	}
	c = list_first_entry(&ts->acceptq, struct tcp_sock, qnode);
	list_del(&c->qnode);
	list_init(&c->qnode);
	c->in_acceptq = false;
	c->listener = NULL;
	c->has_file = true;
	ts->nacc--;
	*ns = &c->sock;
	return 0;
}

/* ---- data ---- */

static ssize_t tcp_sendmsg_op(struct task *t, struct socket *s, struct sock_msg *m, int flags)
{
	struct tcp_sock *ts = ts_of(s);
	bool nonblock = flags & MSG_DONTWAIT;
	struct timespec dls;
	const struct timespec *dl = NULL;
	size_t done = 0;
	int r;

	if (m->nfds)
		return -EINVAL;
	for (;;) {
		long n;

		if (ts->cb.err) {
			r = take_err(ts);
			if (done)
				return (ssize_t)done;
			if (r == EPIPE)
				goto epipe;
			return -r;
		}
		if ((ts->shut & SEND_SHUT) || ts->cb.fin_queued) {
			if (done)
				return (ssize_t)done;
			goto epipe;
		}
		if (ts->cb.state == TCPS_SYN_SENT || ts->cb.state == TCPS_SYN_RECV) {
			if (nonblock)
				return -EAGAIN;
			if (!dl)
				dl = deadline(&ts->sndtimeo, &dls);
			r = sock_sleep(t, &ts->wq, NULL, dl);
			if (r < 0)
				return r;
			continue;
		}
		if (ts->cb.state != TCPS_ESTABLISHED && ts->cb.state != TCPS_CLOSE_WAIT) {
			if (done)
				return (ssize_t)done;
			goto epipe;
		}
		n = tcp_send(&ts->cb, (uint8_t *)m->buf + done, m->len - done,
			     ((flags & MSG_MORE) ? TCP_SEND_MORE : 0) |
			     ((flags & MSG_OOB) ? TCP_SEND_OOB : 0));
		flush();
		if (n < 0) {
			if (n == -EPIPE)
				goto epipe;
			return done ? (ssize_t)done : n;
		}
		done += (size_t)n;
		if (done == m->len)
			return (ssize_t)done;
		if (nonblock)
			return done ? (ssize_t)done : -EAGAIN;
		if (!dl)
			dl = deadline(&ts->sndtimeo, &dls);
		r = sock_sleep(t, &ts->wq, NULL, dl);
		if (r < 0) {
			if (done)
				return (ssize_t)done;
			return r == -ERESTARTSYS && dl ? -EINTR : r;
		}
	}
epipe:
	if (!(flags & MSG_NOSIGNAL))
		socket_sigpipe(t);
	return -EPIPE;
}

/* recv(MSG_OOB): the urgent byte, once (Linux's tcp_recv_urg); never
 * blocks. */
static ssize_t recv_urg(struct tcp_sock *ts, struct sock_msg *m, int flags)
{
	struct tcp_cb *tp = &ts->cb;

	if (tp->oobinline || tp->urg_state == TCP_URG_NONE || tp->urg_state == TCP_URG_READ)
		return -EINVAL;
	if (tp->state == TCPS_CLOSED && !tp->fin_rcvd)
		return -ENOTCONN;
	if (tp->urg_state == TCP_URG_VALID) {
		if (!(flags & MSG_PEEK))
			tp->urg_state = TCP_URG_READ;
		m->msg_flags |= MSG_OOB;
		if (m->len) {
			if (!(flags & MSG_TRUNC))
				((uint8_t *)m->buf)[0] = tp->urg_byte;
			return 1;
		}
		m->msg_flags |= MSG_TRUNC;
		return 0;
	}
	if (tp->state == TCPS_CLOSED || tp->fin_rcvd || (ts->shut & RCV_SHUT))
		return 0;
	return -EAGAIN;
}

static ssize_t tcp_recvmsg_op(struct task *t, struct socket *s, struct sock_msg *m, int flags)
{
	struct tcp_sock *ts = ts_of(s);
	bool nonblock = flags & MSG_DONTWAIT, peek = flags & MSG_PEEK;
	bool waitall = (flags & MSG_WAITALL) && !nonblock;
	struct timespec dls;
	const struct timespec *dl = NULL;
	size_t done = 0;
	int r;

	if (flags & MSG_ERRQUEUE)
		return -EAGAIN;
	if (ts->listening)
		return -ENOTCONN;
	if (flags & MSG_OOB)
		return recv_urg(ts, m, flags);
	if (flags & MSG_TRUNC)
		memset(m->buf, 0, m->len);
	for (;;) {
		size_t avail = tcp_has_data(&ts->cb) ? tcp_readable(&ts->cb) : 0;

		if (peek) {
			size_t want = waitall ? m->len : 1;

			if (avail >= want || (avail && (ts->cb.fin_rcvd || ts->cb.err ||
							 ts->cb.state == TCPS_CLOSED))) {
				size_t n = avail < m->len ? avail : m->len;

				if (!(flags & MSG_TRUNC))
					tcp_recv(&ts->cb, m->buf, n, true, 0);
				return (ssize_t)n;
			}
		} else if (avail) {
			size_t n = tcp_recv(&ts->cb, (flags & MSG_TRUNC) ? NULL : (uint8_t *)m->buf + done,
					    m->len - done, false, 0);

			done += n;
			flush();
			if (done == m->len || (!waitall && n))
				return (ssize_t)done;
			continue;
		}
		if (done && !waitall)
			return (ssize_t)done;
		if (ts->cb.err) {
			if (done)
				return (ssize_t)done;
			return -take_err(ts);
		}
		if (ts->cb.fin_rcvd || (ts->shut & RCV_SHUT))
			return (ssize_t)done;
		if (ts->cb.state == TCPS_CLOSED) {
			if (ts->sstate == SS_UNCONN && !ts->cb.rst_rcvd && !done)
				return -ENOTCONN;
			return (ssize_t)done;
		}
		if (nonblock)
			return done ? (ssize_t)done : -EAGAIN;
		if (!dl)
			dl = deadline(&ts->rcvtimeo, &dls);
		r = sock_sleep(t, &ts->wq, NULL, dl);
		if (r < 0)
			return done ? (ssize_t)done : r;
	}
}

static void drop_children(struct tcp_sock *l);

static int tcp_shutdown_op(struct socket *s, int how)
{
	struct tcp_sock *ts = ts_of(s);
	int st = ts->cb.state;

	if (ts->listening) {
		/* Linux: shutdown(SHUT_RD or RDWR) of a listener closes it
		 * (blocked accepts say EINVAL); SHUT_WR does nothing */
		if (how == SHUT_WR)
			return 0;
		ts->listening = false;
		drop_children(ts);
		ts->cb.state = TCPS_CLOSED;
		flush();
		waitq_wake_all(&ts->wq);
		return 0;
	}
	if (st == TCPS_SYN_SENT) {
		tcp_abort(&ts->cb, 0);
		flush();
		waitq_wake_all(&ts->wq);
		return 0;
	}
	if (st == TCPS_CLOSED) {
		/* Linux marks the socket shut anyway (waking pollers) */
		ts->shut |= how + 1;
		waitq_wake_all(&ts->wq);
		return -ENOTCONN;
	}
	ts->shut |= how + 1;
	if (how != SHUT_RD)
		tcp_shutdown_wr(&ts->cb);
	flush();
	waitq_wake_all(&ts->wq);
	return 0;
}

static int tcp_getname_op(struct socket *s, bool peer, void *addr, socklen_t *len)
{
	struct tcp_sock *ts = ts_of(s);

	if (peer) {
		if (ts->listening || ts->cb.state == TCPS_CLOSED ||
		    (ts->cb.state == TCPS_SYN_SENT))
			return -ENOTCONN;
		*len = inet_addr_to(is6(ts), ts->raddr, ts->rport, addr);
	} else {
		*len = inet_addr_to(is6(ts), ts->laddr, ts->lport, addr);
	}
	return 0;
}

/* ---- readiness and ioctls ---- */

static unsigned int tcp_poll_op(struct socket *s, struct waitq **wq)
{
	struct tcp_sock *ts = ts_of(s);
	struct tcp_cb *tp = &ts->cb;
	unsigned int mask = 0;
	int shut = ts->shut;

	if (wq)
		*wq = &ts->wq;
	if (ts->listening)
		return list_empty(&ts->acceptq) ? 0 : POLLIN | POLLRDNORM;
	if (tp->fin_rcvd)
		shut |= RCV_SHUT;
	if (shut == (RCV_SHUT | SEND_SHUT) || tp->state == TCPS_CLOSED)
		mask |= POLLHUP;
	if (shut & RCV_SHUT)
		mask |= POLLIN | POLLRDNORM | POLLRDHUP;
	if (tp->state != TCPS_SYN_SENT && tp->state != TCPS_SYN_RECV) {
		if (tcp_has_data(tp))
			mask |= POLLIN | POLLRDNORM;
		if (tp->urg_state == TCP_URG_VALID)
			mask |= POLLPRI;
		if (!(shut & SEND_SHUT)) {
			size_t space = tcp_send_space(tp);

			if (space >= tp->sndq.len / 2 && space)
				mask |= POLLOUT | POLLWRNORM;
		} else {
			mask |= POLLOUT | POLLWRNORM;
		}
	}
	if (tp->err)
		mask |= POLLERR;
	return mask;
}

static long tcp_ioctl_op(struct task *t, struct socket *s, unsigned int cmd, uint64_t arg)
{
	struct tcp_sock *ts = ts_of(s);

	switch (cmd) {
	case SIOCINQ:
		if (ts->listening)
			return -EINVAL;
		return sock_put_int_to(t, arg, (int)tcp_inq(&ts->cb));
	case SIOCOUTQ:
		if (ts->listening)
			return -EINVAL;
		return sock_put_int_to(t, arg, (int)ts->cb.sndq.len);
	case SIOCOUTQNSD:
		if (ts->listening)
			return -EINVAL;
		return sock_put_int_to(t, arg, (int)tcp_unsent(&ts->cb));
	case SIOCATMARK:
		return sock_put_int_to(t, arg, tcp_at_mark(&ts->cb));
	default:
		return route_ioctl(t, cmd, arg, true);
	}
}

/* ---- options ---- */

static void fill_info(struct tcp_sock *ts, struct tcp_info *ti)
{
	struct tcp_cb *tp = &ts->cb;
	uint64_t now = time_host_mono();

	memset(ti, 0, sizeof(*ti));
	ti->tcpi_state = (uint8_t)(ts->listening ? TCPS_LISTEN : tp->state);
	/* a socket someone holds shows CLOSE once in TIME_WAIT (Linux
	 * hands the connection to a timewait sock and closes the socket) */
	if (tp->state == TCPS_TIME_WAIT)
		ti->tcpi_state = TCPS_CLOSED;
	ti->tcpi_ca_state = tp->in_loss ? 4 : tp->in_recovery ? 3 : 0;
	ti->tcpi_retransmits = (uint8_t)tp->backoff;
	ti->tcpi_probes = (uint8_t)tp->probes;
	ti->tcpi_backoff = (uint8_t)tp->backoff;
	if (tp->ts_ok)
		ti->tcpi_options |= TCPI_OPT_TIMESTAMPS;
	if (tp->sack_ok)
		ti->tcpi_options |= TCPI_OPT_SACK;
	if (tp->ws_ok) {
		ti->tcpi_options |= TCPI_OPT_WSCALE;
		ti->tcpi_snd_wscale = tp->snd_wscale & 15;
		ti->tcpi_rcv_wscale = tp->rcv_wscale & 15;
	}
	ti->tcpi_rto = (uint32_t)(tp->rto / 1000);
	ti->tcpi_ato = 40000;
	ti->tcpi_snd_mss = tp->mss;
	ti->tcpi_rcv_mss = tp->mss;
	ti->tcpi_unacked = tp->mss ? (tp->snd_nxt - tp->snd_una + tp->mss - 1) / tp->mss : 0;
	if (tp->state == TCPS_CLOSED || ts->listening)
		ti->tcpi_unacked = ts->listening ? (uint32_t)ts->nacc : 0;
	ti->tcpi_sacked = tp->mss ? tp->sacked_bytes / tp->mss : 0;
	if (ts->listening)
		ti->tcpi_sacked = (uint32_t)ts->backlog;
	ti->tcpi_lost = tp->lost_out;
	ti->tcpi_retrans = tp->retrans_out;
	ti->tcpi_last_data_sent = tp->last_data_sent ? (uint32_t)((now - tp->last_data_sent) / 1000000) : 0;
	ti->tcpi_last_data_recv = tp->last_data_recv ? (uint32_t)((now - tp->last_data_recv) / 1000000) : 0;
	ti->tcpi_last_ack_recv = tp->last_ack_recv ? (uint32_t)((now - tp->last_ack_recv) / 1000000) : 0;
	ti->tcpi_pmtu = ip_mtu(ts->raddr);
	ti->tcpi_rcv_ssthresh = (uint32_t)tp->rcvbuf;
	ti->tcpi_rtt = (uint32_t)(tp->srtt / 1000);
	ti->tcpi_rttvar = (uint32_t)(tp->rttvar / 1000);
	ti->tcpi_snd_ssthresh = tp->ssthresh >= 0x7fffffff || !tp->mss ? 0x7fffffff : tp->ssthresh / tp->mss;
	ti->tcpi_snd_cwnd = tp->mss ? tp->cwnd / tp->mss : 0;
	ti->tcpi_advmss = tp->adv_mss;
	ti->tcpi_reordering = 3;
	ti->tcpi_rcv_space = (uint32_t)tp->rcvbuf;
	ti->tcpi_total_retrans = tp->total_retrans;
}

static int tcp_getsockopt_op(struct task *t, struct socket *s, int level, int name, void *val,
			     socklen_t *len)
{
	struct tcp_sock *ts = ts_of(s);
	struct tcp_cb *tp = &ts->cb;
	bool conn = tp->state != TCPS_CLOSED && tp->state != TCPS_LISTEN && !ts->listening;

	if ((int)*len < 0)
		return -EINVAL;
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_TYPE: return sockopt_put_int(SOCK_STREAM, val, len);
		case SO_DOMAIN: return sockopt_put_int(s->family, val, len);
		case SO_PROTOCOL: return sockopt_put_int(IPPROTO_TCP, val, len);
		case SO_ERROR: return sockopt_put_int(take_err(ts), val, len);
		case SO_SNDBUF:
			return sockopt_put_int(ts->user_sndbuf ? ts->user_sndbuf :
					       conn ? (int)tp->sndbuf : WMEM_DEFAULT, val, len);
		case SO_RCVBUF:
			return sockopt_put_int(ts->user_rcvbuf ? ts->user_rcvbuf :
					       conn ? (int)tp->rcvbuf : RMEM_DEFAULT, val, len);
		case SO_REUSEADDR: return sockopt_put_int(ts->reuseaddr, val, len);
		case SO_REUSEPORT: return sockopt_put_int(ts->reuseport, val, len);
		case SO_KEEPALIVE: return sockopt_put_int(tp->keepalive, val, len);
		case SO_OOBINLINE: return sockopt_put_int(tp->oobinline, val, len);
		case SO_ACCEPTCONN: return sockopt_put_int(ts->listening, val, len);
		case SO_PRIORITY: return sockopt_put_int(ts->priority, val, len);
		case SO_RCVLOWAT: return sockopt_put_int(1, val, len);
		case SO_SNDLOWAT: return sockopt_put_int(1, val, len);
		case SO_BROADCAST: return sockopt_put_int(0, val, len);
		case SO_DONTROUTE: return sockopt_put_int(0, val, len);
		case SO_SNDTIMEO: return sockopt_put(&ts->sndtimeo, sizeof(ts->sndtimeo), val, len);
		case SO_RCVTIMEO: return sockopt_put(&ts->rcvtimeo, sizeof(ts->rcvtimeo), val, len);
		case SO_LINGER: {
			struct linger l = { ts->linger_on, ts->linger_secs };

			if (*len > (socklen_t)sizeof(l))
				*len = sizeof(l);
			memcpy(val, &l, *len);
			return 0;
		}
		default: return -ENOPROTOOPT;
		}
	}
	if (level == IPPROTO_TCP) {
		switch (name) {
		case TCP_NODELAY: return sockopt_put_int(tp->nodelay, val, len);
		case TCP_CORK: return sockopt_put_int(tp->cork, val, len);
		case TCP_MAXSEG:
			if (tp->user_mss && (tp->state == TCPS_CLOSED || ts->listening))
				return sockopt_put_int((int)tp->user_mss, val, len);
			return sockopt_put_int(tp->mss, val, len);
		case TCP_KEEPIDLE: return sockopt_put_int((int)tp->keepidle, val, len);
		case TCP_KEEPINTVL: return sockopt_put_int((int)tp->keepintvl, val, len);
		case TCP_KEEPCNT: return sockopt_put_int((int)tp->keepcnt, val, len);
		case TCP_SYNCNT: return sockopt_put_int(tp->syn_retries, val, len);
		case TCP_USER_TIMEOUT: return sockopt_put_int((int)ts->user_timeout, val, len);
		case TCP_QUICKACK: return sockopt_put_int(!ts->quickack ? 1 : 1, val, len);
		case TCP_WINDOW_CLAMP: return sockopt_put_int((int)ts->window_clamp, val, len);
		case TCP_DEFER_ACCEPT: return sockopt_put_int(ts->defer_accept, val, len);
		case TCP_LINGER2: return sockopt_put_int(ts->linger2 ? ts->linger2 : 60, val, len);
		case TCP_INFO: {
			struct tcp_info ti;

			fill_info(ts, &ti);
			if (*len > (socklen_t)sizeof(ti))
				*len = sizeof(ti);
			memcpy(val, &ti, *len);
			return 0;
		}
		case TCP_CONGESTION: {
			char name_buf[16] = { 0 };

			strcpy(name_buf, tcp_cc_name(tp));
			if (*len > (socklen_t)sizeof(name_buf))
				*len = sizeof(name_buf);
			memcpy(val, name_buf, *len);
			return 0;
		}
		default: return -ENOPROTOOPT;
		}
	}
	if (level == IPPROTO_IP) {
		if (name == IP_TTL)
			return sockopt_put_int(ts->ttl, val, len);
		if (name == IP_TOS)
			return sockopt_put_int(ts->tos, val, len);
		return -ENOPROTOOPT;
	}
	if (level == IPPROTO_IPV6 && is6(ts)) {
		if (name == IPV6_V6ONLY)
			return sockopt_put_int(ts->v6only, val, len);
		if (name == IPV6_UNICAST_HOPS)
			return sockopt_put_int(ts->ttl, val, len);
		return -ENOPROTOOPT;
	}
	if (level == IPPROTO_IP || level == IPPROTO_IPV6)
		return -ENOPROTOOPT;
	return -EOPNOTSUPP;
}

static int tcp_setsockopt_op(struct task *t, struct socket *s, int level, int name,
			     const void *val, socklen_t len)
{
	struct tcp_sock *ts = ts_of(s);
	struct tcp_cb *tp = &ts->cb;
	int v;

	if (level == SOL_SOCKET && name == SO_RCVTIMEO)
		return sockopt_get_tv(val, len, &ts->rcvtimeo, NULL);
	if (level == SOL_SOCKET && name == SO_SNDTIMEO)
		return sockopt_get_tv(val, len, &ts->sndtimeo, NULL);
	if (level == SOL_SOCKET && name == SO_LINGER) {
		struct linger l;

		if (len < (socklen_t)sizeof(l))
			return -EINVAL;
		memcpy(&l, val, sizeof(l));
		ts->linger_on = l.l_onoff != 0;
		ts->linger_secs = l.l_linger < 0 ? 0 : l.l_linger;
		return 0;
	}
	if (level == IPPROTO_TCP && name == TCP_CONGESTION) {
		char nm[17] = { 0 };

		if (len < 1)
			return -EINVAL;
		memcpy(nm, val, len < 16 ? len : 16);
		return tcp_set_cc(tp, nm);
	}
	if (len < (socklen_t)sizeof(int))
		return -EINVAL;
	memcpy(&v, val, sizeof(v));
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_REUSEADDR: ts->reuseaddr = v != 0; return 0;
		case SO_REUSEPORT: ts->reuseport = v != 0; return 0;
		case SO_KEEPALIVE:
			tcp_set_keepalive(tp, v != 0);
			flush();
			return 0;
		case SO_OOBINLINE: tp->oobinline = v != 0; return 0;
		case SO_BROADCAST: case SO_DONTROUTE: case SO_RCVLOWAT: return 0;
		case SO_PRIORITY:
			if ((v < 0 || v > 6) && !capable(t, 12 /* CAP_NET_ADMIN */))
				return -EPERM;
			ts->priority = v;
			return 0;
		case SO_SNDBUF:
			if ((unsigned int)v > BUF_MAX)
				v = BUF_MAX;
			ts->user_sndbuf = v * 2 < MIN_SNDBUF ? MIN_SNDBUF : v * 2;
			if (tp->state == TCPS_CLOSED || ts->listening ||
			    (size_t)ts->user_sndbuf >= tp->sndq.len)
				tp->sndbuf = (size_t)ts->user_sndbuf;
			return 0;
		case SO_RCVBUF:
			if ((unsigned int)v > BUF_MAX)
				v = BUF_MAX;
			ts->user_rcvbuf = v * 2 < MIN_RCVBUF ? MIN_RCVBUF : v * 2;
			if (tp->state == TCPS_CLOSED || ts->listening)
				tp->rcvbuf = (size_t)ts->user_rcvbuf;
			return 0;
		default: return -ENOPROTOOPT;
		}
	}
	if (level == IPPROTO_TCP) {
		switch (name) {
		case TCP_NODELAY:
			tp->nodelay = v != 0;
			if (v)
				tcp_push(tp);
			flush();
			return 0;
		case TCP_CORK:
			tp->cork = v != 0;
			if (!v)
				tcp_push(tp);
			flush();
			return 0;
		case TCP_MAXSEG:
			if (v && (v < TCP_MIN_MSS || v > TCP_MAX_WINDOW))
				return -EINVAL;
			tp->user_mss = (uint32_t)v;
			return 0;
		case TCP_KEEPIDLE:
			if (v < 1 || v > 32767)
				return -EINVAL;
			tp->keepidle = (uint32_t)v;
			tcp_set_keepalive(tp, tp->keepalive);
			return 0;
		case TCP_KEEPINTVL:
			if (v < 1 || v > 32767)
				return -EINVAL;
			tp->keepintvl = (uint32_t)v;
			return 0;
		case TCP_KEEPCNT:
			if (v < 1 || v > 127)
				return -EINVAL;
			tp->keepcnt = (uint32_t)v;
			return 0;
		case TCP_SYNCNT:
			if (v < 1 || v > 127)
				return -EINVAL;
			tp->syn_retries = v;
			return 0;
		case TCP_USER_TIMEOUT:
			if (v < 0)
				return -EINVAL;
			ts->user_timeout = (uint32_t)v;
			return 0;
		case TCP_QUICKACK: ts->quickack = v != 0; return 0;
		case TCP_WINDOW_CLAMP:
			if (v < 0)
				return -EINVAL;
			ts->window_clamp = (uint32_t)v;
			return 0;
		case TCP_DEFER_ACCEPT: ts->defer_accept = v < 0 ? 0 : v; return 0;
		case TCP_LINGER2: ts->linger2 = v; return 0;
		default: return -ENOPROTOOPT;
		}
	}
	if (level == IPPROTO_IP) {
		if (name == IP_TTL) {
			if (v == -1)
				v = 64;
			if (v < 1 || v > 255)
				return -EINVAL;
			ts->ttl = v;
			return 0;
		}
		if (name == IP_TOS) {
			ts->tos = v & 0xfc;
			return 0;
		}
		return -ENOPROTOOPT;
	}
	if (level == IPPROTO_IPV6 && is6(ts)) {
		if (name == IPV6_V6ONLY) {
			if (ts->bound)
				return -EINVAL;
			ts->v6only = v != 0;
			return 0;
		}
		if (name == IPV6_UNICAST_HOPS) {
			if (v == -1)
				v = 64;
			if (v < 0 || v > 255)
				return -EINVAL;
			ts->ttl = v;
			return 0;
		}
		return -ENOPROTOOPT;
	}
	if (level == IPPROTO_IP || level == IPPROTO_IPV6)
		return -ENOPROTOOPT;
	return -EOPNOTSUPP;
}

/* ---- teardown ---- */

static void drop_children(struct tcp_sock *l)
{
	struct tcp_sock *c, *n;

	list_for_each_entry_safe(c, n, &l->acceptq, qnode) {
		tcp_abort(&c->cb, 0);
		c->in_acceptq = false;
		list_del(&c->qnode);
		list_init(&c->qnode);
		c->listener = NULL;
		maybe_free(c);
	}
	list_for_each_entry_safe(c, n, &l->synq, qnode) {
		tcp_abort(&c->cb, 0);
		list_del(&c->qnode);
		list_init(&c->qnode);
		c->listener = NULL;
		maybe_free(c);
	}
	l->nacc = 0;
	l->nsyn = 0;
}

/* SO_LINGER with a timeout: close waits (Linux's sk_stream_wait_close)
 * until the FIN is acknowledged, the time is up or a signal comes. */
static void linger_wait(struct tcp_sock *ts)
{
	struct task *t = task_current;
	struct timeval tv = { ts->linger_secs, 0 };
	struct timespec dls;
	const struct timespec *dl;

	if (!ts->linger_on || ts->linger_secs <= 0 || !t)
		return;
	dl = deadline(&tv, &dls);
	while (ts->cb.state == TCPS_FIN_WAIT1 || ts->cb.state == TCPS_CLOSING ||
	       ts->cb.state == TCPS_LAST_ACK)
		if (sock_sleep(t, &ts->wq, NULL, dl) < 0)
			break;
}

static void tcp_release_op(struct socket *s)
{
	struct tcp_sock *ts = ts_of(s);

	ts->busy++;
	if (ts->listening) {
		ts->listening = false;
		drop_children(ts);
		ts->cb.state = TCPS_CLOSED;
	} else if (ts->linger_on && !ts->linger_secs) {
		tcp_abort(&ts->cb, 0);
	} else if (ts->cb.state != TCPS_CLOSED) {
		tcp_close(&ts->cb);
		flush();
		linger_wait(ts);
	}
	flush();
	ts->busy--;
	ts->has_file = false;
	maybe_free(ts);
}

/* ---- receive ---- */

static struct tcp_sock *lookup_conn(const uint8_t *src, uint16_t sport, const uint8_t *dst,
				    uint16_t dport)
{
	struct tcp_sock *ts;

	if (!conn_hash[0].next)
		return NULL;
	list_for_each_entry(ts, &conn_hash[tuple_hash(src, sport, dport)], hnode) {
		if (ts->lport != dport || ts->rport != sport || ts->listening)
			continue;
		if (ts->cb.state == TCPS_CLOSED)
			continue;
		if (memcmp(ts->raddr, src, 16) || memcmp(ts->laddr, dst, 16))
			continue;
		return ts;
	}
	return NULL;
}

static struct tcp_sock *lookup_listener(const uint8_t *dst, uint16_t dport)
{
	struct tcp_sock *ts, *best = NULL;
	int best_score = -1;
	bool v4 = ip_is_v4mapped(dst);

	list_for_each_entry(ts, port_bucket(dport), node) {
		int score = 0;

		if (!ts->listening || ts->lport != dport || (ts->shut & RCV_SHUT))
			continue;
		if (v4 && is6(ts) && ts->v6only)
			continue;
		if (!v4 && !is6(ts))
			continue;
		if (is6(ts) && !v4 && ip_is_v4mapped(ts->laddr))
			continue;
		if (inet_is_any(ts->laddr, is6(ts), true)) {
			if (v4 && is6(ts) && !ip_is_any(ts->laddr, false) && !ip_is_any(ts->laddr, true))
				continue;
		} else if (memcmp(ts->laddr, dst, 16)) {
			continue;
		} else {
			score += 2;
		}
		if (!is6(ts))
			score += 1;
		if (score > best_score) {
			best = ts;
			best_score = score;
		}
	}
	return best;
}

static void new_child(struct tcp_sock *l, const uint8_t *src, const uint8_t *dst,
		      const uint8_t *seg, size_t len, uint16_t sport, uint16_t dport)
{
	struct tcp_sock *c = ts_alloc(l->sock.family);

	if (!c)
		return;
	memcpy(c->laddr, dst, 16);
	memcpy(c->raddr, src, 16);
	c->lport = dport;
	c->rport = sport;
	c->bound = true;
	c->listener = l;
	c->reuseaddr = l->reuseaddr;
	c->reuseport = l->reuseport;
	c->v6only = l->v6only;
	c->cb.oobinline = l->cb.oobinline;
	c->linger_on = l->linger_on;
	c->linger_secs = l->linger_secs;
	c->user_sndbuf = l->user_sndbuf;
	c->user_rcvbuf = l->user_rcvbuf;
	c->sndtimeo = l->sndtimeo;
	c->rcvtimeo = l->rcvtimeo;
	c->ttl = l->ttl;
	c->cb.nodelay = l->cb.nodelay;
	c->cb.keepalive = l->cb.keepalive;
	c->cb.keepidle = l->cb.keepidle;
	c->cb.keepintvl = l->cb.keepintvl;
	c->cb.keepcnt = l->cb.keepcnt;
	c->cb.user_mss = l->cb.user_mss;
	c->cb.cc.algo = l->cb.cc.algo;
	if (c->user_sndbuf)
		c->cb.sndbuf = (size_t)c->user_sndbuf;
	if (c->user_rcvbuf)
		c->cb.rcvbuf = (size_t)c->user_rcvbuf;
	c->cb.sport = dport;
	c->cb.dport = sport;
	list_add_tail(&c->node, port_bucket(dport));
	hash_conn(c);
	list_add_tail(&c->qnode, &l->synq);
	l->nsyn++;
	c->cb.tso_max = tso_for(src);
	if (tcp_accept_syn(&c->cb, seg, len, mss_for(src)) < 0) {
		c->cb.state = TCPS_CLOSED;
		maybe_free(c);
	}
}

static void send_rst_for(const uint8_t *src, const uint8_t *dst, const uint8_t *seg, size_t len)
{
	uint8_t *out;

	if (!ip_is_local(dst) || ip_is_broadcast(dst))
		return;
	out = malloc(IP_TCP_HEADROOM + 20);
	if (!out)
		return;
	if (tcp_rst_reply(seg, len, out + IP_TCP_HEADROOM))
		queue_pkt(dst, src, out, 20, 0);
	else
		free(out);
}

int tcp_input_ip(const uint8_t *src, const uint8_t *dst, const uint8_t *data, size_t len)
{
	struct tcp_sock *ts, *l;
	uint16_t sport, dport;
	uint8_t flags;

	if (len < 20 || (size_t)(data[12] >> 4) * 4 < 20 || (size_t)(data[12] >> 4) * 4 > len)
		return -EINVAL;
	/* A local source came through lo: links drop those as martians. */
	if (!ip_is_local(src) && tcp_csum(src, dst, data, len))
		return -EINVAL;
	sport = (uint16_t)(data[0] << 8 | data[1]);
	dport = (uint16_t)(data[2] << 8 | data[3]);
	flags = data[13];
	ts = lookup_conn(src, sport, dst, dport);
	if (ts) {
		/* the ACK that would complete a handshake into a full
		 * accept queue is dropped (Linux's listen overflow) */
		if (ts->cb.state == TCPS_SYN_RECV && ts->listener &&
		    ts->listener->nacc > ts->listener->backlog && !(flags & (TH_RST | TH_SYN)))
			goto out;
		tcp_input(&ts->cb, data, len);
		maybe_free(ts);
		goto out;
	}
	l = lookup_listener(dst, dport);
	if (l) {
		if (flags & TH_RST)
			goto out;
		if (flags & TH_ACK) {
			send_rst_for(src, dst, data, len);
			goto out;
		}
		if (!(flags & TH_SYN))
			goto out;
		if (l->nacc > l->backlog)
			goto out; /* SYN dropped: the client retries */
		/* half-open connections are bounded (a SYN flood from a
		 * real link); Linux would answer with SYN cookies instead */
		if (l->nsyn >= (l->backlog > 256 ? l->backlog : 256))
			goto out;
		new_child(l, src, dst, data, len, sport, dport);
		goto out;
	}
	send_rst_for(src, dst, data, len);
out:
	flush();
	return 0;
}

/* lo's segments by reference (ip_output_tcp_local): a connection's
 * segment goes to its engine as it is; anything else (listeners, resets,
 * handshakes) takes tcp_input_ip's path as bytes. */
int tcp_input_local(const uint8_t *src, const uint8_t *dst, const struct tcp_pkt *p)
{
	const uint8_t *h = p->hdr;
	struct tcp_sock *ts;
	uint8_t *buf;
	int r;

	if (p->hlen < 20 || p->hlen > sizeof(p->hdr) || (size_t)(h[12] >> 4) * 4 != p->hlen)
		return -EINVAL;
	ts = lookup_conn(src, (uint16_t)(h[0] << 8 | h[1]), dst, (uint16_t)(h[2] << 8 | h[3]));
	if (ts && ts->cb.state != TCPS_SYN_RECV) {
		tcp_input_pkt(&ts->cb, p);
		maybe_free(ts);
		flush();
		return 0;
	}
	buf = malloc(p->hlen + p->dlen);
	if (!buf)
		return -ENOMEM;
	tcp_pkt_flatten(p, buf);
	r = tcp_input_ip(src, dst, buf, p->hlen + p->dlen);
	free(buf);
	return r;
}

static const struct sock_ops tcp_ops = {
	.bind = tcp_bind,
	.connect = tcp_connect_op,
	.listen = tcp_listen_op,
	.accept = tcp_accept_op,
	.sendmsg = tcp_sendmsg_op,
	.recvmsg = tcp_recvmsg_op,
	.shutdown = tcp_shutdown_op,
	.getname = tcp_getname_op,
	.getsockopt = tcp_getsockopt_op,
	.setsockopt = tcp_setsockopt_op,
	.poll = tcp_poll_op,
	.ioctl = tcp_ioctl_op,
	.release = tcp_release_op,
};
