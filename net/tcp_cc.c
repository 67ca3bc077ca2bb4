/* TCP congestion control: slow start and congestion avoidance of Reno
 * (RFC 5681, with appropriate byte counting, RFC 3465) and CUBIC (RFC
 * 9438: the cubic window, its Reno-friendly region and fast convergence).
 * Windows are bytes; CUBIC's formula runs in segments and seconds. */
#define _GNU_SOURCE
#include "net/tcp.h"

#include <errno.h>
#include <string.h>

#define CUBIC_C 0.4
#define CUBIC_BETA 0.7

static double cube_root(double x)
{
	double r = x > 1 ? x / 3 : 1;

	if (x <= 0)
		return 0;
	for (int i = 0; i < 60; i++) {
		double n = r - (r * r * r - x) / (3 * r * r);

		if (n == r)
			break;
		r = n;
	}
	return r;
}

void tcp_cc_init(struct tcp_cb *tp)
{
	int algo = tp->cc.algo;

	memset(&tp->cc, 0, sizeof(tp->cc));
	tp->cc.algo = algo;
}

int tcp_set_cc(struct tcp_cb *tp, const char *name)
{
	if (!strcmp(name, "reno"))
		tp->cc.algo = TCP_CC_RENO;
	else if (!strcmp(name, "cubic"))
		tp->cc.algo = TCP_CC_CUBIC;
	else
		return -ENOENT;
	tp->cc.epoch_start = 0;
	return 0;
}

const char *tcp_cc_name(const struct tcp_cb *tp)
{
	return tp->cc.algo == TCP_CC_RENO ? "reno" : "cubic";
}

static void cubic_ca(struct tcp_cb *tp, uint32_t acked, uint64_t now)
{
	struct tcp_cc *c = &tp->cc;
	double mss = tp->mss, cwnd = tp->cwnd, t, target, seg;

	if (!c->epoch_start) {
		c->epoch_start = now ? now : 1;
		if (tp->cwnd < c->w_max) {
			c->k = cube_root((c->w_max - cwnd) / mss / CUBIC_C);
			c->origin = c->w_max;
		} else {
			c->k = 0;
			c->origin = tp->cwnd;
		}
		c->w_est = tp->cwnd;
	}
	t = (double)(now - c->epoch_start) / 1e9 + (double)tp->srtt / 1e9;
	seg = (t - c->k);
	target = c->origin + CUBIC_C * seg * seg * seg * mss;
	if (target < cwnd)
		target = cwnd;
	if (target > 1.5 * cwnd)
		target = 1.5 * cwnd;
	/* Reno-friendly region (RFC 9438 4.3) */
	c->w_est += (uint64_t)(3 * (1 - CUBIC_BETA) / (1 + CUBIC_BETA) * mss * acked / cwnd);
	if ((double)c->w_est > target)
		target = (double)c->w_est;
	c->ca_acc += (target - cwnd) * acked / cwnd;
	if (c->ca_acc >= 1) {
		uint32_t inc = (uint32_t)c->ca_acc;

		c->ca_acc -= inc;
		tp->cwnd += inc;
	}
}

void tcp_cc_on_ack(struct tcp_cb *tp, uint32_t acked, uint64_t now)
{
	if (tp->cwnd < tp->ssthresh) {
		uint32_t inc = acked < 2u * tp->mss ? acked : 2u * tp->mss;

		tp->cwnd += inc;
		return;
	}
	if (tp->cc.algo == TCP_CC_CUBIC) {
		cubic_ca(tp, acked, now);
		return;
	}
	tp->cc.ca_acc += acked;
	if (tp->cc.ca_acc >= tp->cwnd) {
		tp->cc.ca_acc -= tp->cwnd;
		tp->cwnd += tp->mss;
	}
}

uint32_t tcp_cc_ssthresh(struct tcp_cb *tp)
{
	uint32_t fl = tp->snd_nxt - tp->snd_una, w;

	if (tp->cc.algo == TCP_CC_CUBIC) {
		struct tcp_cc *c = &tp->cc;

		c->epoch_start = 0;
		c->ca_acc = 0;
		if (tp->cwnd < c->w_last_max)
			c->w_max = (uint32_t)(tp->cwnd * (1 + CUBIC_BETA) / 2);
		else
			c->w_max = tp->cwnd;
		c->w_last_max = tp->cwnd;
		w = (uint32_t)(tp->cwnd * CUBIC_BETA);
	} else {
		tp->cc.ca_acc = 0;
		w = (fl < tp->cwnd ? fl : tp->cwnd) / 2;
	}
	return w > 2u * tp->mss ? w : 2u * tp->mss;
}

void tcp_cc_on_rto(struct tcp_cb *tp)
{
	tp->cc.epoch_start = 0;
	tp->cc.ca_acc = 0;
}
