/* Futexes: wait/wake/requeue/bitset, private and shared, and robust
 * lists. Waiters hang on hash buckets keyed by (mm, address) for private
 * futexes and by memory-file page for shared ones. */
#define _GNU_SOURCE
#include "sentry/futex.h"
#include "sentry/log.h"

#include <errno.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <string.h>

#define FUTEX_BUCKETS 256

struct futex_waiter {
	struct list_head node;
	struct task *t;
	struct futex_key key;
	uint32_t bitset;
	bool woken;
};

static struct list_head buckets[FUTEX_BUCKETS];
static bool buckets_ready;

static struct list_head *bucket_of(const struct futex_key *k)
{
	uint64_t h = k->a * 0x9e3779b97f4a7c15ULL ^ k->b;

	if (!buckets_ready) {
		for (int i = 0; i < FUTEX_BUCKETS; i++)
			list_init(&buckets[i]);
		buckets_ready = true;
	}
	return &buckets[(h >> 20) % FUTEX_BUCKETS];
}

static bool key_eq(const struct futex_key *x, const struct futex_key *y)
{
	return x->a == y->a && x->b == y->b;
}

int futex_key_of(struct task *t, uint64_t addr, bool shared, struct futex_key *k)
{
	if (addr & 3)
		return -EINVAL;
	if (shared) {
		struct vma *v = mm_find_vma(t->mm, addr);

		if (!v)
			return -EFAULT;
		if (v->flags & VMA_SHARED) {
			/* Same object and offset: the same futex in every
			 * process that maps it. */
			k->a = (uint64_t)v->obj | 1;
			k->b = ((v->pgoff << PAGE_SHIFT) + (addr - v->start));
			return 0;
		}
	}
	k->a = (uint64_t)t->mm;
	k->b = addr;
	return 0;
}

int futex_wake_key(const struct futex_key *k, int n, uint32_t bitset)
{
	struct list_head *b = bucket_of(k);
	struct futex_waiter *w, *tmp;
	int woken = 0;

	list_for_each_entry_safe(w, tmp, b, node) {
		if (woken >= n)
			break;
		if (!key_eq(&w->key, k) || !(w->bitset & bitset))
			continue;
		list_del(&w->node);
		w->woken = true;
		w->t->woken = true;
		pthread_cond_signal(&w->t->cond);
		woken++;
	}
	return woken;
}

int futex_wake_addr(struct task *t, uint64_t addr, int n, bool shared)
{
	struct futex_key k;

	if (futex_key_of(t, addr, shared, &k) < 0)
		return 0;
	return futex_wake_key(&k, n, FUTEX_BITSET_MATCH_ANY);
}

long futex_wait(struct task *t, uint64_t addr, uint32_t val, uint32_t bitset, bool shared,
		const struct timespec *deadline)
{
	struct futex_waiter w = { .t = t, .bitset = bitset };
	uint32_t cur;
	int err;

	if (!bitset)
		return -EINVAL;
	err = futex_key_of(t, addr, shared, &w.key);
	if (err)
		return err;
	if (copy_from_guest(t, &cur, addr, sizeof(cur)) < 0)
		return -EFAULT;
	if (cur != val)
		return -EAGAIN;
	list_add_tail(&w.node, bucket_of(&w.key));
	t->woken = false;
	err = task_sleep(t, deadline);
	if (!w.woken)
		list_del(&w.node);
	if (w.woken)
		return 0;
	return err;
}

long futex_requeue(struct task *t, uint64_t a1, uint64_t a2, int nwake, int nreq,
		   const uint32_t *cmpval, bool shared)
{
	struct futex_key k1, k2;
	struct futex_waiter *w, *tmp;
	struct list_head *b1;
	int done = 0, err;

	if (nwake < 0 || nreq < 0)
		return -EINVAL;
	if ((err = futex_key_of(t, a1, shared, &k1)) || (err = futex_key_of(t, a2, shared, &k2)))
		return err;
	if (cmpval) {
		uint32_t cur;

		if (copy_from_guest(t, &cur, a1, sizeof(cur)) < 0)
			return -EFAULT;
		if (cur != *cmpval)
			return -EAGAIN;
	}
	done = futex_wake_key(&k1, nwake, FUTEX_BITSET_MATCH_ANY);
	b1 = bucket_of(&k1);
	list_for_each_entry_safe(w, tmp, b1, node) {
		if (nreq <= 0)
			break;
		if (!key_eq(&w->key, &k1))
			continue;
		list_del(&w->node);
		w->key = k2;
		list_add_tail(&w->node, bucket_of(&k2));
		nreq--;
		done++;
	}
	return done;
}

/* Robust list walk at thread exit, as kernel/futex/core.c does. */
#define ROBUST_LIST_LIMIT 2048
#define FUTEX_OWNER_DIED_K 0x40000000U
#define FUTEX_WAITERS_K 0x80000000U
#define FUTEX_TID_MASK_K 0x3fffffffU

static void handle_died(struct task *t, uint64_t uaddr, bool pi)
{
	uint32_t v, nv;

	(void)pi;
	if (copy_from_guest(t, &v, uaddr, 4) < 0)
		return;
	if ((v & FUTEX_TID_MASK_K) != (uint32_t)t->tid)
		return;
	nv = (v & FUTEX_WAITERS_K) | FUTEX_OWNER_DIED_K;
	if (copy_to_guest(t, uaddr, &nv, 4) < 0)
		return;
	if (v & FUTEX_WAITERS_K) {
		futex_wake_addr(t, uaddr, 1, false);
		futex_wake_addr(t, uaddr, 1, true);
	}
}

void futex_exit_robust_list(struct task *t)
{
	struct {
		uint64_t next;
		int64_t futex_offset;
		uint64_t pending;
	} head;
	uint64_t entry, pending;
	int limit = ROBUST_LIST_LIMIT;

	if (!t->robust_list || t->robust_len != sizeof(head))
		return;
	if (copy_from_guest(t, &head, t->robust_list, sizeof(head)) < 0)
		return;
	entry = head.next;
	pending = head.pending;
	while (entry && entry != t->robust_list && limit--) {
		uint64_t next;

		if (copy_from_guest(t, &next, entry & ~1UL, 8) < 0)
			break;
		if ((entry & ~1UL) != (pending & ~1UL))
			handle_died(t, (entry & ~1UL) + (uint64_t)head.futex_offset, entry & 1);
		entry = next;
	}
	if (pending)
		handle_died(t, (pending & ~1UL) + (uint64_t)head.futex_offset, pending & 1);
	t->robust_list = 0;
}

void futex_task_exit(struct task *t)
{
	(void)t;
}
