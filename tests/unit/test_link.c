/* Unit tests of the link layer under IP (net/eth.c, arp.c, ndp.c, ip.c,
 * icmp.c, route.c) over a fake Ethernet link that records what it is
 * given: ARP and NDP answers, neighbour resolution with waiting packets,
 * retries and giving up, the default route's gateway, IPv4 and IPv6
 * fragmentation read back through reassembly, ICMP port unreachable,
 * packets for other hosts, and random hostile frames. The socket layers
 * and the sentry's timers, clock and guest memory are stubbed here. */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if_arp.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>

#include "net/frag.h"
#include "net/ip.h"
#include "net/link.h"
#include "net/raw.h"
#include "net/route.h"
#include "sentry/task.h"
#include "sentry/time.h"

/* ---- stubs ---- */

static uint64_t fake_now = 1000000000ULL;
static struct list_head timers = LIST_HEAD_INIT(timers);

uint64_t time_host_mono(void)
{
	return fake_now;
}

void ktimer_init(struct ktimer *k, void (*fn)(struct ktimer *k))
{
	list_init(&k->node);
	k->armed = false;
	k->fn = fn;
}

void ktimer_cancel(struct ktimer *k)
{
	if (k->armed) {
		list_del(&k->node);
		k->armed = false;
	}
}

void ktimer_arm(struct ktimer *k, uint64_t when)
{
	ktimer_cancel(k);
	k->when = when;
	k->armed = true;
	list_add_tail(&k->node, &timers);
}

/* Advance the clock and run what expired. */
static void advance(uint64_t ns)
{
	struct ktimer *k, *n;

	fake_now += ns;
	list_for_each_entry_safe(k, n, &timers, node) {
		if (k->when > fake_now)
			continue;
		list_del(&k->node);
		k->armed = false;
		k->fn(k);
	}
}

bool capable(struct task *t, int cap)
{
	return true;
}

int copy_from_guest(struct task *t, void *buf, uint64_t addr, size_t len)
{
	return -EFAULT;
}

int copy_to_guest(struct task *t, uint64_t addr, const void *buf, size_t len)
{
	return -EFAULT;
}

static uint8_t udp_got[70000];
static size_t udp_len;
static int udp_calls, udp_ret;

int udp_input(const uint8_t *src, const uint8_t *dst, const uint8_t *data, size_t len)
{
	udp_calls++;
	if (len <= sizeof(udp_got)) {
		memcpy(udp_got, data, len);
		udp_len = len;
	}
	return udp_ret;
}

void ping_input(const uint8_t *src, const uint8_t *dst, const uint8_t *msg, size_t len)
{
}

void udp_unreachable(const uint8_t *src, uint16_t sport, const uint8_t *dst, uint16_t dport)
{
}

bool raw_input(int proto, const uint8_t *src, const uint8_t *dst, const uint8_t *hdr,
	       size_t hlen, const uint8_t *data, size_t len)
{
	return false;
}

int tcp_input_ip(const uint8_t *src, const uint8_t *dst, const uint8_t *data, size_t len)
{
	return 0;
}

/* ---- the fake link ---- */

#define MAXF 256
static uint8_t frames[MAXF][2048];
static size_t flen[MAXF];
static int nframes;

static int fake_xmit(struct net_if *ifp, const void *frame, size_t len)
{
	ck_assert_int_lt(nframes, MAXF);
	ck_assert_uint_le(len, sizeof(frames[0]));
	memcpy(frames[nframes], frame, len);
	flen[nframes++] = len;
	return 0;
}

static const struct link_ops fake_ops = { .xmit = fake_xmit, .down = neigh_flush };
static struct link_gso last_gso;

static int fake_xmit_gso(struct net_if *ifp, const void *frame, size_t len,
			 const struct link_gso *g)
{
	ck_assert_uint_le(len, 70000);
	last_gso = *g;
	/* Kept whole in frames[0..]: big frames only in this test. */
	ck_assert_int_lt(nframes, MAXF);
	memcpy(frames[nframes], frame, len < sizeof(frames[0]) ? len : sizeof(frames[0]));
	flen[nframes++] = len;
	return 0;
}

static const struct link_ops fake_gso_ops = { .xmit = fake_xmit, .xmit_gso = fake_xmit_gso,
					       .down = neigh_flush };
