/* Futexes: wait/wake/requeue/bitset, private and shared, and robust
 * lists. Waiters hang on hash buckets keyed by (mm, address) for private
 * futexes and by memory-file page for shared ones. */
#define _GNU_SOURCE
#include "sentry/futex.h"
#include "sentry/log.h"
#include "sentry/time.h"

#include <errno.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>

#define FUTEX_BUCKETS 256

struct futex_waiter {
	struct list_head node;
	struct task *t;
	struct futex_key key;
	uint32_t bitset;
	bool woken;
	/* PI waiters: the futex address (in t's mm) and the owner tid it
	 * waits on, so a dying owner can hand the lock on. */
	bool pi;
	uint64_t addr;
	int owner;
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
		if (!key_eq(&w->key, k) || !(w->bitset & bitset) || w->pi)
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
		clockid_t clk, uint64_t deadline)
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
	/* Nothing can wake us between the check and the queueing: wakers
	 * need the BKL, which task_sleep() drops only once we are queued. */
	list_add_tail(&w.node, bucket_of(&w.key));
	for (;;) {
		struct timespec ts, *tsp = NULL;

		if (deadline != FUTEX_NO_DEADLINE) {
			/* The deadline is on the guest's clock; the host's
			 * may differ by a hair, so check again on waking. */
			uint64_t now = time_now(clk), hd;

			if (now >= deadline) {
				err = -ETIMEDOUT;
				break;
			}
			hd = time_host_mono() + (deadline - now);
			ts.tv_sec = (time_t)(hd / NSEC_PER_SEC);
			ts.tv_nsec = (long)(hd % NSEC_PER_SEC);
			tsp = &ts;
		}
		t->woken = false;
		err = task_sleep(t, tsp);
		if (w.woken || err == -EINTR)
			break;
	}
	if (w.woken)
		return 0;
	list_del(&w.node);
	return err;
}

long futex_requeue(struct task *t, uint64_t a1, uint64_t a2, int nwake, int nreq,
		   const uint32_t *cmpval, bool shared)
{
	struct futex_key k1, k2;
	struct futex_waiter *w, *tmp;
	struct list_head *b1, moved;
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
	/* Collect first, then queue on k2: when both keys share a bucket
	 * (or are equal) no waiter is seen twice. */
	list_init(&moved);
	b1 = bucket_of(&k1);
	list_for_each_entry_safe(w, tmp, b1, node) {
		if (nreq <= 0)
			break;
		if (!key_eq(&w->key, &k1) || w->pi)
			continue;
		list_del(&w->node);
		list_add_tail(&w->node, &moved);
		nreq--;
		done++;
	}
	list_for_each_entry_safe(w, tmp, &moved, node) {
		list_del(&w->node);
		w->key = k2;
		list_add_tail(&w->node, bucket_of(&k2));
	}
	return done;
}

/* A host pointer to the guest's futex word for an atomic update: the
 * page made present, writable and this address space's own (a
 * copy-on-write page is copied first, as a guest write would). */
static uint32_t *futex_word(struct task *t, uint64_t addr)
{
	for (int tries = 0; tries < 3; tries++) {
		struct vma *v = mm_find_vma(t->mm, addr);
		uint64_t *slot, pte;
		int code;

		if (!v || !(v->prot & PROT_WRITE) || !t->ctx)
			return NULL;
		slot = pt_slot(t->mm->pt, addr >> PAGE_SHIFT, 0);
		pte = slot ? *slot : 0;
		if ((pte & PTE_PRESENT) && ((pte & PTE_SHARED) || page_refs(PTE_PFN(pte)) == 1))
			return (uint32_t *)((uint8_t *)pfn_ptr(PTE_PFN(pte)) + (addr & ~PAGE_MASK));
		if (mm_fault(t->mm, t->ctx, addr, SEGV_ACCERR, &code))
			return NULL;
	}
	return NULL;
}

/* FUTEX_WAKE_OP's atomic operation on *addr (kernel/futex/waitwake.c:
 * futex_atomic_op_inuser): returns the comparison (0/1) or -errno. */
