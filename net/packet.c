/* The packet endpoint: an Ethernet link whose frames travel over a host
 * AF_PACKET socket bound to the network namespace's interface (runsc
 * opens it before the sentry is confined, runsc/netconf.c). One receive
 * thread per link takes frames in batches (recvmmsg, MSG_WAITFORONE) and
 * runs the stack on the whole batch under one BKL hold; sends go out at
 * once from whoever holds the BKL (sendmsg, MSG_DONTWAIT: a full socket
 * buffer drops the frame, as a full NIC queue would).
 *
 * With PACKET_VNET_HDR every frame carries a virtio_net_hdr: the host's
 * own traffic over a veth arrives with its transport checksum only
 * partially computed (checksum offload), and the header says where to
 * finish it; a GSO frame (one TCP segment larger than the MTU) is taken
 * as the single large IP packet its headers describe. */
#define _GNU_SOURCE
#include "net/link.h"
#include "net/ip.h"
#include "sentry/log.h"
#include "sentry/task.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define RX_BATCH 32
/* The largest frame: a GSO frame's 64 KiB IP packet, its Ethernet header
 * and the virtio header. */
#define RX_FRAME (65536 + ETH_HDR_LEN + sizeof(struct virtio_net_hdr))

/* Owned by its interface (ifp->priv) for the sandbox's life. */
struct packet_link {
	struct net_if *ifp;
	int fd;
	bool vnet;
	uint64_t rx_frames, tx_frames, tx_drops;
};

static int packet_xmit(struct net_if *ifp, const void *frame, size_t len)
{
	struct packet_link *l = ifp->priv;
	struct virtio_net_hdr vh = { .gso_type = VIRTIO_NET_HDR_GSO_NONE };
	struct iovec iov[2] = { { &vh, sizeof(vh) }, { (void *)frame, len } };
	struct msghdr m = { .msg_iov = l->vnet ? iov : iov + 1, .msg_iovlen = l->vnet ? 2 : 1 };

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

int packet_link_add(const struct net_if *tmpl, int fd, bool vnet_hdr, struct net_if **out)
{
	struct packet_link *l = calloc(1, sizeof(*l));
	struct net_if t = *tmpl;
	pthread_t th;
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
	if (pthread_create(&th, NULL, packet_rx_main, l))
		return -EAGAIN;
	pthread_detach(th);
	if (out)
		*out = l->ifp;
	return 0;
}
