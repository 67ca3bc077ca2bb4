/* The sentry's own seccomp filter (invariant 2): once the sandbox is set
 * up, and before any guest code runs, the sentry process may make only the
 * host syscalls listed here; anything else kills it. `runsc syscalls
 * --host-filter` prints the list. Shrinking it is a goal; each entry says
 * who needs it.
 *
 * Notes on the wider entries:
 *  - execveat is allowed only as execveat(fd, "", ..., AT_EMPTY_PATH): the
 *    ptrace platform starts its first stub from the sealed stub memfd.
 *    execve (by path) is not allowed.
 *  - openat only relative to a directory fd (never AT_FDCWD, never an
 *    absolute path that would matter: the sentry's root is an empty
 *    read-only tmpfs): the state dir writes of `runsc boot` at exit. The
 *    gofer is the only door to host files (invariant 3).
 *  - socket is not allowed: the sentry makes no host sockets in the default
 *    network mode; it accepts on its control socket, made before. With
 *    --network=host (only) build_hostnet adds the socket calls.
 *  - recvmmsg only on the --network=sandbox packet sockets (runsc/netconf.c
 *    opened them before); their sends are sendmsg, listed below.
 *  - prlimit64 only as getrlimit: prlimit64(0, resource, NULL, old).
 *  - clone3, set_robust_list and mremap are not allowed: they fail with an
 *    errno glibc copes with (see enosys[] and enomem[]).
 * Stub processes forked by the sentry inherit this filter on top of their
 * own (which is stricter for them); ptrace's PTRACE_SYSEMU stops come before
 * seccomp, so guest syscalls never meet it.
 *
 * RUNSC_HOST_FILTER=log logs instead of killing (the kernel's seccomp log,
 * see dmesg): how the list is kept complete. RUNSC_HOST_FILTER=off skips
 * the filter (debugging only; says so in the log). */
#define _GNU_SOURCE
#include "runsc/host_filter.h"
#include "runsc/netconf.h"
#include "platform/platform.h"
#include "sentry/log.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Every platform. Measured (RUNSC_HOST_FILTER=log over the conformance
 * suite on all three platforms and the e2e, OCI, podman, hostile and fuzz
 * suites): nothing outside this list and the rules below is called. */
static const int allowed[] = {
	/* memory: the memory file, guest page tables, stacks, malloc */
	SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mprotect), SCMP_SYS(madvise),
	SCMP_SYS(brk), SCMP_SYS(fallocate),
	/* fds the sentry holds: host stdio (read/write, or recv/send when a
	 * socket: fs/host.c), gofer-donated files, memfds; the console's
	 * signal pipe (made when a terminal fd arrives, as with `runsc exec
	 * -t`); writev is glibc's fatal-error message (the crash path) */
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(writev), SCMP_SYS(pread64),
	SCMP_SYS(pwrite64), SCMP_SYS(lseek), SCMP_SYS(close), SCMP_SYS(fcntl),
	SCMP_SYS(ioctl), SCMP_SYS(fsync), SCMP_SYS(fdatasync), SCMP_SYS(pipe2),
	/* fstat of held fds: glibc's fstat is newfstatat(fd, "", AT_EMPTY_PATH) */
	SCMP_SYS(newfstatat),
	/* waiting on host fds: the I/O thread, the control socket */
	SCMP_SYS(poll), SCMP_SYS(epoll_ctl), SCMP_SYS(epoll_wait),
	/* unix sockets made before the filter: gofer, control, console */
	SCMP_SYS(sendmsg), SCMP_SYS(recvmsg), SCMP_SYS(sendto), SCMP_SYS(recvfrom),
	SCMP_SYS(accept4), SCMP_SYS(shutdown), SCMP_SYS(getsockopt),
	/* `runsc boot`'s state dir at exit: lock, write a temporary, rename
	 * (openat has its rule below) */
	SCMP_SYS(flock), SCMP_SYS(renameat), SCMP_SYS(unlinkat),
	/* libunwind checks each frame's memory before reading it (crash path) */
	SCMP_SYS(mincore),
	/* threads and stub processes */
	SCMP_SYS(clone), SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(rseq),
	SCMP_SYS(futex), SCMP_SYS(sched_yield), SCMP_SYS(sched_getaffinity),
	SCMP_SYS(sched_setaffinity), SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(kill),
	SCMP_SYS(tgkill), SCMP_SYS(wait4),
	/* signals (the crash path: every thread dumps its stack in a handler) */
	SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn),
	SCMP_SYS(sigaltstack), SCMP_SYS(restart_syscall),
	/* time (the vDSO serves most, not CPU or alarm clocks; usleep is
	 * clock_nanosleep) */
	SCMP_SYS(clock_gettime), SCMP_SYS(clock_getres), SCMP_SYS(clock_nanosleep),
	/* misc: random numbers, the memory limit (sentry/mm.c) */
	SCMP_SYS(getrandom), SCMP_SYS(sysinfo),
};

