/* Process and thread syscalls: identity, clone family, exec, exit, wait,
 * process groups and sessions, uname, rlimits, prctl, arch_prctl. */
#define _GNU_SOURCE
#include "syscalls/table.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "sentry/loader.h"
#include "sentry/log.h"
#include "sentry/sentry.h"

#include <asm/prctl.h>
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_ARG_STRLEN (32 * 4096)
#define MAX_ARG_TOTAL (2UL << 20)
#define MAX_ARGS 65536

long sys_getpid(struct task *t, const struct syscall_args *a)
{
	(void)a;
	return t->tg->tgid;
}

long sys_gettid(struct task *t, const struct syscall_args *a)
{
	(void)a;
	return t->tid;
}

long sys_getppid(struct task *t, const struct syscall_args *a)
{
	(void)a;
	return t->tg->parent ? t->tg->parent->tgid : 0;
}

long sys_clone(struct task *t, const struct syscall_args *a)
{
	/* x86-64 order: flags, stack, parent_tid, child_tid, tls */
	uint64_t flags = a->a[0];

	if (flags & CLONE_PIDFD)
		return -EINVAL; /* pidfds are not provided yet */
	return task_clone(t, flags & ~0xffUL, a->a[1], a->a[2], a->a[3], a->a[4],
			  (int)(flags & 0xff));
}

long sys_clone3(struct task *t, const struct syscall_args *a)
{
	struct clone_args ca;
	uint64_t size = a->a[1];

	if (size < 64 || size > 4096)
		return -EINVAL;
	memset(&ca, 0, sizeof(ca));
	if (copy_from_guest(t, &ca, a->a[0], size < sizeof(ca) ? size : sizeof(ca)) < 0)
		return -EFAULT;
	if (size > sizeof(ca)) {
		/* Unknown trailing fields must be zero. */
		uint8_t extra[64];

		for (uint64_t off = sizeof(ca); off < size; off += sizeof(extra)) {
			uint64_t n = size - off < sizeof(extra) ? size - off : sizeof(extra);

			if (copy_from_guest(t, extra, a->a[0] + off, n) < 0)
				return -EFAULT;
			for (uint64_t i = 0; i < n; i++)
				if (extra[i])
					return -E2BIG;
		}
	}
	if (ca.flags & (CLONE_PIDFD | CLONE_INTO_CGROUP | CLONE_CLEAR_SIGHAND | CLONE_NEWTIME))
		return -EINVAL;
	if (ca.set_tid || ca.set_tid_size)
		return -EINVAL;
	if (ca.exit_signal > 64 || (ca.flags & 0xff))
		return -EINVAL;
	if ((ca.stack == 0) != (ca.stack_size == 0))
		return -EINVAL;
	return task_clone(t, ca.flags, ca.stack ? ca.stack + ca.stack_size : 0, ca.parent_tid,
			  ca.child_tid, ca.tls, (int)ca.exit_signal);
}

long sys_fork(struct task *t, const struct syscall_args *a)
{
	(void)a;
	return task_clone(t, 0, 0, 0, 0, 0, SIGCHLD);
}

long sys_vfork(struct task *t, const struct syscall_args *a)
{
	(void)a;
	return task_clone(t, CLONE_VM | CLONE_VFORK, 0, 0, 0, 0, SIGCHLD);
}

long sys_exit(struct task *t, const struct syscall_args *a)
{
	task_exit(t, ((int)a->a[0] & 0xff) << 8);
}

long sys_exit_group(struct task *t, const struct syscall_args *a)
{
	task_group_exit(t, ((int)a->a[0] & 0xff) << 8);
}

long sys_wait4(struct task *t, const struct syscall_args *a)
{
	return task_wait4(t, (int)a->a[0], a->a[1], (int)a->a[2], a->a[3]);
}

long sys_waitid(struct task *t, const struct syscall_args *a)
{
	return task_waitid(t, (int)a->a[0], (int)a->a[1], a->a[2], (int)a->a[3], a->a[4]);
}

