/* Futex internals shared by the futex syscalls and thread exit. */
#ifndef SENTRY_FUTEX_H
#define SENTRY_FUTEX_H

#include "sentry/task.h"

struct futex_key {
	uint64_t a, b;
};

int futex_key_of(struct task *t, uint64_t addr, bool shared, struct futex_key *k);
int futex_wake_key(const struct futex_key *k, int n, uint32_t bitset);
#define FUTEX_NO_DEADLINE UINT64_MAX
/* Block while *addr == val, until woken (0), a signal (-EINTR) or the
 * absolute deadline on guest clock clk (-ETIMEDOUT); -EAGAIN if *addr
 * differs at once. */
long futex_wait(struct task *t, uint64_t addr, uint32_t val, uint32_t bitset, bool shared,
		clockid_t clk, uint64_t deadline);
/* Wake nwake waiters of a1, move up to nreq more to a2; the count of
 * both. cmpval: FUTEX_CMP_REQUEUE's expected *a1. */
long futex_requeue(struct task *t, uint64_t a1, uint64_t a2, int nwake, int nreq,
		   const uint32_t *cmpval, bool shared);
/* FUTEX_WAKE_OP: atomically update *a2, wake n1 on a1 and, if the
 * comparison held, n2 on a2. */
long futex_wake_op(struct task *t, uint64_t a1, uint64_t a2, int n1, int n2, uint32_t op,
		   bool shared);
/* PI futexes (no priority inheritance, the protocol only). lock: 0,
 * -EDEADLK, -EWOULDBLOCK (trylock), -ESRCH, -ETIMEDOUT, -ERESTARTNOINTR. */
long futex_lock_pi(struct task *t, uint64_t addr, bool shared, bool trylock, clockid_t clk,
		   uint64_t deadline);
long futex_unlock_pi(struct task *t, uint64_t addr, bool shared);

#endif
