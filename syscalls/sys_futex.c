/* futex(2) and the robust-list calls. Argument decoding and the checks
 * kernel/futex/syscalls.c makes, in its order; the waiting and waking is
 * sentry/futex.c's. PI futexes follow the protocol without priority
 * inheritance; the requeue-PI pair is not provided (ENOSYS). */
#define _GNU_SOURCE
#include "syscalls/table.h"
#include "sentry/futex.h"
#include "sentry/time.h"

#include <errno.h>
#include <linux/futex.h>

#ifndef FUTEX_LOCK_PI2
#define FUTEX_LOCK_PI2 13
#endif

struct k_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};

/* restart_args of an interrupted timed wait. */
enum { RA_ADDR, RA_VAL, RA_BITSET, RA_SHARED, RA_CLOCK, RA_DEADLINE };

static long futex_wait_restart(struct task *t);

static long do_wait(struct task *t, uint64_t addr, uint32_t val, uint32_t bitset, bool shared,
		    clockid_t clk, uint64_t deadline)
{
	long r = futex_wait(t, addr, val, bitset, shared, clk, deadline);

	if (r != -EINTR)
		return r;
	/* Untimed waits restart as they were; timed ones through
	 * restart_syscall with the same absolute deadline. */
	if (deadline == FUTEX_NO_DEADLINE)
		return -ERESTARTSYS;
	t->restart_args[RA_ADDR] = addr;
	t->restart_args[RA_VAL] = val;
	t->restart_args[RA_BITSET] = bitset;
	t->restart_args[RA_SHARED] = shared;
	t->restart_args[RA_CLOCK] = (uint64_t)clk;
	t->restart_args[RA_DEADLINE] = deadline;
	t->restart_fn = futex_wait_restart;
	return -ERESTART_RESTARTBLOCK;
}

static long futex_wait_restart(struct task *t)
{
	return do_wait(t, t->restart_args[RA_ADDR], (uint32_t)t->restart_args[RA_VAL],
		       (uint32_t)t->restart_args[RA_BITSET], t->restart_args[RA_SHARED],
		       (clockid_t)t->restart_args[RA_CLOCK], t->restart_args[RA_DEADLINE]);
}

static bool cmd_has_timeout(int cmd)
{
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_LOCK_PI:
	case FUTEX_LOCK_PI2:
	case FUTEX_WAIT_BITSET:
	case FUTEX_WAIT_REQUEUE_PI:
		return true;
	}
	return false;
}

long sys_futex(struct task *t, const struct syscall_args *a)
{
	uint64_t uaddr = a->a[0], utime = a->a[3], uaddr2 = a->a[4];
	int op = (int)a->a[1], cmd = op & FUTEX_CMD_MASK;
	uint32_t val = (uint32_t)a->a[2], val3 = (uint32_t)a->a[5];
	/* Where there is no timeout, the fourth argument is a count. */
	int val2 = (int)(uint32_t)utime;
	bool shared = !(op & FUTEX_PRIVATE_FLAG);
	clockid_t clk = (op & FUTEX_CLOCK_REALTIME) ? CLOCK_REALTIME : CLOCK_MONOTONIC;
	uint64_t deadline = FUTEX_NO_DEADLINE;

	if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT_BITSET &&
	    cmd != FUTEX_WAIT_REQUEUE_PI && cmd != FUTEX_LOCK_PI2)
		return -ENOSYS;
	if (utime && cmd_has_timeout(cmd)) {
		struct k_timespec ts;
		uint64_t ns;

		if (copy_from_guest(t, &ts, utime, sizeof(ts)) < 0)
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (int64_t)NSEC_PER_SEC)
			return -EINVAL;
		ns = (uint64_t)ts.tv_sec >= UINT64_MAX / 2 / NSEC_PER_SEC
			     ? UINT64_MAX / 2
			     : (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
		if (cmd == FUTEX_WAIT) {
			/* Relative, measured on CLOCK_MONOTONIC. */
			clk = CLOCK_MONOTONIC;
			deadline = time_now(CLOCK_MONOTONIC) + ns;
		} else {
			deadline = ns;
		}
	}
	switch (cmd) {
	case FUTEX_WAIT:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fall through */
	case FUTEX_WAIT_BITSET:
		return do_wait(t, uaddr, val, val3, shared, clk, deadline);
	case FUTEX_WAKE:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fall through */
	case FUTEX_WAKE_BITSET: {
		struct futex_key k;
		long err;

		if (!val3)
			return -EINVAL;
		if ((err = futex_key_of(t, uaddr, shared, &k)))
			return err;
		/* As Linux, a count <= 0 still wakes one. */
		return futex_wake_key(&k, (int)val > 0 ? (int)val : 1, val3);
	}
	case FUTEX_REQUEUE:
		return futex_requeue(t, uaddr, uaddr2, (int)val, val2, NULL, shared);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(t, uaddr, uaddr2, (int)val, val2, &val3, shared);
	case FUTEX_WAKE_OP:
		return futex_wake_op(t, uaddr, uaddr2, (int)val, val2, val3, shared);
	case FUTEX_LOCK_PI:
		/* Its deadline is always on CLOCK_REALTIME. */
		return futex_lock_pi(t, uaddr, shared, false, CLOCK_REALTIME, deadline);
	case FUTEX_LOCK_PI2:
		return futex_lock_pi(t, uaddr, shared, false, clk, deadline);
	case FUTEX_TRYLOCK_PI:
		return futex_lock_pi(t, uaddr, shared, true, clk, FUTEX_NO_DEADLINE);
	case FUTEX_UNLOCK_PI:
		return futex_unlock_pi(t, uaddr, shared);
	default:
		/* Requeue-PI, FUTEX_FD, unknown commands. */
		return -ENOSYS;
	}
}

#define ROBUST_HEAD_SIZE 24

long sys_set_robust_list(struct task *t, const struct syscall_args *a)
{
	if (a->a[1] != ROBUST_HEAD_SIZE)
		return -EINVAL;
	t->robust_list = a->a[0];
	t->robust_len = a->a[1];
	return 0;
}

long sys_get_robust_list(struct task *t, const struct syscall_args *a)
{
	int pid = (int)a->a[0];
	struct task *o = pid ? task_lookup(pid) : t;
	uint64_t len = ROBUST_HEAD_SIZE, head;

	if (!o || o->state == TASK_ZOMBIE)
		return -ESRCH;
	head = o->robust_list;
	if (copy_to_guest(t, a->a[2], &len, sizeof(len)) < 0)
		return -EFAULT;
	if (copy_to_guest(t, a->a[1], &head, sizeof(head)) < 0)
		return -EFAULT;
	return 0;
}