long sys_set_tid_address(struct task *t, const struct syscall_args *a)
{
	t->clear_child_tid = a->a[0];
	return t->tid;
}

long sys_arch_prctl(struct task *t, const struct syscall_args *a)
{
	uint64_t v;

	switch (a->a[0]) {
	case ARCH_SET_FS:
		if (a->a[1] >= (1UL << 47))
			return -EPERM;
		t->regs.r.fs_base = a->a[1];
		return 0;
	case ARCH_SET_GS:
		if (a->a[1] >= (1UL << 47))
			return -EPERM;
		t->regs.r.gs_base = a->a[1];
		return 0;
	case ARCH_GET_FS:
		v = t->regs.r.fs_base;
		return copy_to_guest(t, a->a[1], &v, sizeof(v));
	case ARCH_GET_GS:
		v = t->regs.r.gs_base;
		return copy_to_guest(t, a->a[1], &v, sizeof(v));
	case ARCH_GET_CPUID:
		return 1;
	case ARCH_SET_CPUID:
		return -ENODEV; /* CPUID faulting is not offered */
	default:
		return -EINVAL;
	}
}

/* ---- exec ---- */

static void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* Strings up to this long are read on the stack; a longer one into a
 * buffer of MAX_ARG_STRLEN (which malloc makes with mmap, and unmaps:
 * two host syscalls and page faults in every exec, when it was made for
 * each argv and envp). */
#define ARG_SHORT 4096

static long copy_strv(struct task *t, uint64_t addr, char ***out, size_t *total)
{
	size_t n = 0, cap = 16;
	char **v = calloc(cap, sizeof(char *));
	char short_buf[ARG_SHORT], *buf = NULL, *str;
	long err = 0;

	if (!v) {
		err = -ENOMEM;
		goto fail;
	}
	while (addr) {
		uint64_t p;
		long len;

		if (copy_from_guest(t, &p, addr + n * 8, 8) < 0) {
			err = -EFAULT;
			goto fail;
		}
		if (!p)
			break;
		if (n + 1 >= MAX_ARGS) {
			err = -E2BIG;
			goto fail;
		}
		str = short_buf;
		len = copy_string_from_guest(t, short_buf, p, sizeof(short_buf));
		if (len == -ENAMETOOLONG) {
			if (!buf && !(buf = malloc(MAX_ARG_STRLEN))) {
				err = -ENOMEM;
				goto fail;
			}
			str = buf;
			len = copy_string_from_guest(t, buf, p, MAX_ARG_STRLEN);
		}
		if (len < 0) {
			err = len == -ENAMETOOLONG ? -E2BIG : len;
			goto fail;
		}
		*total += (size_t)len + 1 + 8;
		if (*total > MAX_ARG_TOTAL) {
			err = -E2BIG;
			goto fail;
		}
		if (n + 1 >= cap) {
			char **nv = realloc(v, cap * 2 * sizeof(char *));

			if (!nv) {
				err = -ENOMEM;
				goto fail;
			}
			v = nv;
			cap *= 2;
		}
		v[n] = strdup(str);
		if (!v[n]) {
			err = -ENOMEM;
			goto fail;
		}
		v[++n] = NULL;
	}
	v[n] = NULL;
	free(buf);
	*out = v;
	return 0;
fail:
	free(buf);
	strv_free(v);
	return err;
}

static int do_exec(struct task *t, const char *path, char *const argv[], char *const envp[])
{
	struct exec_image img;
	int err;

	err = loader_load(t, &vfs_exec_ops, path, argv, envp, &img);
	if (err < 0)
		return err;
	if (t->mm && (err = task_zap_others(t)) < 0) {
		mm_put(img.mm);
		cred_put(img.cred);
		return err;
	}
	task_exec_commit(t, &img);
	return 0;
}

