/* poll, ppoll, select, pselect6: readiness of any file through its
 * file_ops->poll, waiting on every file's wait queue at once (one waiter
 * per queue) until one is ready, a signal arrives or the timeout ends. */
#define _GNU_SOURCE
#include "syscalls/table.h"
#include "fs/file.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>

/* What a file without a poll op reports (Linux DEFAULT_POLLMASK). */
#define DEFAULT_POLLMASK (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)
/* select(2)'s mapping of poll bits to its three sets (fs/select.c). */
#define POLLIN_SET (POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define POLLOUT_SET (POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define POLLEX_SET (POLLPRI)

#define NSEC_PER_SEC 1000000000L

struct pentry {
	struct file *f;         /* NULL: negative fd (poll) or bad fd */
	int fd;
	unsigned int interest;  /* bits that make this entry ready */
	unsigned int mask;      /* last readiness; preset when f is NULL */
	struct waiter w;
	bool queued;
};

static void unqueue(struct pentry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (e[i].queued) {
			waitq_del(&e[i].w);
			e[i].queued = false;
		}
	}
}

static void put_files(struct pentry *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		file_put(e[i].f);
}

/* Poll every entry, queueing a waiter on each file's queue if queue is
 * set. Returns how many entries are ready. */
static size_t scan(struct task *t, struct pentry *e, size_t n, bool queue)
{
	size_t ready = 0;

	for (size_t i = 0; i < n; i++) {
		struct waitq *wq = NULL;

		if (e[i].f) {
			e[i].mask = e[i].f->ops->poll ? e[i].f->ops->poll(e[i].f, queue ? &wq : NULL)
						      : DEFAULT_POLLMASK;
			/* A NULL queue: the file never changes, it is always
			 * ready for what it returned. */
			if (queue && wq) {
				waitq_add(wq, &e[i].w, t);
				e[i].queued = true;
			}
		}
		if (e[i].mask & e[i].interest)
			ready++;
	}
	return ready;
}

/* Wait until an entry is ready (returns the count), the deadline passes
 * (0), or a signal is pending (-EINTR). deadline NULL: forever; zero:
 * do not wait. */
static long wait_ready(struct task *t, struct pentry *e, size_t n,
		       const struct timespec *deadline, bool zero)
{
	for (;;) {
		size_t ready = scan(t, e, n, !zero);
		int r;

		if (ready || zero) {
			unqueue(e, n);
			return (long)ready;
		}
		r = task_sleep(t, deadline);
		unqueue(e, n);
		if (r == -ETIMEDOUT)
			return (long)scan(t, e, n, false);
		if (r == -EINTR)
			return -EINTR;
	}
}

/* ---- timeouts: relative guest values to CLOCK_MONOTONIC deadlines ---- */

struct ptimeout {
	bool infinite;
	bool zero;
	struct timespec deadline;
};

/* Linux poll_select_set_timeout(): invalid timespecs are -EINVAL. */
static int set_timeout(struct ptimeout *to, int64_t sec, int64_t nsec)
{
	struct timespec now;

	if (sec < 0 || nsec < 0 || nsec >= NSEC_PER_SEC)
		return -EINVAL;
	to->infinite = false;
	to->zero = !sec && !nsec;
	if (to->zero)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	/* Saturate absurd timeouts instead of overflowing. */
	if (sec > ((int64_t)1 << 40))
		sec = (int64_t)1 << 40;
	to->deadline.tv_sec = now.tv_sec + sec;
	to->deadline.tv_nsec = now.tv_nsec + nsec;
	if (to->deadline.tv_nsec >= NSEC_PER_SEC) {
		to->deadline.tv_sec++;
		to->deadline.tv_nsec -= NSEC_PER_SEC;
	}
	return 0;
}

static long wait_to(struct task *t, struct pentry *e, size_t n, const struct ptimeout *to)
{
	return wait_ready(t, e, n, to->infinite ? NULL : &to->deadline, to->zero);
}

