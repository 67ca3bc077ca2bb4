/* Shared helpers for the syscall conformance tests. Each test prints only
 * deterministic observations (return values, errno names, signal numbers),
 * never pids, addresses or timings; the harness compares native and
 * sandboxed stdout and exit status. */
#ifndef TESTS_SYSCALLS_COMMON_H
#define TESTS_SYSCALLS_COMMON_H
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char test_dir_[PATH_MAX];

/* glibc passes argc/argv to .init_array functions: find our own directory
 * (build/tests/syscalls/<family>/) and make stdout line-buffered, so a
 * fork never duplicates buffered output. */
__attribute__((constructor)) static void test_init_(int argc, char **argv)
{
	char *slash;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 0 && argv[0]) {
		snprintf(test_dir_, sizeof(test_dir_), "%s", argv[0]);
		slash = strrchr(test_dir_, '/');
		if (slash)
			*slash = 0;
		else
			strcpy(test_dir_, ".");
	}
}

/* build/tests/syscalls/helpers/<name> and build/tests/syscalls/data/<name>. */
static inline const char *test_path(const char *kind, const char *name)
{
	static char buf[4][PATH_MAX + 64];
	static int n;
	char *b = buf[n++ & 3];

	snprintf(b, PATH_MAX + 64, "%s/../%s/%s", test_dir_, kind, name);
	return b;
}
#define helper_path(name) test_path("helpers", (name))
#define data_path(name) test_path("data", (name))

static inline const char *errname(int e)
{
	static char buf[32];

	switch (e) {
#define E_(x) case x: return #x
	E_(EPERM); E_(ENOENT); E_(ESRCH); E_(EINTR); E_(EIO); E_(ENXIO);
	E_(E2BIG); E_(ENOEXEC); E_(EBADF); E_(ECHILD); E_(EAGAIN); E_(ENOMEM);
	E_(EACCES); E_(EFAULT); E_(EBUSY); E_(EEXIST); E_(EXDEV); E_(ENODEV);
	E_(ENOTDIR); E_(EISDIR); E_(EINVAL); E_(ENFILE); E_(EMFILE); E_(ENOTTY);
	E_(EFBIG); E_(ENOSPC); E_(ESPIPE); E_(EROFS); E_(EMLINK); E_(EPIPE);
	E_(EDOM); E_(ERANGE); E_(EDEADLK); E_(ENAMETOOLONG); E_(ENOSYS);
	E_(ENOTEMPTY); E_(ELOOP); E_(ETIMEDOUT); E_(EOVERFLOW); E_(ENOTSUP);
#undef E_
	case 0: return "0";
	}
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

static inline void show_(const char *what, long r, int err, int print_value)
{
	if (r == -1)
		printf("%s = -1 %s\n", what, errname(err));
	else if (print_value)
		printf("%s = %ld\n", what, r);
	else
		printf("%s = ok\n", what);
}

/* SHOW prints the value (use only for deterministic values); SHOWOK prints
 * "ok" for any non-error result. Both print the errno name on -1. */
#define SHOW(e) do { errno = 0; long r_ = (long)(e); show_(#e, r_, errno, 1); } while (0)
#define SHOWOK(e) do { errno = 0; long r_ = (long)(e); show_(#e, r_, errno, 0); } while (0)
/* A condition that must hold: printed as yes/no. */
#define EXPECT(c) printf("%s: %s\n", #c, (c) ? "yes" : "no")

/* A wait status in words, without the core-dump bit (that depends on the
 * host's core limit). */
static inline const char *wstatus(int st)
{
	static char buf[64];

	if (WIFEXITED(st))
		snprintf(buf, sizeof(buf), "exited %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, sizeof(buf), "signaled %d", WTERMSIG(st));
	else if (WIFSTOPPED(st))
		snprintf(buf, sizeof(buf), "stopped %d", WSTOPSIG(st));
	else if (WIFCONTINUED(st))
		snprintf(buf, sizeof(buf), "continued");
	else
		snprintf(buf, sizeof(buf), "unknown %#x", st);
	return buf;
}

/* Waits for one specific child and prints its status under a label. */
static inline void reap(pid_t pid, const char *label)
{
	int st = 0;
	pid_t r;

	do
		r = waitpid(pid, &st, 0);
	while (r < 0 && errno == EINTR);
	if (r != pid)
		printf("%s: waitpid failed %s\n", label, errname(errno));
	else
		printf("%s: %s\n", label, wstatus(st));
}

static inline double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

#endif