static long execve_common(struct task *t, int dirfd, uint64_t path_addr, uint64_t argv_addr,
			  uint64_t envp_addr, int flags)
{
	char path[4096], full[8192];
	struct path p;
	char **argv = NULL, **envp = NULL;
	size_t total = 0;
	long err;

	if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	err = copy_string_from_guest(t, path, path_addr, sizeof(path));
	if (err < 0)
		return err;
	if (!path[0] && !(flags & AT_EMPTY_PATH))
		return -ENOENT;
	/* The loader opens by absolute path: resolve dirfd-relative names
	 * (and AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW) here. */
	if (dirfd == AT_FDCWD && !(flags & AT_SYMLINK_NOFOLLOW)) {
		snprintf(full, sizeof(full), "%s", path);
	} else {
		err = vfs_lookup_at(t, dirfd, path,
				    (flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW) |
					    (flags & AT_EMPTY_PATH ? LOOKUP_EMPTY : 0),
				    &p);
		if (err < 0)
			return err;
		if (S_ISLNK(p.dentry->inode->mode))
			err = -ELOOP;
		else
			err = vfs_d_path(t, &p, full, sizeof(full), false);
		path_put(&p);
		if (err < 0)
			return err;
	}
	if ((err = copy_strv(t, argv_addr, &argv, &total)) < 0)
		return err;
	if ((err = copy_strv(t, envp_addr, &envp, &total)) < 0) {
		strv_free(argv);
		return err;
	}
	if (!argv[0]) {
		/* Linux passes an empty argv[0] when argv is empty. */
		char **nv = realloc(argv, 2 * sizeof(char *));

		if (nv) {
			argv = nv;
			argv[0] = strdup("");
			argv[1] = NULL;
		}
	}
	err = do_exec(t, full, argv, envp);
	strv_free(argv);
	strv_free(envp);
	return err;
}

long sys_execve(struct task *t, const struct syscall_args *a)
{
	return execve_common(t, AT_FDCWD, a->a[0], a->a[1], a->a[2], 0);
}

long sys_execveat(struct task *t, const struct syscall_args *a)
{
	return execve_common(t, (int)a->a[0], a->a[1], a->a[2], a->a[3], (int)a->a[4]);
}

static int exec_hook(struct task *t, const char *path, char *const argv[], char *const envp[])
{
	return do_exec(t, path, argv, envp);
}

/* ---- process groups and sessions ---- */

struct pg_search {
	int pgid, sid;
	bool found;
};

static void find_pgid(struct thread_group *tg, void *arg)
{
	struct pg_search *s = arg;

	if (!tg->zombie && tg->pgid == s->pgid && tg->sid == s->sid)
		s->found = true;
}

long sys_setpgid(struct task *t, const struct syscall_args *a)
{
	int pid = (int)a->a[0], pgid = (int)a->a[1];
	struct thread_group *tg;
	struct pg_search s;

	if (pgid < 0)
		return -EINVAL;
	if (!pid)
		pid = t->tg->tgid;
	tg = tg_lookup(pid);
	if (!tg || (tg != t->tg && tg->parent != t->tg))
		return -ESRCH;
	if (!pgid)
		pgid = tg->tgid;
	if (tg->sid == tg->tgid)
		return -EPERM; /* session leader */
	if (tg != t->tg && tg->sid != t->tg->sid)
		return -EPERM;
	if (pgid != tg->tgid) {
		s = (struct pg_search){ .pgid = pgid, .sid = t->tg->sid };
		for_each_tg(find_pgid, &s);
		if (!s.found)
			return -EPERM;
	}
	tg->pgid = pgid;
	return 0;
}

long sys_getpgid(struct task *t, const struct syscall_args *a)
{
	int pid = (int)a->a[0];
	struct thread_group *tg = pid ? tg_lookup(pid) : t->tg;

	if (pid < 0)
		return -ESRCH;
	return tg ? tg->pgid : -ESRCH;
}

long sys_getpgrp(struct task *t, const struct syscall_args *a)
{
	(void)a;
	return t->tg->pgid;
}

static void find_pg_leader(struct thread_group *tg, void *arg)
{
	struct pg_search *s = arg;

	if (!tg->zombie && tg->pgid == s->pgid)
		s->found = true;
}