static struct timespec remaining(const struct ptimeout *to)
{
	struct timespec now, r;

	clock_gettime(CLOCK_MONOTONIC, &now);
	r.tv_sec = to->deadline.tv_sec - now.tv_sec;
	r.tv_nsec = to->deadline.tv_nsec - now.tv_nsec;
	if (r.tv_nsec < 0) {
		r.tv_sec--;
		r.tv_nsec += NSEC_PER_SEC;
	}
	if (r.tv_sec < 0)
		r.tv_sec = r.tv_nsec = 0;
	return r;
}

/* The end of ppoll/pselect6/select (Linux poll_select_finish): keep the
 * temporary signal mask for the handler if interrupted, and report the
 * time left where the guest passed a timeout. A failed write-back makes
 * the call non-restartable. */
enum tkind { T_NONE, T_TIMEVAL, T_TIMESPEC };

static long finish(struct task *t, const struct ptimeout *to, uint64_t uaddr, enum tkind kind,
		   long ret)
{
	struct timespec rem;
	int err = 0;

	if (t->has_saved_mask && ret != -ERESTARTNOHAND) {
		t->blocked = t->saved_mask;
		t->has_saved_mask = false;
	}
	if (kind == T_NONE || !uaddr || to->infinite || to->zero)
		return ret;
	rem = remaining(to);
	if (kind == T_TIMEVAL) {
		struct { int64_t sec, usec; } tv = { rem.tv_sec, rem.tv_nsec / 1000 };

		err = copy_to_guest(t, uaddr, &tv, sizeof(tv));
	} else {
		err = copy_to_guest(t, uaddr, &rem, sizeof(rem));
	}
	if (err < 0 && ret == -ERESTARTNOHAND)
		ret = -EINTR;
	return ret;
}

/* Install the temporary mask of ppoll/pselect6, as sigsuspend does. */
static int set_sigmask(struct task *t, uint64_t addr, uint64_t size)
{
	ksigset_t m;

	if (!addr)
		return 0;
	if (size != sizeof(ksigset_t))
		return -EINVAL;
	if (copy_from_guest(t, &m, addr, sizeof(m)) < 0)
		return -EFAULT;
	t->saved_mask = t->blocked;
	t->has_saved_mask = true;
	t->blocked = m & ~SIG_UNBLOCKABLE;
	return 0;
}

/* ---- poll, ppoll ---- */

static long do_poll(struct task *t, uint64_t ufds, uint64_t nfds, const struct ptimeout *to)
{
	struct pollfd *pfd;
	struct pentry *e;
	long r;

	if (nfds > t->tg->rlim[RLIMIT_NOFILE].rlim_cur || nfds > (1u << 20))
		return -EINVAL;
	pfd = calloc(nfds ? nfds : 1, sizeof(*pfd));
	e = calloc(nfds ? nfds : 1, sizeof(*e));
	if (!pfd || !e) {
		r = -ENOMEM;
		goto out;
	}
	if (nfds && copy_from_guest(t, pfd, ufds, nfds * sizeof(*pfd)) < 0) {
		r = -EFAULT;
		goto out;
	}
	for (uint64_t i = 0; i < nfds; i++) {
		if (pfd[i].fd < 0)
			continue;
		e[i].f = fd_get(t->files, pfd[i].fd);
		if (!e[i].f)
			e[i].mask = e[i].interest = POLLNVAL;
		else
			e[i].interest = (unsigned short)pfd[i].events | POLLERR | POLLHUP;
	}
	r = wait_to(t, e, nfds, to);
	for (uint64_t i = 0; i < nfds; i++)
		pfd[i].revents = (short)(e[i].mask & e[i].interest);
	/* Like Linux, revents are written back even when interrupted. */
	if (nfds && copy_to_guest(t, ufds, pfd, nfds * sizeof(*pfd)) < 0)
		r = -EFAULT;
	put_files(e, nfds);
out:
	free(pfd);
	free(e);
	return r == -EINTR ? -ERESTARTNOHAND : r;
}