static struct net_if *eth;
static const uint8_t our_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t gw_mac[6] = { 0x02, 0, 0, 0, 0, 0x03 };

static void a4(uint8_t *out, const char *s)
{
	struct in_addr in;

	inet_pton(AF_INET, s, &in);
	ip_map4(out, &in);
}

static void a6(uint8_t *out, const char *s)
{
	inet_pton(AF_INET6, s, out);
}

static void add_addr(int family, const char *s, int plen, int scope)
{
	struct net_addr a = { .family = family, .ifindex = eth->index, .prefixlen = plen,
			      .scope = scope };
	uint8_t m[16];

	if (family == AF_INET) {
		a4(m, s);
		memcpy(a.addr, m + 12, 4);
		memcpy(a.peer, m + 12, 4);
	} else {
		a6(a.addr, s);
	}
	strcpy(a.label, "eth0");
	ck_assert_int_eq(route_addr_add(&a), 0);
}

static void setup_once(void)
{
	struct net_if t = { .index = 2, .name = "eth0", .flags = IFF_BROADCAST | IFF_MULTICAST,
			    .mtu = 1500, .type = ARPHRD_ETHER, .txqlen = 1000, .ops = &fake_ops };
	memcpy(t.hwaddr, our_mac, 6);
	ck_assert_int_eq(route_if_add(&t, &eth), 0);
	route_if_set_flags(eth, eth->flags | IFF_UP);
	add_addr(AF_INET, "10.0.0.2", 24, RT_SCOPE_UNIVERSE);
}

/* What going down took away: IPv6 addresses (as Linux) and routes. */
static void readd(void)
{
	struct net_route r = { .family = AF_INET, .table = RT_TABLE_MAIN, .type = RTN_UNICAST,
			       .protocol = RTPROT_BOOT, .has_gw = true, .ifindex = 2 };
	uint8_t gw[16];

	add_addr(AF_INET6, "fd00::2", 64, RT_SCOPE_UNIVERSE);
	add_addr(AF_INET6, "fe80::1", 64, RT_SCOPE_LINK);
	a4(gw, "10.0.0.1");
	memcpy(r.gw, gw + 12, 4);
	ck_assert_int_eq(route_add(&r, NLM_F_CREATE), 0);
}

static void setup(void)
{
	static bool done;

	if (!done) {
		setup_once();
		done = true;
	}
	/* Each test starts with no neighbours and nothing sent. */
	route_if_set_flags(eth, eth->flags & ~IFF_UP);
	route_if_set_flags(eth, eth->flags | IFF_UP);
	readd();
	frag_flush();
	nframes = 0;
	udp_calls = 0;
	udp_len = 0;
	udp_ret = 0;
	fake_now += 100ULL * NSEC_PER_SEC;
}

/* Frame helpers. */
static uint16_t type_of(int i)
{
	return (uint16_t)(frames[i][12] << 8 | frames[i][13]);
}

static void feed_arp(int op, const uint8_t *smac, const char *sip, const char *tip)
{
	uint8_t f[60] = { 0 }, s[16], t[16];

	memcpy(f, op == 1 ? (const uint8_t[6]){ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } : our_mac, 6);
	memcpy(f + 6, smac, 6);
	f[12] = 0x08, f[13] = 0x06;
	f[15] = 1, f[16] = 0x08, f[18] = 6, f[19] = 4, f[21] = (uint8_t)op;
	memcpy(f + 22, smac, 6);
	a4(s, sip);
	a4(t, tip);
	memcpy(f + 28, s + 12, 4);
	if (op == 2)
		memcpy(f + 32, our_mac, 6);
	memcpy(f + 38, t + 12, 4);
	eth_input(eth, f, sizeof(f));
}

/* An IPv4 UDP datagram from src:1234 to dst:53 carrying len pattern bytes. */
static void udp4(uint8_t *pkt, size_t len)
{
	pkt[0] = 0x04, pkt[1] = 0xd2, pkt[2] = 0, pkt[3] = 53;
	pkt[4] = (uint8_t)((len) >> 8), pkt[5] = (uint8_t)len, pkt[6] = pkt[7] = 0;
	for (size_t i = 8; i < len; i++)
		pkt[i] = (uint8_t)(i * 13 + 5);
}

/* Turn a frame we sent into one we receive: swap MACs and IP addresses
 * (and fix the IPv4 header checksum). */