long sys_setsid(struct task *t, const struct syscall_args *a)
{
	struct pg_search s = { .pgid = t->tg->tgid };

	(void)a;
	if (t->tg->pgid == t->tg->tgid)
		return -EPERM;
	for_each_tg(find_pg_leader, &s);
	if (s.found)
		return -EPERM;
	t->tg->sid = t->tg->pgid = t->tg->tgid;
	t->tg->ctty = NULL;
	return t->tg->tgid;
}

long sys_getsid(struct task *t, const struct syscall_args *a)
{
	int pid = (int)a->a[0];
	struct thread_group *tg = pid ? tg_lookup(pid) : t->tg;

	if (pid < 0)
		return -ESRCH;
	return tg ? tg->sid : -ESRCH;
}

/* ---- system identity ---- */

long sys_uname(struct task *t, const struct syscall_args *a)
{
	struct utsname u;

	memset(&u, 0, sizeof(u));
	strcpy(u.sysname, "Linux");
	snprintf(u.nodename, sizeof(u.nodename), "%s", kernel.hostname);
	strcpy(u.release, "6.1.0");
	strcpy(u.version, "#1 SMP runsc");
	strcpy(u.machine, "x86_64");
	snprintf(u.domainname, sizeof(u.domainname), "%s",
		 kernel.domainname[0] ? kernel.domainname : "(none)");
	return copy_to_guest(t, a->a[0], &u, sizeof(u));
}

static long set_name(struct task *t, char *dst, uint64_t addr, uint64_t len)
{
	char buf[65];

	if (!capable(t, 21 /* CAP_SYS_ADMIN */))
		return -EPERM;
	if (len > 64)
		return -EINVAL;
	if (copy_from_guest(t, buf, addr, len) < 0)
		return -EFAULT;
	buf[len] = 0;
	memcpy(dst, buf, len + 1);
	return 0;
}

long sys_sethostname(struct task *t, const struct syscall_args *a)
{
	return set_name(t, kernel.hostname, a->a[0], a->a[1]);
}

long sys_setdomainname(struct task *t, const struct syscall_args *a)
{
	return set_name(t, kernel.domainname, a->a[0], a->a[1]);
}

/* ---- scheduling ---- */

long sys_sched_yield(struct task *t, const struct syscall_args *a)
{
	(void)t;
	(void)a;
	bkl_unlock();
	sched_yield();
	bkl_lock();
	return 0;
}

static struct task *task_or_self(struct task *t, int pid)
{
	if (pid < 0)
		return NULL;
	return pid ? task_lookup(pid) : t;
}

long sys_sched_getaffinity(struct task *t, const struct syscall_args *a)
{
	struct task *o = task_or_self(t, (int)a->a[0]);
	uint64_t len = a->a[1], mask;
	long ncpu = kernel.ncpus;

	if ((int)a->a[0] < 0)
		return -EINVAL;
	if (!o)
		return -ESRCH;
	if (len < 8 || (len & 7))
		return -EINVAL;
	mask = (ncpu >= 64 ? ~0UL : ((1UL << ncpu) - 1)) & o->sched_affinity;
	if (copy_to_guest(t, a->a[2], &mask, 8) < 0)
		return -EFAULT;
	return 8;
}

long sys_sched_setaffinity(struct task *t, const struct syscall_args *a)
{
	struct task *o = task_or_self(t, (int)a->a[0]);
	uint64_t mask = 0, len = a->a[1];
	long ncpu = kernel.ncpus;

	if (!o)
		return -ESRCH;
	if (copy_from_guest(t, &mask, a->a[2], len < 8 ? len : 8) < 0)
		return -EFAULT;
	if (!(mask & (ncpu >= 64 ? ~0UL : ((1UL << ncpu) - 1))))
		return -EINVAL;
	o->sched_affinity = mask;
	return 0;
}

long sys_getcpu(struct task *t, const struct syscall_args *a)
{
	unsigned int cpu = (unsigned int)sched_getcpu(), node = 0;

	if (a->a[0] && copy_to_guest(t, a->a[0], &cpu, sizeof(cpu)) < 0)
		return -EFAULT;
	if (a->a[1] && copy_to_guest(t, a->a[1], &node, sizeof(node)) < 0)
		return -EFAULT;
	return 0;
}

