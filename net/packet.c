/* The packet endpoint: an Ethernet link whose frames travel over a host
 * AF_PACKET socket bound to the network namespace's interface (runsc
 * opens it before the sentry is confined, runsc/netconf.c). One receive
 * thread per link takes frames in batches and runs the stack on the whole
 * batch under one BKL hold; sends go out at once from whoever holds the
 * BKL (a full queue drops the frame, as a full NIC queue would).
 *
 * Two ways to move the frames, chosen per link when it is added
 * (RUNSC_PACKET_RING, ring_choice()):
 *  - recvmmsg (MSG_WAITFORONE) batches in, one sendmsg (MSG_DONTWAIT)
 *    per frame out: the default, which measured as fast or faster over a
 *    veth (docs/network.md has the figures).
 *  - PACKET_MMAP rings (TPACKET_V2), receive, transmit or both: the
 *    kernel writes received frames into a ring of fixed slots shared with
 *    us, and we write frames to send into a second ring and kick it with
 *    an empty send(). The receive thread waits in poll() and walks the
 *    slots the kernel has handed over. The rings are set up here, before
 *    the host seccomp filter is installed, so the filter needs nothing
 *    more than poll, sendto and getsockopt, which it has.
 *
 * With PACKET_VNET_HDR every frame carries a virtio_net_hdr (in a ring
 * slot, just before the frame): the host's own traffic over a veth
 * arrives with its transport checksum only partially computed (checksum
 * offload), and the header says where to finish it; a GSO frame (one TCP
 * segment larger than the MTU) is taken as the single large IP packet its
 * headers describe. */
#define _GNU_SOURCE
#include "net/link.h"
#include "net/ip.h"
#include "sentry/log.h"
#include "sentry/task.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define RX_BATCH 32
/* The largest frame: a GSO frame's 64 KiB IP packet, its Ethernet header
 * and the virtio header. */
#define RX_FRAME (65536 + ETH_HDR_LEN + sizeof(struct virtio_net_hdr))

/* Ring geometry. Every slot holds the largest frame (a 64 KiB GSO frame,
 * its Ethernet and virtio headers, the slot header); 15 slots fill a
 * 1 MiB block, one high-order allocation in the kernel (blocks are
 * allocated in powers of two pages, so a block of one slot would waste
 * half of it). */
#define RING_BLOCK (1u << 20)
#define RING_FRAME 69904u
#define RING_PER_BLOCK (RING_BLOCK / RING_FRAME)
#define RX_RING_BLOCKS 8	/* 120 slots, 8 MiB */
#define TX_RING_BLOCKS 4	/* 60 slots, 4 MiB */
/* Frames handled per BKL hold when walking the receive ring. */
#define RX_RING_BATCH 16
/* Unless RUNSC_PACKET_RING says otherwise. */
#define PACKET_RING_DEFAULT_RX false
#define PACKET_RING_DEFAULT_TX false
/* Where a transmit slot's data starts (no PACKET_TX_HAS_OFF). */
#define TX_DATA_OFF (TPACKET2_HDRLEN - sizeof(struct sockaddr_ll))

_Static_assert(RING_FRAME % TPACKET_ALIGNMENT == 0, "slot alignment");
_Static_assert(RING_PER_BLOCK == 15, "slots per block");
_Static_assert(TPACKET_ALIGN(TPACKET2_HDRLEN + 16) + sizeof(struct virtio_net_hdr) + 65535 +
		       ETH_HDR_LEN <= RING_FRAME,
	       "a receive slot holds a 64 KiB frame");
_Static_assert(TX_DATA_OFF + sizeof(struct virtio_net_hdr) + 65535 + ETH_HDR_LEN <= RING_FRAME,
	       "a transmit slot holds a 64 KiB frame");

struct ring {
	uint8_t *base;
	unsigned nframes, head;
};

/* Owned by its interface (ifp->priv) for the sandbox's life. */
struct packet_link {
	struct net_if *ifp;
	int fd;
	bool vnet;
	bool rx_ring, tx_ring;
	struct ring rx, tx;
	uint64_t rx_frames, tx_frames, tx_drops;
};

static struct tpacket2_hdr *ring_slot(const struct ring *r, unsigned i)
{
	return (struct tpacket2_hdr *)(r->base + (size_t)(i / RING_PER_BLOCK) * RING_BLOCK +
				       (size_t)(i % RING_PER_BLOCK) * RING_FRAME);
}

/* A frame into the transmit ring and a kick for the kernel to send it.
 * The slot is ours only when the kernel has finished with it (no send
 * requested or in progress; timestamp bits may come with the status). */