static void reflect(int i)
{
	uint8_t *f = frames[i], t[16];

	memcpy(t, f, 6);
	memcpy(f, f + 6, 6);
	memcpy(f + 6, t, 6);
	if (type_of(i) == 0x0800) {
		uint16_t c;

		memcpy(t, f + 14 + 12, 4);
		memcpy(f + 14 + 12, f + 14 + 16, 4);
		memcpy(f + 14 + 16, t, 4);
		f[14 + 10] = f[14 + 11] = 0;
		c = ip_csum_fold(ip_csum_add(0, f + 14, 20));
		f[14 + 10] = (uint8_t)(c >> 8);
		f[14 + 11] = (uint8_t)c;
	} else {
		memcpy(t, f + 14 + 8, 16);
		memcpy(f + 14 + 8, f + 14 + 24, 16);
		memcpy(f + 14 + 24, t, 16);
	}
}

/* ---- tests ---- */

START_TEST(arp_request_is_answered)
{
	feed_arp(1, peer_mac, "10.0.0.7", "10.0.0.2");
	ck_assert_int_eq(nframes, 1);
	ck_assert_int_eq(type_of(0), 0x0806);
	ck_assert_int_eq(memcmp(frames[0], peer_mac, 6), 0);
	ck_assert_int_eq(frames[0][21], 2);                     /* reply */
	ck_assert_int_eq(memcmp(frames[0] + 22, our_mac, 6), 0);
	ck_assert_int_eq(memcmp(frames[0] + 28, (uint8_t[4]){ 10, 0, 0, 2 }, 4), 0);
	ck_assert_int_eq(memcmp(frames[0] + 38, (uint8_t[4]){ 10, 0, 0, 7 }, 4), 0);
	/* Not ours: no answer. */
	feed_arp(1, peer_mac, "10.0.0.7", "10.0.0.9");
	ck_assert_int_eq(nframes, 1);
}
END_TEST

START_TEST(output_waits_for_the_neighbour)
{
	uint8_t src[16], dst[16], pkt[100];

	a4(src, "10.0.0.2");
	a4(dst, "10.0.0.7");
	udp4(pkt, sizeof(pkt));
	ck_assert_int_eq(ip_output(src, dst, IPPROTO_UDP, pkt, sizeof(pkt), 64), 0);
	ck_assert_int_eq(ip_output(src, dst, IPPROTO_UDP, pkt, sizeof(pkt), 64), 0);
	/* One question, broadcast; both packets wait. */
	ck_assert_int_eq(nframes, 1);
	ck_assert_int_eq(type_of(0), 0x0806);
	ck_assert_int_eq(frames[0][0], 0xff);
	ck_assert_int_eq(memcmp(frames[0] + 38, (uint8_t[4]){ 10, 0, 0, 7 }, 4), 0);
	feed_arp(2, peer_mac, "10.0.0.7", "10.0.0.2");
	ck_assert_int_eq(nframes, 3);
	for (int i = 1; i < 3; i++) {
		ck_assert_int_eq(type_of(i), 0x0800);
		ck_assert_int_eq(memcmp(frames[i], peer_mac, 6), 0);
		ck_assert_uint_eq(flen[i], 14 + 20 + sizeof(pkt));
		ck_assert_int_eq(frames[i][14 + 6] & 0x40, 0x40);  /* DF */
	}
	/* Now known: straight out. */
	ck_assert_int_eq(ip_output(src, dst, IPPROTO_UDP, pkt, sizeof(pkt), 64), 0);
	ck_assert_int_eq(nframes, 4);
}
END_TEST

START_TEST(unanswered_neighbour_is_given_up)
{
	uint8_t src[16], dst[16], pkt[64];

	a4(src, "10.0.0.2");
	a4(dst, "10.0.0.8");
	udp4(pkt, sizeof(pkt));
	ck_assert_int_eq(ip_output(src, dst, IPPROTO_UDP, pkt, sizeof(pkt), 64), 0);
	for (int i = 0; i < 5; i++)
		advance(NSEC_PER_SEC);
	/* Three questions in all, then nothing. */
	ck_assert_int_eq(nframes, 3);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(type_of(i), 0x0806);
	/* A late answer is not taken (no entry waits for it). */
	feed_arp(2, peer_mac, "10.0.0.8", "10.0.0.2");
	ck_assert_int_eq(nframes, 3);
}
END_TEST

