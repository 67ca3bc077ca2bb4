/* Random-syscall robustness test: a static guest program that issues many
 * system calls with random numbers and hostile arguments (seeded, so a run
 * is reproducible) and counts the results; the sandbox must survive it.
 * usage: randsys [-v] [-tN] [ITERS] [SEED] [CANARY]   -- only in a sandbox;
 * -v prints each call before making it, -tN runs N threads (seeds SEED+k).
 * Calls that would legitimately end, stall or corrupt this program are
 * skipped or have their arguments tamed (see tame()). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/* Names and argument kinds, from the sentry's own table (one letter per
 * argument: i int, u unsigned, x unknown, s path, p pointer, f fd, o mode). */
enum { UNIMPLEMENTED, PARTIAL, SUPPORTED };
struct sysinfo_row {
	const char *name;
	const char *fmt;
	int status;
};
#define SYSCALL(nr, name, st, fmt) [nr] = { #name, fmt, st },
static const struct sysinfo_row rows[] = {
#include "syscalls/syscalls.def"
};
#undef SYSCALL
#define NROWS ((long)(sizeof(rows) / sizeof(rows[0])))

#define BUF_SIZE (64 * 1024)
#define ARENA_SIZE (1024 * 1024)
#define OUTFD 99	/* our own report channel; never handed to a call */
#define NPATHS 16

static __thread uint64_t rng_state;	/* each thread its own sequence */
static char *buf;	/* RW scratch, a PROT_NONE page after it */
static char *ro;	/* one read-only page */
static char *arena;	/* target of munmap/mprotect/madvise/mremap */
static uintptr_t brk0;	/* the break at start: brk may only grow */
static char *paths[NPATHS];
static const char *canary = "/nonexistent/canary";
static int verbose, nthreads = 1;
static long counts[4096 + 1];	/* [0] success, [e] -errno e */
static long per_nr_ok[512], per_nr_calls[512];
static long skipped, forks;

/* Mappings the random calls made (mmap, mremap results): fair targets for
 * munmap/mprotect/mremap and pointers, since nothing of ours lives there. */
#define NMAPS 16
static __thread struct { uint64_t addr, len; } maps[NMAPS];
static __thread unsigned nmaps_made;