static int ring_xmit(struct packet_link *l, const struct virtio_net_hdr *vh, const void *frame,
		     size_t len)
{
	struct tpacket2_hdr *h = ring_slot(&l->tx, l->tx.head);
	uint32_t st = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
	size_t vl = l->vnet ? sizeof(*vh) : 0;
	uint8_t *data = (uint8_t *)h + TX_DATA_OFF;

	if (vl + len > RING_FRAME - TX_DATA_OFF)
		return -EMSGSIZE;
	if (st & (TP_STATUS_SEND_REQUEST | TP_STATUS_SENDING)) {
		/* Every slot is in flight: the queue is full. */
		l->tx_drops++;
		return -ENOBUFS;
	}
	if (vl)
		memcpy(data, vh, vl);
	memcpy(data + vl, frame, len);
	h->tp_len = (uint32_t)(vl + len);
	__atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
	l->tx.head = (l->tx.head + 1) % l->tx.nframes;
	/* The kernel sends every requested slot from its own position on;
	 * one that fails is skipped (PACKET_LOSS) and marked available. */
	if (sendto(l->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 && errno != EAGAIN) {
		l->tx_drops++;
		return errno == ENOBUFS ? -ENOBUFS : -errno;
	}
	l->tx_frames++;
	return 0;
}

static int packet_xmit(struct net_if *ifp, const void *frame, size_t len)
{
	struct packet_link *l = ifp->priv;
	struct virtio_net_hdr vh = { .gso_type = VIRTIO_NET_HDR_GSO_NONE };
	struct iovec iov[2] = { { &vh, sizeof(vh) }, { (void *)frame, len } };
	struct msghdr m = { .msg_iov = l->vnet ? iov : iov + 1, .msg_iovlen = l->vnet ? 2 : 1 };

	if (l->tx_ring)
		return ring_xmit(l, &vh, frame, len);
	if (sendmsg(l->fd, &m, MSG_DONTWAIT) < 0) {
		l->tx_drops++;
		return errno == EAGAIN || errno == ENOBUFS ? -ENOBUFS : -errno;
	}
	l->tx_frames++;
	return 0;
}

/* One large TCP segment for the host kernel to cut (virtio GSO). */
static int packet_xmit_gso(struct net_if *ifp, const void *frame, size_t len,
			   const struct link_gso *g)
{
	struct packet_link *l = ifp->priv;
	struct virtio_net_hdr vh = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.gso_type = g->v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4,
		.hdr_len = g->hdr_len, .gso_size = g->size,
		.csum_start = g->csum_start, .csum_offset = g->csum_offset,
	};
	struct iovec iov[2] = { { &vh, sizeof(vh) }, { (void *)frame, len } };
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = 2 };

	if (!l->vnet)
		return -EOPNOTSUPP;
	if (l->tx_ring)
		return ring_xmit(l, &vh, frame, len);
	if (sendmsg(l->fd, &m, MSG_DONTWAIT) < 0) {
		l->tx_drops++;
		return errno == EAGAIN || errno == ENOBUFS ? -ENOBUFS : -errno;
	}
	l->tx_frames++;
	return 0;
}

static const struct link_ops packet_ops = {
	.xmit = packet_xmit,
	.xmit_gso = packet_xmit_gso,
	.down = neigh_flush,
};

/* Finish a partial checksum (skb_checksum_help): the field holds the
 * pseudo-header sum; the sum from csum_start to the end, folded, is it. */
static bool finish_csum(uint8_t *frame, size_t len, const struct virtio_net_hdr *vh)
{
	size_t start = vh->csum_start, at = start + vh->csum_offset;
	uint16_t c;

	if (start > len || at + 2 > len || at < start)
		return false;
	c = ip_csum_fold(ip_csum_add(0, frame + start, len - start));
	/* UDP sends a zero result as all ones (RFC 768). */
	if (!c)
		c = 0xffff;
	frame[at] = (uint8_t)(c >> 8);
	frame[at + 1] = (uint8_t)c;
	return true;
}

static void rx_one(struct packet_link *l, uint8_t *buf, size_t len, int pkttype)
{
	struct virtio_net_hdr vh;

	if (pkttype == PACKET_OUTGOING)
		return;
	if (l->vnet) {
		if (len < sizeof(vh))
			return;
		memcpy(&vh, buf, sizeof(vh));
		buf += sizeof(vh);
		len -= sizeof(vh);
		if ((vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) && !finish_csum(buf, len, &vh))
			return;
	}
	l->rx_frames++;
	eth_input(l->ifp, buf, len);
}