START_TEST(stale_neighbour_is_probed_then_forgotten)
{
	uint8_t src[16], dst[16], pkt[64];

	a4(src, "10.0.0.2");
	a4(dst, "10.0.0.7");
	udp4(pkt, sizeof(pkt));
	/* Learnt from its question: stale, used at once, no probe yet. */
	feed_arp(1, peer_mac, "10.0.0.7", "10.0.0.2");
	nframes = 0;
	ck_assert_int_eq(ip_output(src, dst, IPPROTO_UDP, pkt, sizeof(pkt), 64), 0);
	ck_assert_int_eq(nframes, 1);
	ck_assert_int_eq(type_of(0), 0x0800);
	/* After the delay, unicast probes, three of them. */
	advance(5 * NSEC_PER_SEC);
	ck_assert_int_eq(nframes, 2);
	ck_assert_int_eq(type_of(1), 0x0806);
	ck_assert_int_eq(memcmp(frames[1], peer_mac, 6), 0);
	for (int i = 0; i < 4; i++)
		advance(NSEC_PER_SEC);
	ck_assert_int_eq(nframes, 4);
	/* Forgotten: the next packet waits for a broadcast question. */
	ck_assert_int_eq(ip_output(src, dst, IPPROTO_UDP, pkt, sizeof(pkt), 64), 0);
	ck_assert_int_eq(nframes, 5);
	ck_assert_int_eq(type_of(4), 0x0806);
	ck_assert_int_eq(frames[4][0], 0xff);
	/* An answer to a probe would have kept it: reachable again. */
	feed_arp(2, peer_mac, "10.0.0.7", "10.0.0.2");
	ck_assert_int_eq(nframes, 6);
	advance(5 * NSEC_PER_SEC);
	ck_assert_int_eq(nframes, 6);
}
END_TEST

START_TEST(default_route_goes_to_the_gateway)
{
	uint8_t src[16], dst[16], pkt[64];

	ck_assert_int_eq(ip_route_src((a4(dst, "192.0.2.1"), dst), src), 0);
	ck_assert_int_eq(memcmp(src + 12, (uint8_t[4]){ 10, 0, 0, 2 }, 4), 0);
	udp4(pkt, sizeof(pkt));
	ck_assert_int_eq(ip_output(src, dst, IPPROTO_UDP, pkt, sizeof(pkt), 64), 0);
	ck_assert_int_eq(nframes, 1);
	ck_assert_int_eq(memcmp(frames[0] + 38, (uint8_t[4]){ 10, 0, 0, 1 }, 4), 0);
	feed_arp(2, gw_mac, "10.0.0.1", "10.0.0.2");
	ck_assert_int_eq(nframes, 2);
	ck_assert_int_eq(memcmp(frames[1], gw_mac, 6), 0);
	ck_assert_int_eq(memcmp(frames[1] + 14 + 16, (uint8_t[4]){ 192, 0, 2, 1 }, 4), 0);
	/* IPv6 has no default route here. */
	a6(dst, "2001:db8::1");
	ck_assert_int_eq(ip_route_src(dst, src), -ENETUNREACH);
}
END_TEST

START_TEST(ipv4_fragments_and_reassembles)
{
	static uint8_t pkt[3000];
	uint8_t src[16], dst[16];

	a4(src, "10.0.0.2");
	a4(dst, "10.0.0.7");
	feed_arp(1, peer_mac, "10.0.0.7", "10.0.0.2");  /* learn it */
	nframes = 0;
	udp4(pkt, sizeof(pkt));
	ck_assert_int_eq(ip_output(src, dst, IPPROTO_UDP, pkt, sizeof(pkt), 64), 0);
	ck_assert_int_eq(nframes, 3);
	ck_assert_uint_eq(flen[0], 14 + 1500);
	ck_assert_int_eq(frames[0][14 + 6], 0x20);             /* MF, DF clear */
	ck_assert_int_eq(frames[1][14 + 6] << 8 | frames[1][14 + 7], 0x2000 | 185);
	ck_assert_int_eq(frames[2][14 + 6] << 8 | frames[2][14 + 7], 370);
	/* Back in, last first: one datagram arrives, intact. */
	for (int i = 2; i >= 0; i--) {
		reflect(i);
		eth_input(eth, frames[i], flen[i]);
	}
	ck_assert_int_eq(udp_calls, 1);
	ck_assert_uint_eq(udp_len, sizeof(pkt));
	ck_assert_int_eq(memcmp(udp_got + 8, pkt + 8, sizeof(pkt) - 8), 0);
	ck_assert_int_eq(frag_queues(), 0);
}
END_TEST