static uint64_t rnd(void)
{
	/* xorshift64*: small, seedable, good enough to pick arguments. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static void out(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 1)
		n = sizeof(line) - 1;
	if (write(OUTFD, line, n) < 0 && write(2, line, n) < 0)
		_exit(3);
}

/* Refill the scratch buffer: random bytes, NUL-terminated path strings,
 * a few valid-looking structures (iovecs into buf, zero timespecs). */
static void refill(void)
{
	struct iovec *iov = (struct iovec *)(buf + 1024);
	size_t i;

	for (i = 0; i < BUF_SIZE; i += 8) {
		uint64_t v = rnd();

		memcpy(buf + i, &v, 8);
	}
	memset(buf, 0, 1024);		/* zeroed structs: timespecs, sigsets */
	for (i = 0; i < 8; i++) {
		iov[i].iov_base = buf + 4096 + below(BUF_SIZE - 8192);
		iov[i].iov_len = below(3) ? below(4096) : rnd();
	}
	for (i = 0; i < NPATHS; i++)
		memcpy(buf + 8192 + i * 256, paths[i], strlen(paths[i]) + 1);
}

/* A pointer: mostly into our own buffers, sometimes wild. */
static uint64_t rand_ptr(void)
{
	static const uint64_t wild[] = {
		0, 1, 0xfff, 0x1000, 0x400000, 0x7fffffffefff, 0x7ffffffff000,
		0x800000000000ull, 0xffff800000000000ull, 0xffffffffff600000ull,
		0xfffffffffffff000ull, ~0ull, 0x7ffffff00000ull /* the stub */,
	};

	switch (below(10)) {
	case 0: case 1: case 2:
		return (uintptr_t)buf + below(BUF_SIZE);
	case 3:
		return (uintptr_t)buf + BUF_SIZE - below(64);	/* straddles the guard */
	case 4:
		return (uintptr_t)buf + 8192 + below(NPATHS) * 256;	/* a path */
	case 5:
		return (uintptr_t)ro + below(4096);
	case 6:
		if (nmaps_made && below(2)) {
			unsigned m = below(nmaps_made < NMAPS ? nmaps_made : NMAPS);

			return maps[m].addr + below(maps[m].len < 65536 ? maps[m].len : 65536);
		}
		return (uintptr_t)arena + (below(ARENA_SIZE) & ~4095ul);
	case 7:
		return (uintptr_t)&rand_ptr;	/* our text: not writable */
	case 8:
		return wild[below(sizeof(wild) / sizeof(wild[0]))];
	default:
		return rnd();
	}
}

static uint64_t rand_int(void)
{
	switch (below(12)) {
	case 0: return 0;
	case 1: return 1;
	case 2: return (uint64_t)-1;
	case 3: return below(16);
	case 4: return below(256);
	case 5: return 1ull << below(64);
	case 6: return (uint32_t)rnd();
	case 7: return rnd();
	case 8: return 0x7fffffff;
	case 9: return (uint64_t)(int64_t)INT32_MIN;
	case 10: return 4096 * below(64);
	default: return (uint64_t)-100;	/* AT_FDCWD */
	}
}

static uint64_t rand_fd(void)
{
	switch (below(8)) {
	case 0: return (uint64_t)-1;
	case 1: return (uint64_t)-100;
	case 2: return rnd();
	default: return below(20);
	}
}

static uint64_t rand_len(void)
{
	switch (below(8)) {
	case 0: return 0;
	case 1: return below(64);
	case 2: return below(4096);
	case 3: return 4096;
	case 4: return BUF_SIZE;
	case 5: return 1ull << (31 + below(33));
	case 6: return (uint64_t)-1;
	default: return below(BUF_SIZE);
	}
}

static uint64_t rand_arg(char kind)
{
	switch (kind) {
	case 'p': case 's':
		return below(8) ? rand_ptr() : rand_int();
	case 'f':
		return below(8) ? rand_fd() : rand_int();
	case 'u':
		return below(2) ? rand_len() : rand_int();
	case 'i': case 'o':
		return rand_int();
	default:
		switch (below(4)) {
		case 0: return rand_ptr();
		case 1: return rand_len();
		case 2: return rand_fd();
		default: return rand_int();
		}
	}
}

static long nr_of(const char *name)
{
	for (long i = 0; i < NROWS; i++)
		if (rows[i].name && !strcmp(rows[i].name, name))
			return i;
	return -1;
}

static unsigned char never[512];	/* 1: skipped outright */
static long NR_fork, NR_fcntl, NR_close_range, NR_clone, NR_vfork;
static long implemented[512], nimplemented;	/* rows not UNIMPLEMENTED */

/* Calls that would end us (exit, exec, signals to ourselves), stall us
 * (blocking waits with no waker), or break our own state (TLS, signal
 * handlers, seccomp, the text we run) are skipped; a few more that are
 * host-administrative are skipped so a sentry bug cannot hurt the host. */
static const char *const skip_names[] = {
	"exit", "exit_group", "rt_sigreturn", "pause", "rt_sigsuspend",
	"clone3", "execve", "execveat", "set_tid_address",
	"futex_waitv", "futex_wait", "futex_requeue", "semop",
	"io_uring_enter", "userfaultfd", "seccomp", "ptrace",
	"setrlimit", "alarm", "setitimer", "timer_create", "timer_settime",
	"restart_syscall", "chdir", "fchdir", "chroot", "pivot_root",
	"reboot", "kexec_load", "kexec_file_load", "init_module",
	"finit_module", "delete_module", "swapon", "swapoff", "acct",
	"settimeofday", "clock_settime", "adjtimex", "clock_adjtime",
	"brk", "remap_file_pages", "shmat", "rseq", "modify_ldt",
	"set_robust_list", "mseal",
	NULL,
};

static void init_skips(void)
{
	for (int i = 0; skip_names[i]; i++) {
		long nr = nr_of(skip_names[i]);

		if (nr >= 0)
			never[nr] = 1;
	}
	for (long nr = 0; nr < NROWS; nr++)
		if (rows[nr].name && rows[nr].status != UNIMPLEMENTED)
			implemented[nimplemented++] = nr;
	if (!nimplemented)
		implemented[nimplemented++] = nr_of("getpid");
	NR_fork = nr_of("fork");
	NR_clone = nr_of("clone");
	NR_vfork = nr_of("vfork");
	NR_fcntl = nr_of("fcntl");
	NR_close_range = nr_of("close_range");
}

static int is_nr(long nr, const char *name)
{
	return nr >= 0 && nr < NROWS && rows[nr].name && !strcmp(rows[nr].name, name);
}

static int protected_fd(uint64_t fd)
{
	return (int)fd >= 0 && (int)fd <= 2;
}

/* Adjust the arguments of calls that are safe only with some arguments;
 * returns 0 to skip the call. */
static int tame(long nr, uint64_t *a)
{
	if (nr < 0 || nr >= NROWS)
		return 1;
	if (never[nr])
		return 0;
	if (is_nr(nr, "close") || is_nr(nr, "shutdown"))
		return !protected_fd(a[0]);
	if (is_nr(nr, "dup2") || is_nr(nr, "dup3"))
		return !protected_fd(a[1]);
	if (nr == NR_close_range) {
		a[0] = (uint32_t)a[0];	/* the kernel takes unsigned ints */
		a[1] = (uint32_t)a[1];
		if (a[0] < 3)
			a[0] = 3;
		if (a[0] <= OUTFD && a[1] >= OUTFD)
			a[1] = OUTFD - 1;
		return 1;
	}
	if (is_nr(nr, "mmap")) {
		a[3] &= ~(uint64_t)(MAP_FIXED | MAP_GROWSDOWN);
		return 1;
	}
	if (is_nr(nr, "munmap") || is_nr(nr, "mprotect") || is_nr(nr, "madvise") ||
	    is_nr(nr, "pkey_mprotect") || is_nr(nr, "mremap") ||
	    is_nr(nr, "process_madvise") || is_nr(nr, "mlock") ||
	    is_nr(nr, "mlock2") || is_nr(nr, "munlock") || is_nr(nr, "msync") ||
	    is_nr(nr, "mbind") || is_nr(nr, "map_shadow_stack")) {
		/* Only the arena or a mapping a random call made; a length
		 * that stays inside it. */
		uint64_t base = (uintptr_t)arena, size = ARENA_SIZE, off;

		if (is_nr(nr, "process_madvise"))
			return 0;
		if (nmaps_made && below(2)) {
			unsigned m = below(nmaps_made < NMAPS ? nmaps_made : NMAPS);

			base = maps[m].addr;
			size = maps[m].len;
		}
		off = below(size / 4096) * 4096 + (below(8) ? 0 : below(4096));
		if (off > size)
			off = 0;
		a[0] = base + off;
		if (a[1] > size - off)
			a[1] = below(size - off + 1);
		if (is_nr(nr, "mremap")) {
			/* Never MREMAP_FIXED: the new place is the kernel's. */
			a[3] &= ~(uint64_t)2;
			a[4] = 0;
			if (a[2] > (1ul << 30))
				a[2] = below(1ul << 20);
		}
		return 1;
	}
	/* Calls that may wait get a timeout of 1 us (a timespec in the
	 * read-only page, so no call can lengthen it) or a don't-wait flag. */
	{
		static const struct { const char *name; int arg; } timeouts[] = {
			{ "nanosleep", 0 }, { "clock_nanosleep", 2 }, { "ppoll", 2 },
			{ "pselect6", 4 }, { "select", 4 }, { "epoll_pwait2", 3 },
			{ "futex", 3 }, { "rt_sigtimedwait", 2 }, { "semtimedop", 3 },
			{ "mq_timedreceive", 4 }, { "mq_timedsend", 4 },
			{ "io_getevents", 4 }, { "io_pgetevents", 4 },
		};
		static const struct { const char *name; int arg; uint64_t flag; } nowait[] = {
			{ "poll", 2, 0 }, { "epoll_wait", 3, 0 }, { "epoll_pwait", 3, 0 },
			{ "flock", 1, 4 /* LOCK_NB */ }, { "msgsnd", 3, 04000 /* IPC_NOWAIT */ },
			{ "msgrcv", 4, 04000 },
		};

		/* Not a process CPU clock (2, or a negative pid clock): we
		 * would wait for CPU time that nobody spends. */
		if (is_nr(nr, "clock_nanosleep")) {
			static const int clocks[] = { 0, 1, 3, 4, 5, 6, 7, 8, 9, 11, 12, 1000 };

			a[0] = (uint64_t)clocks[below(sizeof(clocks) / sizeof(clocks[0]))];
		}
		/* A mask a call installs while it waits would let pending
		 * signals in: always the full one (ro + 32, or the
		 * {mask, size} pair at ro + 48). */
		if (is_nr(nr, "ppoll"))
			a[3] = (uintptr_t)ro + 32;
		if (is_nr(nr, "epoll_pwait") || is_nr(nr, "epoll_pwait2"))
			a[4] = (uintptr_t)ro + 32;
		if (is_nr(nr, "pselect6") || is_nr(nr, "io_pgetevents"))
			a[5] = (uintptr_t)ro + 48;
		for (size_t k = 0; k < sizeof(timeouts) / sizeof(timeouts[0]); k++)
			if (is_nr(nr, timeouts[k].name)) {
				/* select takes a timeval: {0, 1} at ro + 16. */
				a[timeouts[k].arg] = (uintptr_t)ro + (is_nr(nr, "select") ? 16 : 0);
				return 1;
			}
		for (size_t k = 0; k < sizeof(nowait) / sizeof(nowait[0]); k++)
			if (is_nr(nr, nowait[k].name)) {
				if (nowait[k].flag)
					a[nowait[k].arg] |= nowait[k].flag;
				else
					a[nowait[k].arg] = 0;
				return 1;
			}
	}
	/* Signals: every one is blocked, so only SIGKILL and SIGSTOP could
	 * act; the rest stay pending (or are taken by rt_sigtimedwait). */
	{
		static const struct { const char *name; int arg; } sends[] = {
			{ "kill", 1 }, { "tkill", 1 }, { "tgkill", 2 },
			{ "rt_sigqueueinfo", 1 }, { "rt_tgsigqueueinfo", 2 },
			{ "pidfd_send_signal", 1 },
		};

		for (size_t k = 0; k < sizeof(sends) / sizeof(sends[0]); k++)
			if (is_nr(nr, sends[k].name)) {
				int sig = (int)a[sends[k].arg];

				/* 32: glibc unblocks it in every new thread. */
				if (sig == SIGKILL || sig == SIGSTOP || sig == 32 || sig == 33)
					a[sends[k].arg] = SIGUSR1;
				return 1;
			}
		if (is_nr(nr, "rt_sigprocmask")) {
			a[0] = SIG_BLOCK;	/* never unblock */
			return 1;
		}
	}
	/* Descriptors are non-blocking from birth: with threads, another
	 * thread could read a new pipe before after() sets O_NONBLOCK. The
	 * calls that take no flags are left out when threads run. */
	{
		static const struct { const char *name; int arg; uint64_t flag; } nb[] = {
			{ "pipe2", 1, O_NONBLOCK }, { "socket", 1, 04000 /* SOCK_NONBLOCK */ },
			{ "socketpair", 1, 04000 }, { "accept4", 3, 04000 },
			{ "eventfd2", 1, 04000 /* EFD_NONBLOCK */ }, { "signalfd4", 3, 04000 },
			{ "timerfd_create", 1, 04000 }, { "inotify_init1", 0, 04000 },
			{ "pidfd_open", 1, 04000 }, { "open", 1, O_NONBLOCK },
			{ "openat", 2, O_NONBLOCK }, { "fanotify_init", 0, 2 /* FAN_NONBLOCK */ },
		};
		static const char *const noflags[] = {
			"pipe", "accept", "eventfd", "signalfd", "inotify_init", "creat",
		};

		for (size_t k = 0; k < sizeof(nb) / sizeof(nb[0]); k++)
			if (is_nr(nr, nb[k].name)) {
				a[nb[k].arg] |= nb[k].flag;
				return 1;
			}
		for (size_t k = 0; nthreads > 1 && k < sizeof(noflags) / sizeof(noflags[0]); k++)
			if (is_nr(nr, noflags[k]))
				return 0;
	}
	if (nr == NR_clone) {
		/* Any flags, but the child's exit signal must not be a fatal
		 * one sent to us. The child touches no memory (see
		 * raw_clone), so any stack, even ours, is fine. */
		a[0] = (a[0] & ~0xffUL) | (below(2) ? SIGCHLD : 0);
		return 1;
	}
	if (is_nr(nr, "rt_sigaction")) {
		/* Only signals nobody sends us: a random handler never runs. */
		static const int sigs[] = { SIGUSR1, SIGUSR2, 40, 50, 0, 9, 19, 65, -1 };

		a[0] = (uint64_t)(int64_t)sigs[below(sizeof(sigs) / sizeof(sigs[0]))];
		return 1;
	}
	if (is_nr(nr, "arch_prctl"))
		return a[0] != 0x1001 && a[0] != 0x1002;	/* ARCH_SET_GS/FS */
	if (is_nr(nr, "prctl")) {
		/* PR_SET_SECCOMP, PR_SET_MM, PR_SET_TSC, PR_SET_PDEATHSIG */
		return a[0] != 22 && a[0] != 35 && a[0] != 26 && a[0] != 1;
	}
	if (is_nr(nr, "prlimit64")) {
		a[2] = 0;	/* read only: never lower a limit */
		return 1;
	}
	if (is_nr(nr, "wait4")) {
		a[2] |= 1;	/* WNOHANG */
		return 1;
	}
	if (is_nr(nr, "waitid")) {
		a[3] |= 1;	/* WNOHANG */
		return 1;
	}
	if (nr == NR_fcntl) {
		/* Blocking locks could wait on ourselves; O_ASYNC would send
		 * SIGIO. */
		if (a[1] == 7 || a[1] == 38)	/* F_SETLKW, F_OFD_SETLKW */
			return 0;
		if (a[1] == 4)	/* F_SETFL: keep O_NONBLOCK */
			a[2] = (a[2] & ~(uint64_t)O_ASYNC) | O_NONBLOCK;
		return 1;
	}
	if (is_nr(nr, "ioctl")) {
		/* FIONBIO could make a fd block; FIOASYNC would send SIGIO. */
		if ((uint32_t)a[1] == 0x5421 || (uint32_t)a[1] == 0x5452)
			return 0;
		return 1;
	}
	if (is_nr(nr, "splice") || is_nr(nr, "tee") || is_nr(nr, "vmsplice")) {
		int fl = is_nr(nr, "splice") ? 5 : 3;

		a[fl] |= 2;	/* SPLICE_F_NONBLOCK */
		return 1;
	}
	if (is_nr(nr, "mknod") || is_nr(nr, "mknodat")) {
		/* A FIFO would make a later open block. */
		int m = is_nr(nr, "mknod") ? 1 : 2;

		if ((a[m] & S_IFMT) == S_IFIFO)
			a[m] &= ~(uint64_t)S_IFMT;
		return 1;
	}
	return 1;
}

/* clone and vfork: the child, on whatever stack and sharing whatever it
 * was given, exits at once without touching memory (a vfork or CLONE_VM
 * child that returned through C code would corrupt our stack). */
static long raw_clone(long nr, const uint64_t *a)
{
	register uint64_t r10 __asm__("r10") = a[3];
	register uint64_t r8 __asm__("r8") = a[4];
	long ret;

	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "mov $60, %%eax\n\t"	/* exit(0): this thread only */
			 "xor %%edi, %%edi\n\t"
			 "syscall\n\t"
			 "ud2\n"
			 "1:"
			 : "=a"(ret)
			 : "a"(nr), "D"(a[0]), "S"(a[1]), "d"(a[2]), "r"(r10), "r"(r8)
			 : "rcx", "r11", "memory");
	return ret;
}

