/* libFuzzer target of the link-layer receive path (net/eth.c, arp.c,
 * ndp.c, ip.c with reassembly, icmp.c over route.c): any frame from the
 * wire is parsed without crashes or reads past it, and what the stack
 * sends in answer is a well-formed frame of the link's size. The input is
 * a sequence of frames, each prefixed with a two-byte length; a zero
 * length advances the clock (timers: neighbour retries, reassembly
 * expiry). Build: make fuzz-link; run: build/fuzz/link_fuzz [corpus]. */
#define _GNU_SOURCE
#include "net/frag.h"
#include "net/ip.h"
#include "net/link.h"
#include "net/raw.h"
#include "net/route.h"
#include "sentry/task.h"
#include "sentry/time.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <net/if_arp.h>
#include <arpa/inet.h>
#include <netinet/in.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- the sentry services the stack uses, standing in ---- */

static uint64_t clock_ns = 1000000000ULL;
static struct list_head timers = LIST_HEAD_INIT(timers);

uint64_t time_host_mono(void)
{
	return clock_ns;
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

/* The transports: a closed UDP port, so ICMP errors go out too. */
int udp_input(const uint8_t *src, const uint8_t *dst, const uint8_t *d, size_t len)
{
	return len >= 8 && d[3] == 7 ? 0 : -ECONNREFUSED;
}

void ping_input(const uint8_t *src, const uint8_t *dst, const uint8_t *msg, size_t len)
{
}

void udp_unreachable(const uint8_t *src, uint16_t sport, const uint8_t *dst, uint16_t dport)
{
}

int tcp_input_ip(const uint8_t *src, const uint8_t *dst, const uint8_t *d, size_t len)
{
	return 0;
}

bool raw_input(int proto, const uint8_t *src, const uint8_t *dst, const uint8_t *hdr,
	       size_t hlen, const uint8_t *d, size_t len)
{
	return false;
}

/* ---- the link ---- */

static int fuzz_xmit(struct net_if *ifp, const void *frame, size_t len)
{
	const uint8_t *f = frame;

	/* What we send: a whole Ethernet frame within the MTU, from us. */
	if (len < 14 || len > 14 + ifp->mtu || memcmp(f + 6, ifp->hwaddr, 6))
		abort();
	return 0;
}

static const struct link_ops fuzz_ops = { .xmit = fuzz_xmit, .down = neigh_flush };
static struct net_if *eth;

static void add(int family, const char *a, int plen, int scope)
{
	struct net_addr x = { .family = family, .ifindex = 2, .prefixlen = plen, .scope = scope };
	uint8_t m[16];

	if (family == AF_INET) {
		inet_pton(AF_INET, a, m);
		memcpy(x.addr, m, 4);
		memcpy(x.peer, m, 4);
	} else {
		inet_pton(AF_INET6, a, x.addr);
	}
	route_addr_add(&x);
}

static void setup(void)
{
	struct net_if t = { .index = 2, .name = "eth0", .flags = IFF_BROADCAST | IFF_MULTICAST,
			    .mtu = 1500, .type = ARPHRD_ETHER, .txqlen = 1000, .ops = &fuzz_ops,
			    .hwaddr = { 0x02, 0, 0, 0, 0, 0x01 } };

	route_if_add(&t, &eth);
	route_if_set_flags(eth, eth->flags | IFF_UP);
	add(AF_INET, "10.0.0.2", 24, 0);
	add(AF_INET6, "fd00::2", 64, 0);
	add(AF_INET6, "fe80::1", 64, 253);
}

static void run_timers(void)
{
	struct ktimer *k, *n;

	list_for_each_entry_safe(k, n, &timers, node) {
		if (k->when > clock_ns)
			continue;
		list_del(&k->node);
		k->armed = false;
		k->fn(k);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool done;

	if (!done) {
		setup();
		done = true;
	}
	while (size >= 2) {
		size_t n = (size_t)(data[0] << 8 | data[1]);
		uint8_t *f;

		data += 2;
		size -= 2;
		if (n == 0) {
			clock_ns += 1000000000ULL;
			run_timers();
			continue;
		}
		if (n > size)
			n = size;
		/* A copy of exactly n bytes, so ASan sees any overread. */
		f = malloc(n);
		memcpy(f, data, n);
		eth_input(eth, f, n);
		free(f);
		data += n;
		size -= n;
	}
	return 0;
}