/* A TCP segment: header with a timestamp option (32 bytes), seq 1000,
 * flags ACK|PSH|FIN, then len bytes. */
static size_t tcp_seg(uint8_t *p, size_t len)
{
	memset(p, 0, 32);
	p[0] = 0x30, p[1] = 0x39, p[2] = 0x00, p[3] = 0x50;
	p[6] = 0x03, p[7] = 0xe8;
	p[12] = 8 << 4;
	p[13] = 0x10 | 0x08 | 0x01;
	p[32 - 12] = 1, p[32 - 11] = 1, p[32 - 10] = 8, p[32 - 9] = 10;
	for (size_t i = 0; i < len; i++)
		p[32 + i] = (uint8_t)(i * 7 + 3);
	return 32 + len;
}

START_TEST(tso_segments_are_cut_here)
{
	static uint8_t seg[32 + 5000];
	uint8_t src[16], dst[16];
	size_t n = tcp_seg(seg, 5000), at = 0;

	a4(src, "10.0.0.2");
	a4(dst, "10.0.0.7");
	feed_arp(1, peer_mac, "10.0.0.7", "10.0.0.2");
	nframes = 0;
	ck_assert_uint_eq(ip_tso_max(dst), 1480);
	ck_assert_int_eq(ip_output_tso(src, dst, seg, n, 64, 1000), 0);
	ck_assert_int_eq(nframes, 5);
	for (int i = 0; i < 5; i++) {
		uint8_t *ip = frames[i] + 14, *t = ip + 20;
		uint32_t seq = (uint32_t)t[4] << 24 | t[5] << 16 | t[6] << 8 | t[7];
		size_t dl = flen[i] - 14 - 20 - 32;

		ck_assert_uint_eq(dl, 1000);
		ck_assert_uint_eq(seq, 1000 + at);
		ck_assert_int_eq(t[13], i == 4 ? 0x19 : 0x10);
		ck_assert_int_eq(memcmp(t + 20, seg + 20, 12), 0);      /* options kept */
		ck_assert_int_eq(memcmp(t + 32, seg + 32 + at, dl), 0);
		ck_assert_int_eq(ip_csum_fold(ip_csum_add(ip_pseudo(src, dst, IPPROTO_TCP, 32 + dl),
							   t, 32 + dl)), 0);
		ck_assert_int_eq(ip_csum_fold(ip_csum_add(0, ip, 20)), 0);
		at += dl;
	}
	/* A peer MSS above the MTU's: the MTU decides. */
	nframes = 0;
	ck_assert_int_eq(ip_output_tso(src, dst, seg, n, 64, 9000), 0);
	ck_assert_int_eq(nframes, 4);
	ck_assert_uint_eq(flen[0], 14 + 1500);
}
END_TEST

START_TEST(tso_segments_go_whole_to_a_gso_link)
{
	static uint8_t seg[32 + 20000];
	uint8_t src[16], dst[16], *ip, *t;
	size_t n = tcp_seg(seg, 20000);
	uint16_t partial;

	a4(src, "10.0.0.2");
	a4(dst, "10.0.0.7");
	eth->ops = &fake_gso_ops;
	feed_arp(1, peer_mac, "10.0.0.7", "10.0.0.2");
	nframes = 0;
	ck_assert_uint_eq(ip_tso_max(dst), 65515);
	ck_assert_int_eq(ip_output_tso(src, dst, seg, n, 64, 1448), 0);
	eth->ops = &fake_ops;
	ck_assert_int_eq(nframes, 1);
	ck_assert_uint_eq(flen[0], 14 + 20 + n);
	ck_assert_int_eq(last_gso.v6, 0);
	ck_assert_int_eq(last_gso.size, 1448);
	ck_assert_int_eq(last_gso.hdr_len, 14 + 20 + 32);
	ck_assert_int_eq(last_gso.csum_start, 34);
	ck_assert_int_eq(last_gso.csum_offset, 16);
	ip = frames[0] + 14;
	t = ip + 20;
	ck_assert_int_eq(ip[2] << 8 | ip[3], (int)(20 + n));
	ck_assert_int_eq(ip_csum_fold(ip_csum_add(0, ip, 20)), 0);
	/* The checksum field holds the pseudo-header sum, uncomplemented. */
	partial = (uint16_t)(t[16] << 8 | t[17]);
	ck_assert_int_eq(partial, (uint16_t)~ip_csum_fold(ip_pseudo(src, dst, IPPROTO_TCP, n)));
}
END_TEST

