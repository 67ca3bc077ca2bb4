/* IP reassembly: one queue per datagram, its fragments in offset order.
 * See frag.h for the rules; the accounting counts each fragment's bytes
 * and bookkeeping against FRAG_MEM_MAX. */
#define _GNU_SOURCE
#include "net/frag.h"
#include "sentry/list.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct frag {
	struct list_head node;
	size_t off, len;
	uint8_t data[];
};

/* A datagram being put together; owned by the queues list. */
struct frag_queue {
	struct list_head node;      /* queues, oldest first */
	struct frag_key key;
	uint64_t deadline;
	struct list_head frags;     /* by offset, never overlapping */
	int nfrags;
	size_t total;               /* known once the last fragment came */
	bool have_last;
	size_t mem;
};

static struct list_head queues = LIST_HEAD_INIT(queues);
static size_t mem_used;
static int nqueues;

static size_t frag_cost(size_t len)
{
	return sizeof(struct frag) + len;
}

static void queue_free(struct frag_queue *q)
{
	struct frag *f, *n;

	list_for_each_entry_safe(f, n, &q->frags, node)
		free(f);
	list_del(&q->node);
	mem_used -= q->mem;
	nqueues--;
	free(q);
}

static bool key_eq(const struct frag_key *a, const struct frag_key *b)
{
	return a->family == b->family && a->id == b->id && a->proto == b->proto &&
	       !memcmp(a->src, b->src, 16) && !memcmp(a->dst, b->dst, 16);
}

static struct frag_queue *queue_find(const struct frag_key *k)
{
	struct frag_queue *q;

	list_for_each_entry(q, &queues, node)
		if (key_eq(&q->key, k))
			return q;
	return NULL;
}

int frag_expire(uint64_t now_ns)
{
	struct frag_queue *q, *n;
	int dropped = 0;

	list_for_each_entry_safe(q, n, &queues, node) {
		if (q->deadline > now_ns)
			continue;
		queue_free(q);
		dropped++;
	}
	return dropped;
}

void frag_flush(void)
{
	struct frag_queue *q, *n;

	list_for_each_entry_safe(q, n, &queues, node)
		queue_free(q);
}

size_t frag_mem(void)
{
	return mem_used;
}

int frag_queues(void)
{
	return nqueues;
}

/* Make room for need bytes by dropping the oldest datagrams other than
 * keep (inet_frag_evictor's policy: old ones are the likeliest lost). */
static bool make_room(size_t need, const struct frag_queue *keep)
{
	struct frag_queue *q, *n;

	list_for_each_entry_safe(q, n, &queues, node) {
		if (mem_used + need <= FRAG_MEM_MAX)
			break;
		if (q != keep)
			queue_free(q);
	}
	return mem_used + need <= FRAG_MEM_MAX;
}

/* The whole payload when the fragments cover [0, total) without a hole. */
static int try_complete(struct frag_queue *q, uint8_t **out, size_t *outlen)
{
	struct frag *f;
	size_t at = 0;
	uint8_t *buf;

	if (!q->have_last)
		return 0;
	list_for_each_entry(f, &q->frags, node) {
		if (f->off != at)
			return 0;
		at += f->len;
	}
	if (at != q->total)
		return 0;
	buf = malloc(q->total ? q->total : 1);
	if (!buf) {
		queue_free(q);
		return -ENOMEM;
	}
	list_for_each_entry(f, &q->frags, node)
		memcpy(buf + f->off, f->data, f->len);
	*out = buf;
	*outlen = q->total;
	queue_free(q);
	return 1;
}

int frag_input(const struct frag_key *k, size_t off, bool more, const uint8_t *data,
	       size_t len, size_t max, uint64_t now_ns, uint8_t **out, size_t *outlen)
{
	struct frag_queue *q;
	struct frag *f, *pos, *nf;
	size_t end = off + len;

	frag_expire(now_ns);
	if (end < off)
		return -EINVAL;
	q = queue_find(k);
	/* Fragments other than the last carry whole 8-octet units and some
	 * data (RFC 791: offsets count 8-octet units). */
	if (more && (len == 0 || (len & 7))) {
		if (q)
			queue_free(q);
		return -EINVAL;
	}
	if (end > max) {
		if (q)
			queue_free(q);
		return -EMSGSIZE;
	}
	if (!q) {
		if (nqueues >= FRAG_MAX_QUEUES && !list_empty(&queues))
			queue_free(list_first_entry(&queues, struct frag_queue, node));
		if (!make_room(sizeof(*q) + frag_cost(len), NULL))
			return -ENOBUFS;
		q = calloc(1, sizeof(*q));
		if (!q)
			return -ENOMEM;
		q->key = *k;
		q->deadline = now_ns + FRAG_TIMEOUT_NS;
		list_init(&q->frags);
		list_add_tail(&q->node, &queues);
		q->mem = sizeof(*q);
		mem_used += q->mem;
		nqueues++;
	}
	if (!more) {
		/* A second, different end, or data already past it: bad. */
		struct frag *last = list_empty(&q->frags) ? NULL :
				    list_entry(q->frags.prev, struct frag, node);

		if ((q->have_last && q->total != end) || (last && last->off + last->len > end)) {
			queue_free(q);
			return -EINVAL;
		}
		q->have_last = true;
		q->total = end;
	} else if (q->have_last && end > q->total) {
		queue_free(q);
		return -EINVAL;
	}
	/* The first fragment at a higher offset: insert before it. */
	pos = NULL;
	list_for_each_entry(f, &q->frags, node) {
		if (f->off == off && f->len == len)
			return 0;           /* an exact duplicate: ignored */
		if (f->off < end && off < f->off + f->len) {
			queue_free(q);
			return -EINVAL;     /* overlap (RFC 5722) */
		}
		if (f->off > off) {
			pos = f;
			break;
		}
	}
	if (q->nfrags >= FRAG_MAX_PER_DGRAM) {
		queue_free(q);
		return -ENOBUFS;
	}
	if (!make_room(frag_cost(len), q))
		return -ENOBUFS;
	nf = malloc(sizeof(*nf) + len);
	if (!nf)
		return -ENOMEM;
	nf->off = off;
	nf->len = len;
	memcpy(nf->data, data, len);
	if (pos)
		list_add_tail(&nf->node, &pos->node);
	else
		list_add_tail(&nf->node, &q->frags);
	q->nfrags++;
	q->mem += frag_cost(len);
	mem_used += frag_cost(len);
	return try_complete(q, out, outlen);
}