/* Not allowed: they fail with ENOSYS and glibc 2.36 copes: pthread_create
 * falls back from clone3 to clone; a new thread ignores the result of its
 * set_robust_list (the sentry has no robust mutexes). rseq cannot go the
 * same way: once the main thread has registered at start-up, a new thread
 * whose registration fails aborts. */
static const int enosys[] = {
	SCMP_SYS(clone3), SCMP_SYS(set_robust_list),
};

/* Not allowed: it fails with ENOMEM and glibc's realloc of a large
 * (mmapped) block copies into a new one instead. (brk cannot go that way:
 * with brk failing, malloc's fallback to mmap for the main arena crashed
 * the sentry under tests/fuzz.) */
static const int enomem[] = { SCMP_SYS(mremap) };

/* Per platform, added at install time for the platform in use
 * (the_platform); `runsc --platform=X syscalls --host-filter` prints one.
 *
 * ptrace: tracing the stubs, and the first stub's start: fork, then in
 * the child fds in place, personality, exec of the stub memfd (the parent
 * reads a pipe until then); the stub (which keeps this filter under its
 * own) then sets its signal action, prctl, installs its own seccomp
 * filter and pauses. The calls the sentry injects into stubs (mmap,
 * munmap, mprotect, clone, close, exit) are in the common list. */
static const int ptrace_allowed[] = {
	SCMP_SYS(ptrace), SCMP_SYS(dup3), SCMP_SYS(close_range), SCMP_SYS(personality),
	SCMP_SYS(prctl), SCMP_SYS(seccomp), SCMP_SYS(pause),
};
/* systrap: a pidfd for each address space forked from the zygote. */
static const int systrap_allowed[] = { SCMP_SYS(pidfd_open) };
/* kvm: a vCPU thread drains its pending kick signal (consume_kick). */
static const int kvm_allowed[] = { SCMP_SYS(rt_sigtimedwait) };

static const struct plat_rules {
	const char *name;
	const int *nr;
	size_t n;
	bool execveat;	/* execveat(fd, "", ..., AT_EMPTY_PATH): the stub memfd */
} plats[] = {
	{ "ptrace", ptrace_allowed, NELEM(ptrace_allowed), true },
	{ "systrap", systrap_allowed, NELEM(systrap_allowed), false },
	{ "kvm", kvm_allowed, NELEM(kvm_allowed), false },
};

/* --network=host only: guest AF_INET/AF_INET6 sockets are host sockets
 * the sentry makes (net/hostinet.c). socket() is allowed for those two
 * families, stream and datagram types only (no raw sockets); the calls
 * that act on a socket fd the sentry holds come with it. Sends,
 * receives, accept4, shutdown, getsockopt and ioctl are in the list
 * above already. The default filter stays as it is. */
static bool hostnet;

static const int hostnet_allowed[] = {
	SCMP_SYS(bind), SCMP_SYS(connect), SCMP_SYS(listen), SCMP_SYS(getsockname),
	SCMP_SYS(getpeername), SCMP_SYS(setsockopt),
};

void host_filter_set_hostnet(bool on)
{
	hostnet = on;
}

static int build_hostnet(scmp_filter_ctx ctx)
{
	static const int fams[] = { AF_INET, AF_INET6 }, types[] = { SOCK_STREAM, SOCK_DGRAM };
	int e = 0;

	for (size_t i = 0; i < sizeof(hostnet_allowed) / sizeof(hostnet_allowed[0]) && !e; i++)
		e = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, hostnet_allowed[i], 0);
	for (size_t f = 0; f < 2 && !e; f++)
		for (size_t t = 0; t < 2 && !e; t++)
			e = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 2,
					     SCMP_A0_32(SCMP_CMP_EQ, (uint32_t)fams[f]),
					     SCMP_A1_32(SCMP_CMP_MASKED_EQ, 0xf, (uint32_t)types[t]));
	return e;
}

static void print_hostnet(FILE *out)
{
	for (size_t i = 0; i < sizeof(hostnet_allowed) / sizeof(hostnet_allowed[0]); i++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, hostnet_allowed[i]);

		fprintf(out, "%s with --network=host\n", name ? name : "?");
		free(name);
	}
	fprintf(out, "socket(AF_INET or AF_INET6, SOCK_STREAM or SOCK_DGRAM, ...) with --network=host\n");
}

static const struct plat_rules *plat_find(const char *name)
{
	for (size_t i = 0; name && i < NELEM(plats); i++)
		if (!strcmp(plats[i].name, name))
			return &plats[i];
	return NULL;
}