static long poll_restart(struct task *t);

/* poll(2) restarts through restart_syscall(2) with its original deadline,
 * as Linux does. While restart_syscall is not in the table, fall back to
 * a plain restart (which restarts the full timeout). */
static long do_poll_restartable(struct task *t, uint64_t ufds, uint64_t nfds,
				const struct ptimeout *to)
{
	long r = do_poll(t, ufds, nfds, to);

	if (r != -ERESTARTNOHAND || !syscall_table[SYS_restart_syscall].fn)
		return r;
	t->restart_args[0] = ufds;
	t->restart_args[1] = nfds;
	t->restart_args[2] = !to->infinite;
	t->restart_args[3] = (uint64_t)to->deadline.tv_sec;
	t->restart_args[4] = (uint64_t)to->deadline.tv_nsec;
	t->restart_fn = poll_restart;
	return -ERESTART_RESTARTBLOCK;
}

/* restart_syscall(2) after an interrupted poll: the same fds, the same
 * deadline. */
static long poll_restart(struct task *t)
{
	struct ptimeout to = { .infinite = !t->restart_args[2] };

	to.deadline.tv_sec = (time_t)t->restart_args[3];
	to.deadline.tv_nsec = (long)t->restart_args[4];
	return do_poll_restartable(t, t->restart_args[0], t->restart_args[1], &to);
}

long sys_poll(struct task *t, const struct syscall_args *a)
{
	int ms = (int)a->a[2];
	struct ptimeout to = { .infinite = true };

	if (ms >= 0)
		set_timeout(&to, ms / 1000, (int64_t)(ms % 1000) * 1000000);
	return do_poll_restartable(t, a->a[0], (unsigned int)a->a[1], &to);
}

long sys_ppoll(struct task *t, const struct syscall_args *a)
{
	struct ptimeout to = { .infinite = true };
	struct timespec ts;
	long r;

	if (a->a[2]) {
		if (copy_from_guest(t, &ts, a->a[2], sizeof(ts)) < 0)
			return -EFAULT;
		if (set_timeout(&to, ts.tv_sec, ts.tv_nsec) < 0)
			return -EINVAL;
	}
	r = set_sigmask(t, a->a[3], a->a[4]);
	if (r < 0)
		return r;
	r = do_poll(t, a->a[0], (unsigned int)a->a[1], &to);
	return finish(t, &to, a->a[2], T_TIMESPEC, r);
}

/* ---- select, pselect6 ---- */

#define BITS_PER_LONG_K 64

static bool bit_test(const uint64_t *set, int fd)
{
	return set && (set[fd / BITS_PER_LONG_K] >> (fd % BITS_PER_LONG_K)) & 1;
}

static void bit_set(uint64_t *set, int fd)
{
	set[fd / BITS_PER_LONG_K] |= 1UL << (fd % BITS_PER_LONG_K);
}

/* Linux core_sys_select(): -EBADF for a closed fd in any set, the sets
 * rewritten with the ready fds, untouched if interrupted. */
