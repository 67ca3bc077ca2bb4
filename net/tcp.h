/* TCP (RFC 9293). Two layers:
 *
 * - The engine (net/tcp_engine.c, net/tcp_cc.c): one connection's state
 *   machine, segment processing, send and receive queues, retransmission,
 *   SACK, window scaling, timestamps, congestion control, keepalive. It
 *   knows nothing of the sentry: it talks to the world through struct
 *   tcp_env (send a segment, read a clock, arm one timer, report events),
 *   so tests/unit/test_tcp.c drives two engines over a simulated link.
 * - The socket layer (net/tcp.c): struct sock_ops for SOCK_STREAM sockets,
 *   ports and demultiplexing, listeners and accept queues, blocking and
 *   readiness, sentry timers.
 *
 * Sequence numbers compare modulo 2^32 (SEQ_LT ...). All engine calls are
 * non-reentrant per connection: env->output must not feed segments back
 * into any engine synchronously (the socket layer queues them). */
#ifndef NET_TCP_H
#define NET_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/socket.h"

#define SEQ_LT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b) SEQ_LT(b, a)
#define SEQ_GEQ(a, b) SEQ_LEQ(b, a)

/* Header flags. */
#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10
#define TH_URG 0x20

/* States, numbered as Linux's (tcp_info.tcpi_state). */
enum tcp_state {
	TCPS_ESTABLISHED = 1,
	TCPS_SYN_SENT,
	TCPS_SYN_RECV,
	TCPS_FIN_WAIT1,
	TCPS_FIN_WAIT2,
	TCPS_TIME_WAIT,
	TCPS_CLOSED,
	TCPS_CLOSE_WAIT,
	TCPS_LAST_ACK,
	TCPS_LISTEN,
	TCPS_CLOSING,
};

/* Events reported through env->event. */
#define TCP_EV_READABLE 0x01        /* data, FIN or error to read */
#define TCP_EV_WRITABLE 0x02        /* send space opened */
#define TCP_EV_STATE 0x04           /* state changed */
#define TCP_EV_URG 0x08             /* a new urgent pointer (SIGURG) */

#define TCP_URG_NONE 0
#define TCP_URG_NOTYET 1            /* pointer seen, byte not yet */
#define TCP_URG_VALID 2             /* byte held for recv(MSG_OOB) */
#define TCP_URG_READ 3              /* taken by recv(MSG_OOB) */

#define TCP_CC_RENO 0
#define TCP_CC_CUBIC 1

/* Stream bytes live in reference-counted, append-only chunks: the bytes
 * below used are never written again, so a segment handed to lo and the
 * receive queue that keeps it refer to the sender's chunks instead of
 * copying them. Only the queue that made a chunk (its fill) appends. */
struct tcp_chunk {
	uint32_t ref;
	uint32_t cap, used;
	uint8_t data[];
};

/* Bytes [off, off + len) of c, holding one reference. */
struct tcp_span {
	struct tcp_chunk *c;
	uint32_t off, len;
};

/* A byte queue of spans (the send queue, the in-order receive queue):
 * appended at the tail, consumed at the head. */
struct tcp_bufq {
	struct tcp_span *v;          /* ring of spans */
	size_t vcap, vhead, vn;
	size_t len;                  /* bytes */
	struct tcp_chunk *fill;      /* ours to append to (a reference), or NULL */
	uint32_t next_cap;           /* size of the next chunk (grows to TCP_CHUNK_MAX) */
};
#define TCP_CHUNK_MAX 65536

/* Out-of-order bytes by sequence number, sorted and disjoint. */
struct tcp_oseg {
	uint32_t seq;
	struct tcp_span sp;
};
struct tcp_oooq {
	struct tcp_oseg *v;
	int n, cap;
};

/* A segment by reference: the TCP header (checksum zero) and its payload
 * as spans, each holding a reference (tcp_pkt_release drops them). */