/* New descriptors are made non-blocking at once, so a later random read,
 * write, accept or connect cannot stall us. */
static long maxfd = 3;	/* highest descriptor number seen */

static void nonblock(long fd)
{
	long fl;

	if (fd < 0 || fd > 65535 || fd == OUTFD)
		return;
	if (fd > maxfd)
		maxfd = fd;
	fl = syscall(SYS_fcntl, fd, F_GETFL);
	if (fl >= 0 && !(fl & O_NONBLOCK))
		syscall(SYS_fcntl, fd, F_SETFL, fl | O_NONBLOCK);
}

static int in_buf(uint64_t p, size_t len)
{
	return p >= (uintptr_t)buf && p + len <= (uintptr_t)buf + BUF_SIZE;
}

static void after(long nr, const uint64_t *a, long ret)
{
	const char *n = rows[nr].name;
	int fds[2];

	if (ret < 0 || !n)
		return;
	if ((!strcmp(n, "mmap") || !strcmp(n, "mremap")) && !(ret & 4095)) {
		uint64_t len = ((strcmp(n, "mmap") ? a[2] : a[1]) + 4095) & ~4095ul;

		if (len) {
			maps[nmaps_made % NMAPS].addr = (uint64_t)ret;
			maps[nmaps_made % NMAPS].len = len;
			nmaps_made++;
		}
		return;
	}
	if (!strcmp(n, "pipe") || !strcmp(n, "pipe2") || !strcmp(n, "socketpair")) {
		uint64_t p = strcmp(n, "socketpair") ? a[0] : a[3];

		if (in_buf(p, sizeof(fds))) {
			memcpy(fds, (void *)p, sizeof(fds));
			if (fds[0] > maxfd)
				maxfd = fds[0];
			if (fds[1] > maxfd)
				maxfd = fds[1];
			nonblock(fds[0]);
			nonblock(fds[1]);
		} else {
			/* The numbers went somewhere we cannot read safely:
			 * the new pair is among the lowest free numbers. */
			for (long fd = 3; fd <= maxfd + 2 && fd < 4096; fd++)
				nonblock(fd);
			maxfd += 2;
		}
		return;
	}
	if (strstr(n, "open") || strstr(n, "dup") || strstr(n, "socket") ||
	    strstr(n, "accept") || strstr(n, "fd") || strstr(n, "create") ||
	    strstr(n, "inotify_init") || !strcmp(n, "creat") ||
	    !strcmp(n, "fsmount") || !strcmp(n, "fspick") || nr == NR_fcntl)
		nonblock(nr == NR_fcntl ? (long)a[0] : ret);
	if (nr == NR_fcntl)
		nonblock(ret);
}