long sys_sched_getscheduler(struct task *t, const struct syscall_args *a)
{
	if ((int)a->a[0] < 0)
		return -EINVAL;
	return task_or_self(t, (int)a->a[0]) ? SCHED_OTHER : -ESRCH;
}

long sys_sched_getparam(struct task *t, const struct syscall_args *a)
{
	int prio = 0;

	if ((int)a->a[0] < 0 || !a->a[1])
		return -EINVAL;
	if (!task_or_self(t, (int)a->a[0]))
		return -ESRCH;
	return copy_to_guest(t, a->a[1], &prio, sizeof(prio));
}

long sys_sched_setscheduler(struct task *t, const struct syscall_args *a)
{
	int prio;

	if ((int)a->a[0] < 0 || !a->a[2])
		return -EINVAL;
	if (!task_or_self(t, (int)a->a[0]))
		return -ESRCH;
	if (copy_from_guest(t, &prio, a->a[2], sizeof(prio)) < 0)
		return -EFAULT;
	if ((a->a[1] & ~0x40000000UL) != SCHED_OTHER && (a->a[1] & ~0x40000000UL) != SCHED_BATCH &&
	    (a->a[1] & ~0x40000000UL) != SCHED_IDLE)
		return -EPERM; /* real-time classes are not offered */
	return prio == 0 ? 0 : -EINVAL;
}

long sys_sched_setparam(struct task *t, const struct syscall_args *a)
{
	int prio;

	if ((int)a->a[0] < 0 || !a->a[1])
		return -EINVAL;
	if (!task_or_self(t, (int)a->a[0]))
		return -ESRCH;
	if (copy_from_guest(t, &prio, a->a[1], sizeof(prio)) < 0)
		return -EFAULT;
	return prio == 0 ? 0 : -EINVAL;
}

long sys_sched_get_priority_max(struct task *t, const struct syscall_args *a)
{
	(void)t;
	switch (a->a[0]) {
	case SCHED_FIFO:
	case SCHED_RR:
		return 99;
	case SCHED_OTHER:
	case SCHED_BATCH:
	case SCHED_IDLE:
		return 0;
	}
	return -EINVAL;
}

long sys_sched_get_priority_min(struct task *t, const struct syscall_args *a)
{
	(void)t;
	switch (a->a[0]) {
	case SCHED_FIFO:
	case SCHED_RR:
		return 1;
	case SCHED_OTHER:
	case SCHED_BATCH:
	case SCHED_IDLE:
		return 0;
	}
	return -EINVAL;
}

long sys_getpriority(struct task *t, const struct syscall_args *a)
{
	if (a->a[0] > 2)
		return -EINVAL;
	if (a->a[0] == PRIO_PROCESS) {
		struct task *o = task_or_self(t, (int)a->a[1]);

		return o ? 20 - o->nice : -ESRCH;
	}
	return 20 - t->nice;
}

long sys_setpriority(struct task *t, const struct syscall_args *a)
{
	int nice = (int)a->a[2];

	if (a->a[0] > 2)
		return -EINVAL;
	if (nice < -20)
		nice = -20;
	if (nice > 19)
		nice = 19;
	if (a->a[0] == PRIO_PROCESS) {
		struct task *o = task_or_self(t, (int)a->a[1]);

		if (!o)
			return -ESRCH;
		if (nice < o->nice && !capable(t, 23 /* CAP_SYS_NICE */))
			return -EACCES;
		o->nice = nice;
		return 0;
	}
	t->nice = nice;
	return 0;
}

/* ---- randomness, limits, usage ---- */

