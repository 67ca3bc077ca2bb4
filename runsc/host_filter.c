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
 *    opened them before); their sends are sendmsg, listed above.
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

static const int allowed[] = {
	/* memory: the memory file, guest page tables, stacks */
	SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mprotect), SCMP_SYS(mremap),
	SCMP_SYS(madvise), SCMP_SYS(brk), SCMP_SYS(fallocate), SCMP_SYS(ftruncate),
	SCMP_SYS(mincore), SCMP_SYS(msync), SCMP_SYS(membarrier),
	/* fds the sentry holds: host stdio, gofer-donated files, memfds */
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(pread64), SCMP_SYS(pwrite64),
	SCMP_SYS(readv), SCMP_SYS(writev), SCMP_SYS(preadv), SCMP_SYS(pwritev),
	SCMP_SYS(preadv2), SCMP_SYS(pwritev2), SCMP_SYS(lseek), SCMP_SYS(close),
	SCMP_SYS(close_range), SCMP_SYS(dup), SCMP_SYS(dup2), SCMP_SYS(dup3), SCMP_SYS(fcntl),
	SCMP_SYS(ioctl), SCMP_SYS(fstat), SCMP_SYS(fstatfs), SCMP_SYS(fsync),
	SCMP_SYS(fdatasync), SCMP_SYS(sync_file_range), SCMP_SYS(sendfile),
	SCMP_SYS(copy_file_range), SCMP_SYS(splice), SCMP_SYS(flock),
	SCMP_SYS(pipe2), SCMP_SYS(eventfd2), SCMP_SYS(memfd_create),
	/* waiting on host fds: the I/O thread, the control socket */
	SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(select), SCMP_SYS(pselect6),
	SCMP_SYS(epoll_create1), SCMP_SYS(epoll_ctl), SCMP_SYS(epoll_wait),
	SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_pwait2),
	/* unix sockets made before the filter: gofer, control, console */
	SCMP_SYS(sendmsg), SCMP_SYS(recvmsg), SCMP_SYS(sendto), SCMP_SYS(recvfrom),
	SCMP_SYS(accept4), SCMP_SYS(shutdown), SCMP_SYS(getsockopt),
	/* batched host I/O (liburing) */
	SCMP_SYS(io_uring_enter), SCMP_SYS(io_uring_register),
	/* fstat of held fds (glibc's fstat is newfstatat(fd, "", AT_EMPTY_PATH))
	 * and the state dir writes at exit (see above; openat has its rule) */
	SCMP_SYS(newfstatat), SCMP_SYS(statx), SCMP_SYS(fgetxattr), SCMP_SYS(flistxattr),
	SCMP_SYS(renameat), SCMP_SYS(renameat2), SCMP_SYS(unlinkat),
	/* threads and stub processes */
	SCMP_SYS(clone), SCMP_SYS(clone3), SCMP_SYS(wait4), SCMP_SYS(waitid),
	SCMP_SYS(kill), SCMP_SYS(tgkill), SCMP_SYS(tkill), SCMP_SYS(exit),
	SCMP_SYS(exit_group), SCMP_SYS(ptrace), SCMP_SYS(set_robust_list),
	SCMP_SYS(get_robust_list), SCMP_SYS(rseq), SCMP_SYS(futex), SCMP_SYS(sched_yield),
	SCMP_SYS(sched_getaffinity), SCMP_SYS(sched_setaffinity), SCMP_SYS(getpid),
	SCMP_SYS(gettid), SCMP_SYS(getppid), SCMP_SYS(prctl), SCMP_SYS(arch_prctl),
	SCMP_SYS(personality), SCMP_SYS(seccomp), SCMP_SYS(set_tid_address),
	SCMP_SYS(getrlimit), SCMP_SYS(prlimit64), SCMP_SYS(getrusage), SCMP_SYS(pidfd_open),
	SCMP_SYS(getuid), SCMP_SYS(geteuid), SCMP_SYS(getgid), SCMP_SYS(getegid),
	/* signals */
	SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn),
	SCMP_SYS(sigaltstack), SCMP_SYS(rt_sigtimedwait), SCMP_SYS(rt_tgsigqueueinfo),
	SCMP_SYS(pause),
	/* time */
	SCMP_SYS(clock_gettime), SCMP_SYS(clock_getres), SCMP_SYS(clock_nanosleep),
	SCMP_SYS(nanosleep), SCMP_SYS(gettimeofday), SCMP_SYS(time), SCMP_SYS(timer_create),
	SCMP_SYS(timer_settime), SCMP_SYS(timer_delete), SCMP_SYS(timer_gettime),
	SCMP_SYS(timerfd_create), SCMP_SYS(timerfd_settime), SCMP_SYS(getitimer),
	SCMP_SYS(setitimer),
	/* misc */
	SCMP_SYS(getrandom), SCMP_SYS(uname), SCMP_SYS(getcpu), SCMP_SYS(restart_syscall),
	SCMP_SYS(sysinfo), SCMP_SYS(getcwd),
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

static int build(scmp_filter_ctx ctx)
{
	int e = 0;

	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]) && !e; i++)
		e = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
	/* openat relative to a directory fd only; by path it fails with
	 * EACCES (glibc probes such as sysconf's /sys reads then fall back). */
	if (!e)
		e = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1,
				     SCMP_A0_32(SCMP_CMP_NE, (uint32_t)AT_FDCWD));
	if (!e)
		e = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(openat), 1,
				     SCMP_A0_32(SCMP_CMP_EQ, (uint32_t)AT_FDCWD));
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
	if (!e)
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
		e = build(ctx);
	if (!e)
		e = seccomp_load(ctx);
	seccomp_release(ctx);
	return e;
}

void host_filter_print(FILE *out)
{
	const char *names[sizeof(allowed) / sizeof(allowed[0])];
	size_t n = 0;

	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, allowed[i]);

		names[n++] = name ? name : "?";
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			const char *t = names[j];

			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	fprintf(out, "# host syscalls the sentry may make (%zu, plus openat and execveat with "
		     "argument checks)\n", n);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s\n", names[i]);
	fprintf(out, "openat(dirfd != AT_FDCWD, ...)\n");
	fprintf(out, "execveat(fd, \"\", argv, envp, AT_EMPTY_PATH)\n");
	if (hostnet)
		print_hostnet(out);
	fprintf(out, "recvmmsg(packet socket fd, ...) with --network=sandbox and interfaces\n");
}