START_TEST(ipv6_solicitation_is_answered)
{
	uint8_t f[14 + 40 + 32] = { 0 }, *ip = f + 14, *ns = ip + 40, src[16], dst[16];
	uint16_t c;

	memcpy(f, (uint8_t[6]){ 0x33, 0x33, 0xff, 0, 0, 0x02 }, 6);
	memcpy(f + 6, peer_mac, 6);
	f[12] = 0x86, f[13] = 0xdd;
	ip[0] = 0x60, ip[5] = 32, ip[6] = IPPROTO_ICMPV6, ip[7] = 255;
	a6(src, "fe80::99");
	a6(dst, "ff02::1:ff00:2");
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, dst, 16);
	ns[0] = 135;
	a6(ns + 8, "fd00::2");
	ns[24] = 1, ns[25] = 1;
	memcpy(ns + 26, peer_mac, 6);
	c = ip_csum_fold(ip_csum_add(ip_pseudo(src, dst, IPPROTO_ICMPV6, 32), ns, 32));
	ns[2] = (uint8_t)(c >> 8), ns[3] = (uint8_t)c;
	eth_input(eth, f, sizeof(f));
	ck_assert_int_eq(nframes, 1);
	ck_assert_int_eq(type_of(0), 0x86dd);
	ck_assert_int_eq(memcmp(frames[0], peer_mac, 6), 0);
	ip = frames[0] + 14;
	ck_assert_int_eq(ip[7], 255);
	ck_assert_int_eq(ip[40], 136);
	ck_assert_int_eq(ip[44], 0x60);                         /* solicited, override */
	ck_assert_int_eq(memcmp(ip + 48, ns + 8, 16), 0);
	ck_assert_int_eq(ip[64], 2);
	ck_assert_int_eq(memcmp(ip + 66, our_mac, 6), 0);
	ck_assert_int_eq(ip_csum_fold(ip_csum_add(ip_pseudo(ip + 8, ip + 24, IPPROTO_ICMPV6, 32),
						   ip + 40, 32)), 0);
	/* Hop limit below 255 (forwarded): ignored. */
	ip = f + 14;
	ip[7] = 254;
	eth_input(eth, f, sizeof(f));
	ck_assert_int_eq(nframes, 1);
}
END_TEST

START_TEST(ipv6_fragments_and_reassembles)
{
	static uint8_t pkt[4000];
	uint8_t src[16], dst[16];

	a6(src, "fd00::2");
	a6(dst, "fd00::7");
	udp4(pkt, sizeof(pkt));
	ck_assert_int_eq(ip_output(src, dst, IPPROTO_UDP, pkt, sizeof(pkt), 64), 0);
	/* A solicitation to the solicited-node group first. */
	ck_assert_int_eq(nframes, 1);
	ck_assert_int_eq(memcmp(frames[0], (uint8_t[6]){ 0x33, 0x33, 0xff, 0, 0, 0x07 }, 6), 0);
	ck_assert_int_eq(frames[0][14 + 40], 135);
	/* The answer releases the fragments. */
	neigh_update(eth, dst, peer_mac, true, true, false);
	ck_assert_int_eq(nframes, 4);
	for (int i = 1; i < 4; i++) {
		ck_assert_int_eq(frames[i][14 + 6], 44);
		ck_assert_uint_le(flen[i], 14 + 1500);
	}
	for (int i = 3; i >= 1; i--) {
		reflect(i);
		eth_input(eth, frames[i], flen[i]);
	}
	ck_assert_int_eq(udp_calls, 1);
	ck_assert_uint_eq(udp_len, sizeof(pkt));
	ck_assert_int_eq(memcmp(udp_got + 8, pkt + 8, sizeof(pkt) - 8), 0);
}
END_TEST