#define TCP_PKT_SPANS 16
struct tcp_pkt {
	uint8_t hdr[60];
	size_t hlen, dlen;
	int nspan;
	struct tcp_span span[TCP_PKT_SPANS];
};
void tcp_pkt_release(struct tcp_pkt *p);
/* The header and payload as one run of bytes (hlen + dlen) at out. */
void tcp_pkt_flatten(const struct tcp_pkt *p, uint8_t *out);

/* Sorted, disjoint sequence ranges [start, end): the sender's SACK
 * scoreboard and the receiver's out-of-order map. */
#define TCP_MAX_RANGES 64
struct tcp_ranges {
	int n;
	uint32_t start[TCP_MAX_RANGES], end[TCP_MAX_RANGES];
};

struct tcp_cb;

struct tcp_env {
	/* A segment to send: a TCP header (ports from the cb, checksum
	 * zero: the callee fills it) and payload, malloc'ed: the callee
	 * owns it (saves a copy of every segment). */
	void (*output)(struct tcp_cb *tp, uint8_t *seg, size_t len);
	/* When set, used instead of output: the segment by reference (the
	 * callee owns p's references; p itself is the caller's). Segments
	 * then span at most TCP_PKT_SPANS chunks. */
	void (*output_pkt)(struct tcp_cb *tp, struct tcp_pkt *p);
	uint64_t (*now)(struct tcp_cb *tp);         /* ns, monotonic */
	/* The connection's one timer: fire tcp_timer() at when (ns), or
	 * not at all (when == 0). */
	void (*timer)(struct tcp_cb *tp, uint64_t when);
	void (*event)(struct tcp_cb *tp, int ev);
	uint32_t (*random)(struct tcp_cb *tp);
};

/* Congestion control state (net/tcp_cc.c). Windows in bytes. */
struct tcp_cc {
	int algo;
	uint32_t w_max, w_last_max;  /* CUBIC: bytes */
	uint64_t epoch_start;        /* ns; 0: no epoch */
	double k;                    /* seconds */
	uint32_t origin;             /* bytes */
	uint64_t w_est;              /* Reno-friendly estimate, bytes */
	double ca_acc;               /* fractional bytes toward the next increase */
};

/* One connection. Owned by whoever embeds it (the socket layer's
 * tcp_sock, the unit test's endpoint). */
struct tcp_cb {
	const struct tcp_env *env;
	void *ctx;                   /* the owner's */
	enum tcp_state state;
	uint16_t sport, dport;

	/* send sequence space */
	uint32_t iss, snd_una, snd_nxt, snd_max, snd_wnd, snd_wl1, snd_wl2;
	uint32_t recover, high_rxt, highest_sack;
	/* the head's last retransmission and what was sent by then: SACKs
	 * beyond that while the head is unacked mean it was lost again */
	uint32_t rxt_head_seq, rxt_head_nxt;
	bool rxt_head_valid;
	struct tcp_ranges sacked;
	uint32_t sacked_bytes;
	struct tcp_bufq sndq;        /* from snd_una (SYN excluded) */
	size_t sndbuf;               /* limit of sndq */
	bool fin_queued;             /* FIN after the queued data */
	bool fin_sent, fin_acked;
	uint32_t fin_seq;
	bool more;                   /* MSG_MORE on the last send */
	bool rcv_closed;             /* close(): data arriving now is reset */
	bool syn_acked;
	/* receive sequence space */
	uint32_t irs, rcv_nxt, rcv_adv;
	struct tcp_bufq rcvq;        /* in-order bytes */
	size_t rcvbuf;
	struct tcp_oooq oooq;        /* out-of-order bytes */
	struct tcp_ranges ooo;       /* what the peer is told of them (SACK) */
	int ooo_last;                /* index of the last out-of-order range touched */
	uint32_t ooo_last_start;
	bool fin_rcvd;               /* FIN seen in order: read returns 0 at end */
	/* urgent data (RFC 9293 3.8.5, Linux's BSD-style single byte) */
	bool urg_mode, oobinline;
	uint32_t snd_up;             /* one past the urgent byte sent */
	int urg_state;               /* TCP_URG_* */
	uint32_t urg_seq;            /* the urgent byte received */
	uint8_t urg_byte;
	bool peer_fin_ooo;           /* FIN seen beyond a hole, at peer_fin_seq */
	uint32_t peer_fin_seq;