static int futex_atomic_op(struct task *t, uint64_t addr, uint32_t encoded)
{
	unsigned int op = (encoded >> 28) & 7, cmp = (encoded >> 24) & 15;
	int oparg = (int)(encoded << 8) >> 20, cmparg = (int)(encoded << 20) >> 20;
	uint32_t *p, old, new;

	if (encoded & ((uint32_t)FUTEX_OP_OPARG_SHIFT << 28))
		oparg = 1 << (oparg & 31);
	if (op > FUTEX_OP_XOR)
		return -ENOSYS;
	if (addr & 3)
		return -EINVAL;
	p = futex_word(t, addr);
	if (!p)
		return -EFAULT;
	old = __atomic_load_n(p, __ATOMIC_RELAXED);
	do {
		switch (op) {
		case FUTEX_OP_SET:
			new = (uint32_t)oparg;
			break;
		case FUTEX_OP_ADD:
			new = old + (uint32_t)oparg;
			break;
		case FUTEX_OP_OR:
			new = old | (uint32_t)oparg;
			break;
		case FUTEX_OP_ANDN:
			new = old & ~(uint32_t)oparg;
			break;
		default:
			new = old ^ (uint32_t)oparg;
			break;
		}
	} while (!__atomic_compare_exchange_n(p, &old, new, false, __ATOMIC_SEQ_CST,
					      __ATOMIC_RELAXED));
	switch (cmp) {
	case FUTEX_OP_CMP_EQ:
		return (int)old == cmparg;
	case FUTEX_OP_CMP_NE:
		return (int)old != cmparg;
	case FUTEX_OP_CMP_LT:
		return (int)old < cmparg;
	case FUTEX_OP_CMP_LE:
		return (int)old <= cmparg;
	case FUTEX_OP_CMP_GT:
		return (int)old > cmparg;
	case FUTEX_OP_CMP_GE:
		return (int)old >= cmparg;
	default:
		return -ENOSYS;
	}
}

long futex_wake_op(struct task *t, uint64_t a1, uint64_t a2, int n1, int n2, uint32_t op,
		   bool shared)
{
	struct futex_key k1, k2;
	int err, r, woken;

	if ((err = futex_key_of(t, a1, shared, &k1)) || (err = futex_key_of(t, a2, shared, &k2)))
		return err;
	r = futex_atomic_op(t, a2, op);
	if (r < 0)
		return r;
	/* As Linux, a count <= 0 still wakes one. */
	woken = futex_wake_key(&k1, n1 > 0 ? n1 : 1, FUTEX_BITSET_MATCH_ANY);
	if (r > 0)
		woken += futex_wake_key(&k2, n2 > 0 ? n2 : 1, FUTEX_BITSET_MATCH_ANY);
	return woken;
}

/* Robust list walk at thread exit, as kernel/futex/core.c does. */
#define ROBUST_LIST_LIMIT 2048
#define FUTEX_OWNER_DIED_K 0x40000000U
#define FUTEX_WAITERS_K 0x80000000U
#define FUTEX_TID_MASK_K 0x3fffffffU

/* kernel/futex/core.c:handle_futex_death(). */
static void handle_died(struct task *t, uint64_t uaddr, bool pi, bool pending_op)
{
	uint32_t v, nv, *p;

	if (copy_from_guest(t, &v, uaddr, 4) < 0)
		return;
	/* The owner died between taking the lock off the list and
	 * unlocking it, or before locking: wake a waiter to retry. */
	if (pending_op && !pi && !v) {
		futex_wake_addr(t, uaddr, 1, true);
		return;
	}
	if ((v & FUTEX_TID_MASK_K) != (uint32_t)t->tid)
		return;
	p = futex_word(t, uaddr);
	if (!p)
		return;
	v = __atomic_load_n(p, __ATOMIC_RELAXED);
	do {
		if ((v & FUTEX_TID_MASK_K) != (uint32_t)t->tid)
			return;
		nv = (v & FUTEX_WAITERS_K) | FUTEX_OWNER_DIED_K;
	} while (!__atomic_compare_exchange_n(p, &v, nv, false, __ATOMIC_SEQ_CST,
					      __ATOMIC_RELAXED));
	/* Robust futexes are woken with a shared key, whatever the
	 * mapping (glibc waits on them shared for that reason). */
	if (!pi && (v & FUTEX_WAITERS_K))
		futex_wake_addr(t, uaddr, 1, true);
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
	/* Bit 0 of each pointer says whether the entry it points to is a
	 * PI futex. */
	entry = head.next;
	pending = head.pending;
	while ((entry & ~1UL) != t->robust_list && limit--) {
		uint64_t next;
		int rc = copy_from_guest(t, &next, entry & ~1UL, 8);

		if ((entry & ~1UL) != (pending & ~1UL))
			handle_died(t, (entry & ~1UL) + (uint64_t)head.futex_offset, entry & 1,
				    false);
		if (rc < 0)
			break;
		entry = next;
	}
	if (pending & ~1UL)
		handle_died(t, (pending & ~1UL) + (uint64_t)head.futex_offset, pending & 1, true);
	t->robust_list = 0;
}

/* ---- PI futexes: the locking protocol of futex(2), without priority
 * inheritance (the sandbox does not schedule by priority). The sentry
 * hands the lock to the first waiter at unlock, as Linux does. ---- */

#define FUTEX_TID(v) ((v) & FUTEX_TID_MASK_K)

static struct futex_waiter *pi_top_waiter(const struct futex_key *k)
{
	struct futex_waiter *w;

	list_for_each_entry(w, bucket_of(k), node)
		if (w->pi && key_eq(&w->key, k))
			return w;
	return NULL;
}

/* Make w the owner: the word becomes its tid (plus WAITERS, so its
 * unlock comes back here), the others now wait on it. */