static int build(scmp_filter_ctx ctx, const struct plat_rules *pl)
{
	int e = 0;

	for (size_t i = 0; i < NELEM(allowed) && !e; i++)
		e = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
	for (size_t i = 0; i < NELEM(enosys) && !e; i++)
		e = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), enosys[i], 0);
	for (size_t i = 0; i < NELEM(enomem) && !e; i++)
		e = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOMEM), enomem[i], 0);
	for (size_t i = 0; pl && i < pl->n && !e; i++)
		e = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, pl->nr[i], 0);
	/* openat relative to a directory fd only; by path it fails with
	 * EACCES (glibc probes such as sysconf's /sys reads then fall back). */
	if (!e)
		e = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1,
				     SCMP_A0_32(SCMP_CMP_NE, (uint32_t)AT_FDCWD));
	if (!e)
		e = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(openat), 1,
				     SCMP_A0_32(SCMP_CMP_EQ, (uint32_t)AT_FDCWD));
	/* getrlimit (prlimit64(0, res, NULL, old)): init inherits runsc's
	 * limits (sentry/task.c); never a set, never another process. */
	if (!e)
		e = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 2,
				     SCMP_A0_32(SCMP_CMP_EQ, 0), SCMP_A2(SCMP_CMP_EQ, 0));
	/* The packet endpoint's batched receive, on its own fds only. */
	{
		int fds[16], n = netconf_packet_fds(fds, 16);

		for (int i = 0; i < n && !e; i++)
			e = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(recvmmsg), 1,
					     SCMP_A0_32(SCMP_CMP_EQ, (uint32_t)fds[i]));
	}
	if (!e && hostnet)
		e = build_hostnet(ctx);
	/* execveat(fd, "", argv, envp, AT_EMPTY_PATH) only: the stub memfd. */
	if (!e && (!pl || pl->execveat))
		e = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(execveat), 1,
				     SCMP_A4(SCMP_CMP_EQ, AT_EMPTY_PATH));
	return e;
}

int host_caps_drop(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { { 0 } };

	/* The bounding set first (that needs CAP_SETPCAP), then every set. */
	for (int cap = 0; cap <= 63; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return -errno;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -errno;
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -errno;
	return 0;
}

int host_filter_install(void)
{
	const char *mode = getenv("RUNSC_HOST_FILTER");
	scmp_filter_ctx ctx;
	int e;

	if (mode && !strcmp(mode, "off")) {
		swarn("host filter: off (RUNSC_HOST_FILTER=off): the sentry is not confined");
		return 0;
	}
	ctx = seccomp_init(mode && !strcmp(mode, "log") ? SCMP_ACT_LOG : SCMP_ACT_KILL_PROCESS);
	if (!ctx)
		return -ENOMEM;
	/* Our threads share the filter (TSYNC): none runs unconfined. */
	e = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (!e)
		e = build(ctx, plat_find(the_platform && the_platform->ops ? the_platform->ops->name : NULL));
	if (!e)
		e = seccomp_load(ctx);
	seccomp_release(ctx);
	return e;
}

static const char *print_platform;

void host_filter_set_platform(const char *name)
{
	print_platform = name;
}

static void print_sorted(FILE *out, const int *nr, size_t n, const char *suffix)
{
	const char *names[128];
	char *owned[128];

	if (n > 128)
		n = 128;
	for (size_t i = 0; i < n; i++) {
		owned[i] = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr[i]);
		names[i] = owned[i] ? owned[i] : "?";
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			const char *t = names[j];

			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s%s\n", names[i], suffix);
	for (size_t i = 0; i < n; i++)
		free(owned[i]);
}

static void print_names(FILE *out, const int *nr, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr[i]);

		fprintf(out, " %s", name ? name : "?");
		free(name);
	}
}

/* With --platform=NAME (ptrace, systrap, kvm) the list for that platform;
 * otherwise the common list and each platform's additions, marked. */
void host_filter_print(FILE *out)
{
	const struct plat_rules *only = plat_find(print_platform);
	char suffix[64];

	fprintf(out, "# host syscalls the sentry may make on %s (%zu on every platform, plus "
		     "openat, prlimit64 and recvmmsg with argument checks and the platform's own)\n",
		only ? only->name : "each platform", NELEM(allowed));
	print_sorted(out, allowed, NELEM(allowed), "");
	fprintf(out, "openat(dirfd != AT_FDCWD, ...)\n");
	fprintf(out, "prlimit64(0, resource, NULL, old)\n");
	fprintf(out, "recvmmsg(packet socket fd, ...) with --network=sandbox and interfaces\n");
	for (size_t p = 0; p < NELEM(plats); p++) {
		if (only && only != &plats[p])
			continue;
		snprintf(suffix, sizeof(suffix), only ? "" : " with --platform=%s", plats[p].name);
		print_sorted(out, plats[p].nr, plats[p].n, suffix);
		if (plats[p].execveat)
			fprintf(out, "execveat(fd, \"\", argv, envp, AT_EMPTY_PATH)%s\n", suffix);
	}
	if (hostnet)
		print_hostnet(out);
	fprintf(out, "# not allowed, fail with ENOSYS (glibc falls back):");
	print_names(out, enosys, NELEM(enosys));
	fprintf(out, "\n# not allowed, fail with ENOMEM (malloc falls back):");
	print_names(out, enomem, NELEM(enomem));
	fprintf(out, "\n");
}