	/* options */
	uint16_t mss;                /* send MSS (payload bytes), after options */
	/* The largest payload worth handing to output in one segment that
	 * the layer below cuts into mss pieces (TSO/GSO); 0 or below 2 mss:
	 * every segment is at most mss. */
	uint32_t tso_max;
	uint16_t peer_mss, adv_mss;
	uint8_t snd_wscale, rcv_wscale;
	bool ws_ok, ts_ok, sack_ok;
	uint32_t ts_recent, ts_offset;
	uint32_t last_ack_sent;

	/* congestion */
	uint32_t cwnd, ssthresh;
	int dupacks;
	bool in_recovery, in_loss;
	struct tcp_cc cc;

	/* RTT (RFC 6298), ns */
	uint64_t srtt, rttvar, rto, min_rtt;
	bool rtt_valid;
	uint32_t rtt_seq;            /* Karn timing without timestamps */
	uint64_t rtt_start;
	bool rtt_timing;

	/* timers (0: off), ns */
	uint64_t t_rexmit, t_delack, t_persist, t_keep, t_timewait, t_cork;
	int backoff, retries, probes;
	uint64_t last_rcv;           /* keepalive idle from here */
	int delack_segs;             /* full segments since the last ACK */
	bool ack_now;
	uint64_t persist_ivl;

	/* user settings */
	bool nodelay, cork, keepalive;
	uint32_t keepidle, keepintvl, keepcnt;   /* s, s, count */
	int syn_retries, max_retries;
	uint32_t user_mss;           /* TCP_MAXSEG, 0: none */

	int err;                     /* positive: ECONNREFUSED, ECONNRESET, ETIMEDOUT */
	bool rst_rcvd;

	/* statistics for TCP_INFO */
	uint32_t total_retrans, lost_out, retrans_out, rto_count, recoveries;
	uint64_t bytes_acked, bytes_received, bytes_sent, bytes_retrans;
	uint32_t segs_out, segs_in, data_segs_out, data_segs_in;
	uint64_t last_data_sent, last_data_recv, last_ack_recv;
	uint64_t last_oow_ack;       /* rate limit of out-of-window ACKs */
};

/* Defaults for a new cb; the caller then sets ports, buffers, options. */
void tcp_cb_init(struct tcp_cb *tp, const struct tcp_env *env, void *ctx);
void tcp_cb_free(struct tcp_cb *tp);
/* Active open: send a SYN (SYN_SENT). adv_mss: the MSS this end takes. */
int tcp_connect(struct tcp_cb *tp, uint16_t adv_mss);
/* Passive open from a SYN that reached a listener: SYN_RECV, SYN-ACK out.
 * Returns 0, or -EINVAL for a segment that is not a valid SYN. */
int tcp_accept_syn(struct tcp_cb *tp, const uint8_t *seg, size_t len, uint16_t adv_mss);
/* A segment for this connection (header checked by the caller for
 * length; checksum already verified). */
void tcp_input(struct tcp_cb *tp, const uint8_t *seg, size_t len);
/* The same for a segment by reference (lo): the receive queue keeps
 * references to its chunks instead of copying. p stays the caller's. */
void tcp_input_pkt(struct tcp_cb *tp, const struct tcp_pkt *p);
/* The timer armed through env->timer has expired. */
void tcp_timer(struct tcp_cb *tp);