static int pi_handoff(struct futex_waiter *w, uint32_t *p, uint32_t old, uint32_t extra)
{
	struct futex_waiter *o;

	if (!__atomic_compare_exchange_n(p, &old, (uint32_t)w->t->tid | FUTEX_WAITERS_K | extra,
					 false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
		return -EAGAIN;
	list_del(&w->node);
	list_for_each_entry(o, bucket_of(&w->key), node)
		if (o->pi && key_eq(&o->key, &w->key))
			o->owner = w->t->tid;
	w->woken = true;
	w->t->woken = true;
	pthread_cond_signal(&w->t->cond);
	return 0;
}

long futex_lock_pi(struct task *t, uint64_t addr, bool shared, bool trylock, clockid_t clk,
		   uint64_t deadline)
{
	struct futex_waiter w = { .t = t, .bitset = FUTEX_BITSET_MATCH_ANY, .pi = true,
				  .addr = addr };
	uint32_t *p, v;
	int err;

	if ((err = futex_key_of(t, addr, shared, &w.key)))
		return err;
	p = futex_word(t, addr);
	if (!p)
		return -EFAULT;
	for (;;) {
		struct task *owner;

		v = __atomic_load_n(p, __ATOMIC_SEQ_CST);
		if (FUTEX_TID(v) == (uint32_t)t->tid)
			return -EDEADLK;
		if (!FUTEX_TID(v)) {
			/* Free (perhaps OWNER_DIED): take it, keeping the
			 * died bit for the new owner to see. */
			uint32_t nv = (v & FUTEX_OWNER_DIED_K) | (uint32_t)t->tid;

			if (pi_top_waiter(&w.key))
				nv |= FUTEX_WAITERS_K;
			if (__atomic_compare_exchange_n(p, &v, nv, false, __ATOMIC_SEQ_CST,
							__ATOMIC_RELAXED))
				return 0;
			continue;
		}
		if (trylock)
			return -EWOULDBLOCK;
		owner = task_lookup((int)FUTEX_TID(v));
		if (!owner || owner->state == TASK_ZOMBIE || owner->exiting)
			return -ESRCH;
		if ((v & FUTEX_WAITERS_K) ||
		    __atomic_compare_exchange_n(p, &v, v | FUTEX_WAITERS_K, false,
						__ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
			break;
	}
	w.owner = (int)FUTEX_TID(v);
	list_add_tail(&w.node, bucket_of(&w.key));
	for (;;) {
		struct timespec ts, *tsp = NULL;

		if (deadline != FUTEX_NO_DEADLINE) {
			uint64_t now = time_now(clk), hd;

			if (now >= deadline) {
				err = -ETIMEDOUT;
				break;
			}
			hd = time_host_mono() + (deadline - now);
			ts.tv_sec = (time_t)(hd / NSEC_PER_SEC);
			ts.tv_nsec = (long)(hd % NSEC_PER_SEC);
			tsp = &ts;
		}
		t->woken = false;
		err = task_sleep(t, tsp);
		if (w.woken || err == -EINTR)
			break;
	}
	if (w.woken)
		return 0;
	list_del(&w.node);
	/* Linux restarts an interrupted lock whatever the handler says. */
	return err == -EINTR ? -ERESTARTNOINTR : err;
}

long futex_unlock_pi(struct task *t, uint64_t addr, bool shared)
{
	struct futex_key k;
	uint32_t *p, v;
	int err;

	if ((err = futex_key_of(t, addr, shared, &k)))
		return err;
	p = futex_word(t, addr);
	if (!p)
		return -EFAULT;
	for (;;) {
		struct futex_waiter *w;

		v = __atomic_load_n(p, __ATOMIC_SEQ_CST);
		if (FUTEX_TID(v) != (uint32_t)t->tid)
			return -EPERM;
		w = pi_top_waiter(&k);
		if (w) {
			if (!pi_handoff(w, p, v, 0))
				return 0;
			continue;
		}
		if (__atomic_compare_exchange_n(p, &v, 0, false, __ATOMIC_SEQ_CST,
						__ATOMIC_RELAXED))
			return 0;
	}
}

/* A PI lock owner exits: each futex it held with waiters goes to its
 * first waiter, marked OWNER_DIED (kernel/futex/pi.c:exit_pi_state_list).
 * The robust-list walk may already have cleared the tid. */
void futex_task_exit(struct task *t)
{
	for (int i = 0; i < FUTEX_BUCKETS; i++) {
		struct futex_waiter *w;

		if (!buckets_ready)
			return;
	again:
		list_for_each_entry(w, &buckets[i], node) {
			uint32_t *p, v;

			if (!w->pi || w->owner != t->tid)
				continue;
			p = futex_word(w->t, w->addr);
			if (!p)
				continue;
			v = __atomic_load_n(p, __ATOMIC_SEQ_CST);
			if (FUTEX_TID(v) && FUTEX_TID(v) != (uint32_t)t->tid)
				continue;
			if (pi_handoff(w, p, v, FUTEX_OWNER_DIED_K) == 0)
				goto again;   /* the list changed under us */
		}
	}
}