long sys_getrandom(struct task *t, const struct syscall_args *a)
{
	uint8_t buf[256];
	uint64_t len = a->a[1], done = 0;

	if (a->a[2] & ~(uint64_t)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((a->a[2] & GRND_RANDOM) && (a->a[2] & GRND_INSECURE))
		return -EINVAL;
	if (len > 33554431)
		len = 33554431;
	while (done < len) {
		size_t n = len - done < sizeof(buf) ? len - done : sizeof(buf);

		if (getrandom(buf, n, 0) != (ssize_t)n)
			return done ? (long)done : -EAGAIN;
		if (copy_to_guest(t, a->a[0] + done, buf, n) < 0)
			return done ? (long)done : -EFAULT;
		done += n;
	}
	return (long)done;
}

static long do_prlimit(struct task *t, int pid, unsigned int res, uint64_t new_addr,
		       uint64_t old_addr)
{
	struct thread_group *tg = pid ? tg_lookup(pid) : t->tg;
	struct rlimit nl;

	if (pid < 0)
		return -EINVAL;
	if (!tg)
		return -ESRCH;
	if (res >= RLIM_NLIMITS)
		return -EINVAL;
	if (new_addr) {
		if (copy_from_guest(t, &nl, new_addr, sizeof(nl)) < 0)
			return -EFAULT;
		if (nl.rlim_cur > nl.rlim_max)
			return -EINVAL;
		if (nl.rlim_max > tg->rlim[res].rlim_max && !capable(t, 24 /* CAP_SYS_RESOURCE */))
			return -EPERM;
		if (res == RLIMIT_NOFILE && nl.rlim_max > 1048576)
			return -EPERM; /* fs.nr_open */
	}
	if (old_addr && copy_to_guest(t, old_addr, &tg->rlim[res], sizeof(struct rlimit)) < 0)
		return -EFAULT;
	if (new_addr)
		tg->rlim[res] = nl;
	return 0;
}

long sys_prlimit64(struct task *t, const struct syscall_args *a)
{
	return do_prlimit(t, (int)a->a[0], (unsigned int)a->a[1], a->a[2], a->a[3]);
}

long sys_getrlimit(struct task *t, const struct syscall_args *a)
{
	return do_prlimit(t, 0, (unsigned int)a->a[0], 0, a->a[1]);
}

long sys_setrlimit(struct task *t, const struct syscall_args *a)
{
	return do_prlimit(t, 0, (unsigned int)a->a[0], a->a[1], 0);
}

long sys_getrusage(struct task *t, const struct syscall_args *a)
{
	struct rusage ru;
	int who = (int)a->a[0];

	if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN && who != RUSAGE_THREAD)
		return -EINVAL;
	task_rusage(t, who, &ru);
	return copy_to_guest(t, a->a[1], &ru, sizeof(ru));
}

long sys_times(struct task *t, const struct syscall_args *a)
{
	struct rusage self, kids;
	struct tms tms;
	uint64_t ticks = (now_ns(CLOCK_MONOTONIC) - kernel.boot_ns) / 10000000ULL;

#define TICKS(tv) ((clock_t)((tv).tv_sec * 100 + (tv).tv_usec / 10000))
	task_rusage(t, RUSAGE_SELF, &self);
	task_rusage(t, RUSAGE_CHILDREN, &kids);
	tms.tms_utime = TICKS(self.ru_utime);
	tms.tms_stime = TICKS(self.ru_stime);
	tms.tms_cutime = TICKS(kids.ru_utime);
	tms.tms_cstime = TICKS(kids.ru_stime);
#undef TICKS
	if (a->a[0] && copy_to_guest(t, a->a[0], &tms, sizeof(tms)) < 0)
		return -EFAULT;
	return (long)ticks + 100 * 1000;
}

long sys_umask(struct task *t, const struct syscall_args *a)
{
	unsigned int old = t->fs->umask;

	t->fs->umask = (unsigned int)a->a[0] & 0777;
	return old;
}

long sys_personality(struct task *t, const struct syscall_args *a)
{
	int old = t->personality;

	if ((unsigned int)a->a[0] != 0xffffffffU) {
		if ((a->a[0] & 0xff) != 0 /* PER_LINUX */)
			return -EINVAL; /* other execution domains are not offered */
		t->personality = (int)a->a[0];
	}
	return (unsigned int)old;	/* the kernel returns it zero-extended */
}