/* Queue up to len bytes for sending; returns the count taken (0 when the
 * buffer is full), or -EPIPE / -ENOTCONN / -err. */
#define TCP_SEND_MORE 1             /* MSG_MORE: hold a partial segment */
#define TCP_SEND_OOB 2              /* MSG_OOB: the last byte is urgent */
long tcp_send(struct tcp_cb *tp, const void *buf, size_t len, int flags);
/* Take (or peek at, from offset off) up to len in-order bytes. */
size_t tcp_recv(struct tcp_cb *tp, void *buf, size_t len, bool peek, size_t off);
/* Bytes readable in order (FIONREAD counts an out-of-band byte too). */
size_t tcp_readable(const struct tcp_cb *tp);
/* SIOCINQ: up to the urgent mark while one is pending (tcp_inq). */
size_t tcp_inq(const struct tcp_cb *tp);
/* Is there something for read() (not just an out-of-band byte)? */
bool tcp_has_data(const struct tcp_cb *tp);
/* Is the read position at the urgent mark (SIOCATMARK)? */
bool tcp_at_mark(const struct tcp_cb *tp);
size_t tcp_send_space(const struct tcp_cb *tp);
size_t tcp_unsent(const struct tcp_cb *tp);    /* SIOCOUTQ: queued, unacked */
/* The application consumed data or closed: maybe send a window update. */
void tcp_rcv_window_update(struct tcp_cb *tp);
/* shutdown(SHUT_WR) / the FIN side of close. */
void tcp_shutdown_wr(struct tcp_cb *tp);
/* close(): FIN (or RST if unread data remains: RFC 2525 2.17). */
void tcp_close(struct tcp_cb *tp);
/* Send RST and go CLOSED (SO_LINGER 0, listener teardown). */
void tcp_abort(struct tcp_cb *tp, int err);
/* Settings that need output to follow: TCP_NODELAY, TCP_CORK off. */
void tcp_push(struct tcp_cb *tp);
void tcp_set_keepalive(struct tcp_cb *tp, bool on);
/* TCP_CONGESTION by name ("reno", "cubic"); -ENOENT otherwise. */
int tcp_set_cc(struct tcp_cb *tp, const char *name);
const char *tcp_cc_name(const struct tcp_cb *tp);

/* A reset answering seg (RFC 9293 3.10.7.1), for a segment that has no
 * connection; out must hold 20 bytes. Returns its length, 0 if seg is a
 * RST itself (never answered). */
size_t tcp_rst_reply(const uint8_t *seg, size_t len, uint8_t *out);

/* Congestion control (net/tcp_cc.c). */
void tcp_cc_init(struct tcp_cb *tp);
void tcp_cc_on_ack(struct tcp_cb *tp, uint32_t acked, uint64_t now);
uint32_t tcp_cc_ssthresh(struct tcp_cb *tp);   /* on loss */
void tcp_cc_on_rto(struct tcp_cb *tp);

/* Byte queue helpers (shared with the unit test). Append copies n bytes
 * (-ENOMEM, or the count); read_at copies out from offset off; drop
 * consumes n bytes at the head; free drops every reference. */
long tcp_bufq_append(struct tcp_bufq *q, const void *p, size_t n);
void tcp_bufq_read_at(const struct tcp_bufq *q, size_t off, void *p, size_t n);
void tcp_bufq_drop(struct tcp_bufq *q, size_t n);
void tcp_bufq_free(struct tcp_bufq *q);

/* The socket layer (net/tcp.c). */
int tcp_create(struct task *t, int family, struct socket **out);
/* The receive path's entry: a TCP segment to dst from src. */
int tcp_input_ip(const uint8_t *src, const uint8_t *dst, const uint8_t *data, size_t len);
/* The same for a segment lo carries by reference (flush, when the route
 * is lo's: ip_route_lo). */
int tcp_input_local(const uint8_t *src, const uint8_t *dst, const struct tcp_pkt *p);

#endif