static long do_select(struct task *t, int n, uint64_t inp, uint64_t outp, uint64_t exp,
		      const struct ptimeout *to)
{
	uint64_t *in = NULL, *out = NULL, *ex = NULL, *res = NULL;
	uint64_t uaddr[3] = { inp, outp, exp };
	uint64_t **sets[3] = { &in, &out, &ex };
	static const unsigned int want[3] = { POLLIN_SET, POLLOUT_SET, POLLEX_SET };
	struct pentry *e = NULL;
	size_t words, bytes, ne = 0;
	long r;

	if (n < 0)
		return -EINVAL;
	/* Linux ignores bits beyond its fd table's capacity (max_fds), which
	 * depends on history (a table inherited from a shell that used fd
	 * 255 is bigger). Use at least FD_SETSIZE so that a closed fd in a
	 * plain fd_set is EBADF, as programs expect. */
	if (n > t->files->size && n > 1024)
		n = t->files->size > 1024 ? t->files->size : 1024;
	words = ((size_t)n + BITS_PER_LONG_K - 1) / BITS_PER_LONG_K;
	bytes = words * sizeof(uint64_t);
	for (int k = 0; k < 3; k++) {
		if (!uaddr[k] || !words)
			continue;
		*sets[k] = calloc(words, sizeof(uint64_t));
		if (!*sets[k]) {
			r = -ENOMEM;
			goto out;
		}
		if (copy_from_guest(t, *sets[k], uaddr[k], bytes) < 0) {
			r = -EFAULT;
			goto out;
		}
	}
	/* One entry per fd present in any set. */
	for (size_t w = 0; w < words; w++) {
		uint64_t any = (in ? in[w] : 0) | (out ? out[w] : 0) | (ex ? ex[w] : 0);

		ne += (size_t)__builtin_popcountll(any);
	}
	e = calloc(ne ? ne : 1, sizeof(*e));
	ne = 0;
	res = calloc(words ? words * 3 : 1, sizeof(uint64_t));
	if (!e || !res) {
		r = -ENOMEM;
		goto out;
	}
	for (int fd = 0; fd < n; fd++) {
		unsigned int interest = 0;

		for (int k = 0; k < 3; k++)
			if (bit_test(*sets[k], fd))
				interest |= want[k];
		if (!interest)
			continue;
		e[ne].f = fd_get(t->files, fd);
		if (!e[ne].f) {
			r = -EBADF;
			goto out;
		}
		e[ne].interest = interest;
		e[ne].fd = fd;
		ne++;
	}
	r = wait_to(t, e, ne, to);
	if (r >= 0) {
		r = 0;
		for (size_t i = 0; i < ne; i++) {
			for (int k = 0; k < 3; k++) {
				if (bit_test(*sets[k], e[i].fd) && (e[i].mask & want[k])) {
					bit_set(res + k * words, e[i].fd);
					r++;
				}
			}
		}
	}
	if (r == -EINTR) {
		r = -ERESTARTNOHAND;
		goto out;
	}
	for (int k = 0; k < 3; k++) {
		if (uaddr[k] && words && copy_to_guest(t, uaddr[k], res + k * words, bytes) < 0)
			r = -EFAULT;
	}
out:
	put_files(e, ne);
	free(e);
	free(res);
	free(in);
	free(out);
	free(ex);
	return r;
}

long sys_select(struct task *t, const struct syscall_args *a)
{
	struct ptimeout to = { .infinite = true };
	struct { int64_t sec, usec; } tv;
	long r;

	if (a->a[4]) {
		if (copy_from_guest(t, &tv, a->a[4], sizeof(tv)) < 0)
			return -EFAULT;
		/* Linux folds whole seconds of tv_usec into tv_sec. */
		if (set_timeout(&to, tv.sec + tv.usec / 1000000, (tv.usec % 1000000) * 1000) < 0)
			return -EINVAL;
	}
	r = do_select(t, (int)a->a[0], a->a[1], a->a[2], a->a[3], &to);
	return finish(t, &to, a->a[4], T_TIMEVAL, r);
}

long sys_pselect6(struct task *t, const struct syscall_args *a)
{
	struct ptimeout to = { .infinite = true };
	struct timespec ts;
	struct { uint64_t ss, len; } sig;
	long r;

	if (a->a[4]) {
		if (copy_from_guest(t, &ts, a->a[4], sizeof(ts)) < 0)
			return -EFAULT;
		if (set_timeout(&to, ts.tv_sec, ts.tv_nsec) < 0)
			return -EINVAL;
	}
	if (a->a[5]) {
		if (copy_from_guest(t, &sig, a->a[5], sizeof(sig)) < 0)
			return -EFAULT;
		r = set_sigmask(t, sig.ss, sig.len);
		if (r < 0)
			return r;
	}
	r = do_select(t, (int)a->a[0], a->a[1], a->a[2], a->a[3], &to);
	return finish(t, &to, a->a[4], T_TIMESPEC, r);
}