static int cmp_count(const void *x, const void *y)
{
	long a = counts[*(const int *)x], b = counts[*(const int *)y];

	return a < b ? 1 : a > b ? -1 : 0;
}

static void summary(long iters, uint64_t seed)
{
	int idx[4097], n = 0;
	long ok_nrs = 0, tried = 0;

	for (int e = 0; e <= 4096; e++)
		if (counts[e])
			idx[n++] = e;
	qsort(idx, n, sizeof(idx[0]), cmp_count);
	out("randsys seed %llu: %ld calls, %ld skipped, %ld forks, clones, vforks\n",
	    (unsigned long long)seed, iters - skipped, skipped, forks);
	for (int i = 0; i < n; i++) {
		if (idx[i] == 0)
			out("  %-14s %ld\n", "success", counts[0]);
		else if (strerrorname_np(idx[i]))
			out("  %-14s %ld\n", strerrorname_np(idx[i]), counts[idx[i]]);
		else	/* e.g. a kernel-internal ERESTART* that leaked */
			out("  errno %-8d %ld\n", idx[i], counts[idx[i]]);
	}
	for (int i = 0; i < 512; i++) {
		tried += per_nr_calls[i] > 0;
		ok_nrs += per_nr_ok[i] > 0;
	}
	out("  %ld distinct syscall numbers called, %ld succeeded at least once\n",
	    tried, ok_nrs);
}

