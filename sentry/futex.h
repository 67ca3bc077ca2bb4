/* Futex internals shared by the futex syscalls and thread exit. */
#ifndef SENTRY_FUTEX_H
#define SENTRY_FUTEX_H

#include "sentry/task.h"

struct futex_key {
	uint64_t a, b;
};

int futex_key_of(struct task *t, uint64_t addr, bool shared, struct futex_key *k);
int futex_wake_key(const struct futex_key *k, int n, uint32_t bitset);
/* Block while *addr == val; 0 when woken, -EAGAIN, -EINTR, -ETIMEDOUT. */
long futex_wait(struct task *t, uint64_t addr, uint32_t val, uint32_t bitset, bool shared,
		const struct timespec *deadline);
long futex_requeue(struct task *t, uint64_t a1, uint64_t a2, int nwake, int nreq,
		   const uint32_t *cmpval, bool shared);

#endif