static void *packet_rx_main(void *arg)
{
	struct packet_link *l = arg;
	struct mmsghdr *mv = calloc(RX_BATCH, sizeof(*mv));
	struct iovec *iov = calloc(RX_BATCH, sizeof(*iov));
	struct sockaddr_ll *from = calloc(RX_BATCH, sizeof(*from));
	uint8_t *bufs = malloc((size_t)RX_BATCH * RX_FRAME);

	crash_register_thread();
	if (!mv || !iov || !from || !bufs) {
		swarn("packet %s: no memory for the receive ring; the link is deaf", l->ifp->name);
		return NULL;
	}
	for (;;) {
		int n;

		for (int i = 0; i < RX_BATCH; i++) {
			iov[i].iov_base = bufs + (size_t)i * RX_FRAME;
			iov[i].iov_len = RX_FRAME;
			memset(&mv[i].msg_hdr, 0, sizeof(mv[i].msg_hdr));
			mv[i].msg_hdr.msg_iov = &iov[i];
			mv[i].msg_hdr.msg_iovlen = 1;
			mv[i].msg_hdr.msg_name = &from[i];
			mv[i].msg_hdr.msg_namelen = sizeof(from[i]);
		}
		n = recvmmsg(l->fd, mv, RX_BATCH, MSG_WAITFORONE, NULL);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN || errno == ENOBUFS)
				continue;
			swarn("packet %s: recvmmsg: %s; the link is deaf", l->ifp->name,
			      strerror(errno));
			return NULL;
		}
		bkl_lock();
		for (int i = 0; i < n; i++) {
			/* A frame cut short by the buffer is not a frame. */
			if (mv[i].msg_hdr.msg_flags & MSG_TRUNC)
				continue;
			rx_one(l, iov[i].iov_base, mv[i].msg_len, from[i].sll_pkttype);
		}
		bkl_unlock();
	}
	return NULL;
}

/* Wait for the receive ring's next slot; false when the link is done. */
static bool ring_wait(struct packet_link *l)
{
	struct pollfd p = { .fd = l->fd, .events = POLLIN };

	if (poll(&p, 1, -1) < 0) {
		if (errno == EINTR)
			return true;
		swarn("packet %s: poll: %s; the link is deaf", l->ifp->name, strerror(errno));
		return false;
	}
	if (p.revents & POLLERR) {
		/* A pending socket error (the interface went down): read it,
		 * which clears it, as a recvmmsg would have. */
		int err = 0;
		socklen_t sl = sizeof(err);

		getsockopt(l->fd, SOL_SOCKET, SO_ERROR, &err, &sl);
	}
	if (p.revents & POLLNVAL) {
		swarn("packet %s: the socket is gone; the link is deaf", l->ifp->name);
		return false;
	}
	return true;
}

/* One receive slot the kernel handed over. Its header comes from the
 * kernel, but is checked against the slot all the same. */
static void ring_rx_slot(struct packet_link *l, struct tpacket2_hdr *h, uint32_t st)
{
	const struct sockaddr_ll *sll =
		(const struct sockaddr_ll *)((uint8_t *)h + TPACKET_ALIGN(sizeof(*h)));
	size_t vl = l->vnet ? sizeof(struct virtio_net_hdr) : 0;
	size_t mac = h->tp_mac, snap = h->tp_snaplen;

	/* Cut short by the slot, or only a copy on the socket queue (never
	 * asked for): not a frame. */
	if ((st & TP_STATUS_COPY) || snap != h->tp_len)
		return;
	if (mac < TPACKET2_HDRLEN + vl || mac > RING_FRAME || snap > RING_FRAME - mac)
		return;
	rx_one(l, (uint8_t *)h + mac - vl, snap + vl, sll->sll_pkttype);
}

static void *packet_rx_ring_main(void *arg)
{
	struct packet_link *l = arg;

	crash_register_thread();
	for (;;) {
		struct tpacket2_hdr *h = ring_slot(&l->rx, l->rx.head);
		uint32_t st = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);

		if (!(st & TP_STATUS_USER)) {
			if (!ring_wait(l))
				return NULL;
			continue;
		}
		bkl_lock();
		for (int n = 0; n < RX_RING_BATCH && (st & TP_STATUS_USER); n++) {
			ring_rx_slot(l, h, st);
			/* The stack keeps nothing of the frame: the slot goes
			 * back to the kernel. */
			__atomic_store_n(&h->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
			l->rx.head = (l->rx.head + 1) % l->rx.nframes;
			h = ring_slot(&l->rx, l->rx.head);
			st = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
		}
		bkl_unlock();
	}
	return NULL;
}

/* RUNSC_PACKET_RING: 0 (recvmmsg and sendmsg), rx or tx (that ring
 * only), 1 (both rings); unset, the default (docs/network.md has the
 * measurements behind it). */