struct worker {
	int id;
	long iters;
	uint64_t seed;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	long i, iters = w->iters;

	rng_state = w->seed * 0x9e3779b97f4a7c15ull + 1;
	for (i = 0; i < iters; i++) {
		uint64_t a[6];
		const char *fmt;
		long nr, ret;

		if (i % 64 == 0)
			refill();
		switch (below(50)) {
		case 0:
			nr = rnd();	/* anything, even negative */
			break;
		case 1:
			nr = 335 + below(100);	/* the gap below 424 */
			break;
		case 2: case 3: case 4: case 5: case 6: case 7: case 8:
		case 9: case 10: case 11: case 12: case 13: case 14: case 15:
		case 16: case 17: case 18: case 19: case 20: case 21: case 22:
		case 23: case 24: case 25: case 26: case 27: case 28: case 29:
			/* Most calls go where the sentry has code to break. */
			nr = implemented[below(nimplemented)];
			break;
		default:
			nr = below(NROWS + 8);
		}
		fmt = nr >= 0 && nr < NROWS && rows[nr].name ? rows[nr].fmt : "xxxxxx";
		for (int k = 0; k < 6; k++) {
			a[k] = rand_arg(fmt[k] ? fmt[k] : 'x');
			if (a[k] == OUTFD)
				a[k]++;
		}
		if (!tame(nr, a)) {
			__atomic_fetch_add(&skipped, 1, __ATOMIC_RELAXED);
			continue;
		}
		if (verbose)
			out("%d.%ld: %ld %s(%#llx, %#llx, %#llx, %#llx, %#llx, %#llx)\n", w->id, i, nr,
			    nr >= 0 && nr < NROWS && rows[nr].name ? rows[nr].name : "?",
			    (unsigned long long)a[0], (unsigned long long)a[1],
			    (unsigned long long)a[2], (unsigned long long)a[3],
			    (unsigned long long)a[4], (unsigned long long)a[5]);
		if (nr == NR_clone || nr == NR_vfork) {
			ret = raw_clone(nr, a);
			if (ret > 0)
				__atomic_fetch_add(&forks, 1, __ATOMIC_RELAXED);
		} else {
			ret = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
			if (ret == -1)
				ret = -errno;
		}
		if (verbose)
			out("%d.  = %ld\n", w->id, ret);
		if (nr == NR_fork && ret == 0)
			syscall(SYS_exit, 0);	/* the child of a random fork */
		if (nr == NR_fork && ret > 0)
			__atomic_fetch_add(&forks, 1, __ATOMIC_RELAXED);
		if (ret >= 0)
			__atomic_fetch_add(&counts[0], 1, __ATOMIC_RELAXED);
		else if (-ret <= 4096)
			__atomic_fetch_add(&counts[-ret], 1, __ATOMIC_RELAXED);
		if (nr >= 0 && nr < 512) {
			__atomic_fetch_add(&per_nr_calls[nr], 1, __ATOMIC_RELAXED);
			__atomic_fetch_add(&per_nr_ok[nr], ret >= 0, __ATOMIC_RELAXED);
			if (nr < NROWS)
				after(nr, a, ret);
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	long iters = 100000;
	uint64_t seed = 1;
	char cwd[200];
	sigset_t all;
	int argi = 1, fd;

	for (; argi < argc && argv[argi][0] == '-'; argi++) {
		if (!strcmp(argv[argi], "-v"))
			verbose = 1;
		else if (!strncmp(argv[argi], "-t", 2))
			nthreads = atoi(argv[argi] + 2);
	}
	if (nthreads < 1 || nthreads > 16)
		nthreads = 1;
	if (argc > argi)
		iters = strtol(argv[argi], NULL, 0);
	if (argc > argi + 1)
		seed = strtoull(argv[argi + 1], NULL, 0);
	if (argc > argi + 2)
		canary = argv[argi + 2];
	if (!getenv("RANDSYS_IN_SANDBOX")) {
		fprintf(stderr, "randsys: refusing to run without RANDSYS_IN_SANDBOX=1: "
				"random syscalls as root on the host are dangerous\n");
		return 2;
	}
	rng_state = seed * 0x9e3779b97f4a7c15ull + 1;	/* for setup only */

	/* Our report channel, then stdio on /dev/null where we can. */
	if (fcntl(1, F_DUPFD, OUTFD) != OUTFD && dup2(1, OUTFD) != OUTFD) {
		perror("randsys: dup stdout");
		return 2;
	}
	fd = open("/dev/null", O_RDWR);
	if (fd < 0)
		fd = open("/dev/null", O_RDONLY);
	if (fd >= 0) {
		for (int k = 0; k < 3; k++)
			if (fd != k)
				dup2(fd, k);
		if (fd > 2)
			close(fd);
	}

	/* Block what can be blocked; SIGPIPE ignored in case blocking is
	 * not there (a closed pipe must not end the run). */
	/* All 64 bits: glibc's sigfillset leaves out its own 32 and 33. */
	memset(&all, 0xff, sizeof(all));
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR ||
	    syscall(SYS_rt_sigprocmask, SIG_BLOCK, &all, NULL, 8)) {
		/* A sandbox without signal masks: no pipes or sockets, whose
		 * EPIPE would come with a fatal SIGPIPE. */
		static const char *const epipe[] = { "pipe", "pipe2", "socketpair", "socket" };

		for (size_t k = 0; k < sizeof(epipe) / sizeof(epipe[0]); k++)
			if (nr_of(epipe[k]) >= 0)
				never[nr_of(epipe[k])] = 1;
		out("randsys: cannot block signals (%s): pipes and sockets skipped\n",
		    strerror(errno));
	}

	buf = mmap(NULL, BUF_SIZE + 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	arena = mmap(NULL, ARENA_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED || ro == MAP_FAILED || arena == MAP_FAILED) {
		out("randsys: mmap failed\n");
		return 2;
	}
	mprotect(buf + BUF_SIZE, 4096, PROT_NONE);
	memset(ro, 'r', 4096);
	{
		struct timespec ts = { 0, 1000 };
		struct timeval tv = { 0, 1 };

		uint64_t mask[2] = { ~0ull, 8 }, pair[2] = { (uintptr_t)ro + 32, 8 };

		memcpy(ro, &ts, sizeof(ts));
		memcpy(ro + 16, &tv, sizeof(tv));
		memcpy(ro + 32, mask, 8);
		memcpy(ro + 48, pair, sizeof(pair));
	}
	mprotect(ro, 4096, PROT_READ);
	brk0 = syscall(SYS_brk, 0);

	if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, ".");
	{
		static char store[NPATHS][256];
		const char *rel[] = { "", "/f", "/d", "/d/x", "/l", "/..", "/d/../f" };
		int k = 0;

		for (size_t r = 0; r < sizeof(rel) / sizeof(rel[0]); r++, k++)
			snprintf(store[k], 256, "%s%s", cwd, rel[r]);
		strcpy(store[k++], ".");
		strcpy(store[k++], "");
		strcpy(store[k++], "f");
		strcpy(store[k++], "/dev/null");
		strcpy(store[k++], "/proc/self/maps");
		strcpy(store[k++], "/nonexistent/a");
		snprintf(store[k++], 256, "%s", canary);
		memset(store[k], 'a', 255);	/* a 255-byte name */
		k++;
		strcpy(store[k++], "d/x");
		for (k = 0; k < NPATHS; k++)
			paths[k] = store[k];
	}
	init_skips();
	out("randsys seed %llu iters %ld pid %d\n", (unsigned long long)seed, iters, getpid());

	if (nthreads > 1) {
		/* Threads: the same calls racing in one address space, fd
		 * table and signal state; thread k uses seed + k. */
		static pthread_t tids[16];
		static struct worker w[16];

		for (int k = 1; k < nthreads; k++) {
			w[k] = (struct worker){ k, iters / nthreads, seed + (uint64_t)k };
			if (pthread_create(&tids[k], NULL, worker_main, &w[k])) {
				out("randsys: no thread %d: running %d\n", k, k);
				nthreads = k;
				break;
			}
		}
		w[0] = (struct worker){ 0, iters - (iters / nthreads) * (nthreads - 1), seed };
		worker_main(&w[0]);
		for (int k = 1; k < nthreads; k++)
			pthread_join(tids[k], NULL);
	} else {
		struct worker w0 = { 0, iters, seed };

		worker_main(&w0);
	}
	/* Reap random forks' children. */
	while (syscall(SYS_wait4, -1, NULL, 1 /* WNOHANG */, NULL) > 0)
		;
	summary(iters, seed);
	out("done\n");
	return 0;
}