START_TEST(closed_port_gets_icmp_unreachable)
{
	uint8_t src[16], dst[16], pkt[40];

	a4(src, "10.0.0.2");
	a4(dst, "10.0.0.7");
	feed_arp(1, peer_mac, "10.0.0.7", "10.0.0.2");
	nframes = 0;
	udp4(pkt, sizeof(pkt));
	ip_output(src, dst, IPPROTO_UDP, pkt, sizeof(pkt), 64);
	ck_assert_int_eq(nframes, 1);
	reflect(0);
	udp_ret = -ECONNREFUSED;
	eth_input(eth, frames[0], flen[0]);
	ck_assert_int_eq(nframes, 2);
	ck_assert_int_eq(frames[1][14 + 9], IPPROTO_ICMP);
	ck_assert_int_eq(frames[1][14 + 20], 3);
	ck_assert_int_eq(frames[1][14 + 21], 3);
	/* The quote: the original header and 8 bytes. */
	ck_assert_uint_eq(flen[1], 14 + 20 + 8 + 20 + 8);
}
END_TEST

START_TEST(other_hosts_packets_are_dropped)
{
	uint8_t src[16], dst[16], pkt[40];

	a4(src, "10.0.0.2");
	a4(dst, "10.0.0.7");
	feed_arp(1, peer_mac, "10.0.0.7", "10.0.0.2");
	nframes = 0;
	udp4(pkt, sizeof(pkt));
	ip_output(src, dst, IPPROTO_UDP, pkt, sizeof(pkt), 64);
	/* Fed back unreflected: to 10.0.0.7, not us. */
	memcpy(frames[0], our_mac, 6);
	memcpy(frames[0] + 6, peer_mac, 6);
	eth_input(eth, frames[0], flen[0]);
	/* To another MAC: dropped before IP. */
	reflect(0);
	frames[0][5] = 0x55;
	eth_input(eth, frames[0], flen[0]);
	ck_assert_int_eq(udp_calls, 0);
	ck_assert_int_eq(nframes, 1);
}
END_TEST

START_TEST(hostile_frames_do_not_crash)
{
	static uint8_t f[1600];
	uint32_t seed = 12345;
	const uint16_t types[] = { 0x0800, 0x0806, 0x86dd };

	for (int n = 0; n < 200000; n++) {
		size_t len = (seed >> 8) % sizeof(f);

		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			f[i] = (uint8_t)(seed >> 16);
		}
		if (len >= 14) {
			memcpy(f, our_mac, 6);
			f[12] = (uint8_t)(types[n % 3] >> 8);
			f[13] = (uint8_t)types[n % 3];
		}
		if (len >= 34 && n % 3 == 0) {
			/* Mostly valid IPv4 headers for us, random beyond. */
			uint16_t c;

			f[14] = 0x45;
			memcpy(f + 30, (uint8_t[4]){ 10, 0, 0, 2 }, 4);
			f[24] = f[25] = 0;
			c = ip_csum_fold(ip_csum_add(0, f + 14, 20));
			f[24] = (uint8_t)(c >> 8);
			f[25] = (uint8_t)c;
		}
		if (len >= 54 && n % 3 == 2) {
			f[14] = 0x60;
			a6(f + 38, "fd00::2");
		}
		eth_input(eth, f, len);
		if (nframes > MAXF - 8)
			nframes = 0;
		if (n % 1000 == 0)
			advance(NSEC_PER_SEC);
	}
	ck_assert_uint_le(frag_mem(), FRAG_MEM_MAX);
}
END_TEST

static Suite *link_suite(void)
{
	Suite *s = suite_create("link");
	TCase *tc = tcase_create("link");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, arp_request_is_answered);
	tcase_add_test(tc, output_waits_for_the_neighbour);
	tcase_add_test(tc, unanswered_neighbour_is_given_up);
	tcase_add_test(tc, stale_neighbour_is_probed_then_forgotten);
	tcase_add_test(tc, default_route_goes_to_the_gateway);
	tcase_add_test(tc, ipv4_fragments_and_reassembles);
	tcase_add_test(tc, tso_segments_are_cut_here);
	tcase_add_test(tc, tso_segments_go_whole_to_a_gso_link);
	tcase_add_test(tc, ipv6_solicitation_is_answered);
	tcase_add_test(tc, ipv6_fragments_and_reassembles);
	tcase_add_test(tc, closed_port_gets_icmp_unreachable);
	tcase_add_test(tc, other_hosts_packets_are_dropped);
	tcase_add_test(tc, hostile_frames_do_not_crash);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(link_suite());
	int failed;

	/* One process: the stack's tables carry over between tests. */
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