long sys_sysinfo(struct task *t, const struct syscall_args *a)
{
	struct sysinfo_k {
		long uptime;
		unsigned long loads[3];
		unsigned long totalram, freeram, sharedram, bufferram, totalswap, freeswap;
		unsigned short procs, pad;
		unsigned long totalhigh, freehigh;
		unsigned int mem_unit;
		char f[0];
	} si;
	long pages = sysconf(_SC_PHYS_PAGES), avail = sysconf(_SC_AVPHYS_PAGES);

	memset(&si, 0, sizeof(si));
	si.uptime = (long)((now_ns(CLOCK_MONOTONIC) - kernel.boot_ns) / 1000000000ULL);
	si.totalram = (unsigned long)pages * PAGE_SIZE;
	si.freeram = (unsigned long)avail * PAGE_SIZE;
	si.procs = (unsigned short)kernel.ntasks;
	si.mem_unit = 1;
	return copy_to_guest(t, a->a[0], &si, sizeof(si));
}

/* ---- prctl ---- */

long sys_prctl(struct task *t, const struct syscall_args *a)
{
	char name[16];
	int v;

	switch (a->a[0]) {
	case PR_SET_NAME:
		memset(name, 0, sizeof(name));
		if (copy_string_from_guest(t, name, a->a[1], sizeof(name)) == -EFAULT)
			return -EFAULT;
		name[15] = 0;
		memcpy(t->comm, name, sizeof(name));
		return 0;
	case PR_GET_NAME:
		return copy_to_guest(t, a->a[1], t->comm, sizeof(t->comm));
	case PR_SET_PDEATHSIG:
		if (a->a[1] > 64)
			return -EINVAL;
		t->parent_death_signal = (int)a->a[1];
		return 0;
	case PR_GET_PDEATHSIG:
		v = t->parent_death_signal;
		return copy_to_guest(t, a->a[1], &v, sizeof(v));
	case PR_SET_DUMPABLE:
		if (a->a[1] > 1)
			return -EINVAL;
		t->dumpable = (int)a->a[1];
		return 0;
	case PR_GET_DUMPABLE:
		return t->dumpable;
	case PR_SET_NO_NEW_PRIVS:
		if (a->a[1] != 1 || a->a[2] || a->a[3] || a->a[4])
			return -EINVAL;
		t->no_new_privs = true;
		return 0;
	case PR_GET_NO_NEW_PRIVS:
		if (a->a[1] || a->a[2] || a->a[3] || a->a[4])
			return -EINVAL;
		return t->no_new_privs;
	case PR_SET_CHILD_SUBREAPER:
		t->tg->is_child_subreaper = a->a[1] != 0;
		return 0;
	case PR_GET_CHILD_SUBREAPER:
		v = t->tg->is_child_subreaper;
		return copy_to_guest(t, a->a[1], &v, sizeof(v));
	case PR_SET_KEEPCAPS:
		if (a->a[1] > 1)
			return -EINVAL;
		t->cred->keep_caps = a->a[1];
		return 0;
	case PR_GET_KEEPCAPS:
		return t->cred->keep_caps;
	case PR_CAPBSET_READ:
		if (a->a[1] > 40)
			return -EINVAL;
		return (t->cred->cap_bounding >> a->a[1]) & 1;
	case PR_CAPBSET_DROP:
		if (a->a[1] > 40)
			return -EINVAL;
		if (!capable(t, 8 /* CAP_SETPCAP */))
			return -EPERM;
		t->cred->cap_bounding &= ~(1ULL << a->a[1]);
		return 0;
	case PR_GET_TIMERSLACK:
		return (long)t->timer_slack_ns;
	case PR_SET_TIMERSLACK:
		t->timer_slack_ns = a->a[1] ? a->a[1] : 50000;
		return 0;
	case PR_GET_SECCOMP:
		return 0;
	case PR_SET_MM:
		return -EPERM;
	default:
		return -EINVAL;
	}
}

void syscalls_init(void)
{
	sentry_syscall_hook = syscall_dispatch;
	sentry_exec_hook = exec_hook;
}