static void ring_choice(bool *rx, bool *tx)
{
	const char *v = getenv("RUNSC_PACKET_RING");

	*rx = PACKET_RING_DEFAULT_RX;
	*tx = PACKET_RING_DEFAULT_TX;
	if (!v || !*v)
		return;
	*rx = !strcmp(v, "1") || !strcmp(v, "rx");
	*tx = !strcmp(v, "1") || !strcmp(v, "tx");
	if (strcmp(v, "0") && !*rx && !*tx)
		swarn("RUNSC_PACKET_RING=%s: not 0, 1, rx or tx; no rings", v);
}

/* Set up the rings asked for and map them; on any failure the socket
 * is left without rings (the syscall path then serves both ways). */
static void ring_setup(struct packet_link *l, bool rx, bool tx)
{
	struct tpacket_req rq = { .tp_block_size = RING_BLOCK, .tp_block_nr = RX_RING_BLOCKS,
				  .tp_frame_size = RING_FRAME,
				  .tp_frame_nr = RX_RING_BLOCKS * RING_PER_BLOCK };
	struct tpacket_req tq = { .tp_block_size = RING_BLOCK, .tp_block_nr = TX_RING_BLOCKS,
				  .tp_frame_size = RING_FRAME,
				  .tp_frame_nr = TX_RING_BLOCKS * RING_PER_BLOCK };
	struct tpacket_req none = { 0 };
	size_t rlen = rx ? (size_t)RX_RING_BLOCKS * RING_BLOCK : 0;
	size_t tlen = tx ? (size_t)TX_RING_BLOCKS * RING_BLOCK : 0;
	int v = TPACKET_V2, one = 1;
	const char *what = "PACKET_VERSION";
	uint8_t *map;

	if (!rx && !tx)
		return;
	if (setsockopt(l->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) < 0)
		goto fail;
	/* A malformed transmit slot is skipped instead of stopping the ring. */
	what = "PACKET_LOSS";
	if (tx && setsockopt(l->fd, SOL_PACKET, PACKET_LOSS, &one, sizeof(one)) < 0)
		goto fail;
	what = "PACKET_RX_RING";
	if (rx && setsockopt(l->fd, SOL_PACKET, PACKET_RX_RING, &rq, sizeof(rq)) < 0)
		goto fail;
	what = "PACKET_TX_RING";
	if (tx && setsockopt(l->fd, SOL_PACKET, PACKET_TX_RING, &tq, sizeof(tq)) < 0)
		goto fail;
	what = "mmap";
	/* One mapping: the receive ring first, then the transmit ring. */
	map = mmap(NULL, rlen + tlen, PROT_READ | PROT_WRITE, MAP_SHARED, l->fd, 0);
	if (map == MAP_FAILED)
		goto fail;
	/* Processes forked from the sentry do not share them. */
	madvise(map, rlen + tlen, MADV_DONTFORK);
	if (rx)
		l->rx = (struct ring){ .base = map, .nframes = rq.tp_frame_nr };
	if (tx)
		l->tx = (struct ring){ .base = map + rlen, .nframes = tq.tp_frame_nr };
	l->rx_ring = rx;
	l->tx_ring = tx;
	sinfo("packet %s: PACKET_MMAP rings (TPACKET_V2):%s%s", l->ifp->name,
	      rx ? " receive" : "", tx ? " transmit" : "");
	return;
fail:
	swarn("packet %s: %s: %s; no PACKET_MMAP rings", l->ifp->name, what, strerror(errno));
	if (rx)
		setsockopt(l->fd, SOL_PACKET, PACKET_RX_RING, &none, sizeof(none));
	if (tx)
		setsockopt(l->fd, SOL_PACKET, PACKET_TX_RING, &none, sizeof(none));
}

int packet_link_add(const struct net_if *tmpl, int fd, bool vnet_hdr, struct net_if **out)
{
	struct packet_link *l = calloc(1, sizeof(*l));
	struct net_if t = *tmpl;
	pthread_t th;
	bool rx, tx;
	int e;

	if (!l)
		return -ENOMEM;
	t.ops = &packet_ops;
	t.priv = l;
	l->fd = fd;
	l->vnet = vnet_hdr;
	e = route_if_add(&t, &l->ifp);
	if (e < 0) {
		free(l);
		return e;
	}
	/* Here, before the host filter: it allows no setsockopt. */
	ring_choice(&rx, &tx);
	ring_setup(l, rx, tx);
	if (pthread_create(&th, NULL, l->rx_ring ? packet_rx_ring_main : packet_rx_main, l))
		return -EAGAIN;
	pthread_detach(th);
	if (out)
		*out = l->ifp;
	return 0;
}
