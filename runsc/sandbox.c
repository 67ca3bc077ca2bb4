/* `runsc boot`: the sandbox process of one container, started by `runsc
 * create` as init of a new pid namespace. It builds the container's root
 * in a private mount namespace, pivots into it (the interim host
 * filesystem then serves the bundle's rootfs), reports ready on the sync
 * fd, waits on the control socket for `start`, runs the sentry and
 * records the exit status in state.json. */
#define _GNU_SOURCE
#include "runsc/oci.h"
#include "runsc/runsc.h"
#include "runsc/gofer.h"
#include "runsc/sandbox.h"
#include "runsc/exec_server.h"
#include "runsc/netconf.h"
#include "fs/cgroupfs.h"
#include "fs/sysctl.h"
#include "runsc/state.h"
#include "sentry/log.h"
#include "sentry/task.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

/* ---- the control socket ---- */

/* The socket path through the state dir fd: short whatever --root is. */
static void sock_addr(int dirfd, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/%s", dirfd, CONTROL_SOCK);
}

static int read_line(int fd, char *buf, size_t sz, int timeout_ms)
{
	size_t n = 0;

	while (n + 1 < sz) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;
		int pr = poll(&p, 1, timeout_ms);

		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			return pr == 0 ? -ETIMEDOUT : -errno;
		r = read(fd, buf + n, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r == 0 ? -ECONNRESET : -errno;
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
	return 0;
}

static int write_all(int fd, const char *s)
{
	size_t len = strlen(s), off = 0;

	while (off < len) {
		ssize_t n = send(fd, s + off, len - off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -errno;
		off += (size_t)n;
	}
	return 0;
}

int control_connect(int dirfd, const char *req)
{
	struct sockaddr_un sa;
	char line[256];
	int fd, err;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	sock_addr(dirfd, &sa);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	snprintf(line, sizeof(line), "%s\n", req);
	err = write_all(fd, line);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int control_request(int dirfd, const char *req, char *reply, size_t replysz, int timeout_ms)
{
	int fd = control_connect(dirfd, req), err;

	if (fd < 0)
		return fd;
	err = read_line(fd, reply, replysz, timeout_ms);
	close(fd);
	return err;
}

/* ---- boot ---- */

struct sandbox {
	struct global_opts *g;
	const char *id;
	int dirfd;                    /* the state dir, kept across pivot_root */
	int listenfd;
	int start_conn;               /* the `start` request, answered once running */
	struct oci_config cfg;
	char *rootfs;
	char exe[4096];
	char dir[4096];               /* the state dir's path */
};

static struct sandbox sb;

/* Record the end in state.json, under the lock, unless deleted already. */
static void record_exit(int status)
{
	struct state_dir d = { .dirfd = sb.dirfd, .lockfd = -1 };
	struct state s;
	struct stat st;

	snprintf(d.id, sizeof(d.id), "%s", sb.id);
	d.lockfd = openat(sb.dirfd, "lock", O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (d.lockfd < 0)
		return;
	while (flock(d.lockfd, LOCK_EX) < 0 && errno == EINTR)
		;
	if (fstat(sb.dirfd, &st) == 0 && st.st_nlink > 0 && state_read(&d, &s) == 0) {
		snprintf(s.status, sizeof(s.status), "stopped");
		s.exit_status = status;
		state_write(&d, &s);
		state_free(&s);
		unlinkat(sb.dirfd, CONTROL_SOCK, 0);
	}
	close(d.lockfd);
}

/* Open dest inside the new root without leaving it: symlinks and ".."
 * resolve as if rootfd were "/". Creates a missing last component (a
 * directory, or a file when dir is false) and missing parents. */
static int open_in_root(int rootfd, const char *dest, bool dir)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
	char buf[4096], *p;
	int fd;

	fd = (int)syscall(SYS_openat2, rootfd, dest, &how, sizeof(how));
	if (fd >= 0 || errno != ENOENT)
		return fd;
	snprintf(buf, sizeof(buf), "%s", dest);
	for (p = buf + 1; ; p++) {
		bool last = *p == '\0';
		struct open_how mk = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
		int parent, r;
		char *slash;

		if (*p != '/' && !last)
			continue;
		*p = '\0';
		fd = (int)syscall(SYS_openat2, rootfd, buf, &mk, sizeof(mk));
		if (fd < 0 && errno == ENOENT) {
			/* Create the component in its (resolved) parent. */
			slash = strrchr(buf, '/');
			*slash = '\0';
			parent = (int)syscall(SYS_openat2, rootfd, buf[0] ? buf : "/", &mk, sizeof(mk));
			*slash = '/';
			if (parent < 0)
				return -1;
			if (last && !dir) {
				char path[64];
				int f;

				/* mknodat needs a real fd for the parent. */
				snprintf(path, sizeof(path), "/proc/self/fd/%d", parent);
				r = -1;
				f = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
				if (f >= 0) {
					r = mknodat(f, slash + 1, S_IFREG | 0644, 0);
					close(f);
				}
			} else {
				char path[64];
				int f;

				snprintf(path, sizeof(path), "/proc/self/fd/%d", parent);
				r = -1;
				f = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
				if (f >= 0) {
					r = mkdirat(f, slash + 1, 0755);
					close(f);
				}
			}
			close(parent);
			if (r < 0 && errno != EEXIST)
				return -1;
			fd = (int)syscall(SYS_openat2, rootfd, buf, &mk, sizeof(mk));
		}
		if (last)
			return fd;
		if (fd < 0)
			return -1;
		close(fd);
		*p = '/';
	}
}

static bool has_opt(const struct oci_mount *m, const char *opt)
{
	for (size_t i = 0; i < m->noptions; i++)
		if (!strcmp(m->options[i], opt))
			return true;
	return false;
}

/* The gofer of this sandbox: the bundle's rootfs and each bind mount of
 * config.json (mount indexes in that order), for boot's mount table
 * (gofer_boot). Without it (no privileges to confine it) the interim
 * host filesystem serves the root. */
/* --overlay=none on a writable root: the guest writes to the rootfs. */
static bool root_write_through(void)
{
	return !sb.cfg.root_readonly && sb.g->overlay && !strcmp(sb.g->overlay, "none");
}

static void start_gofer(void)
{
	struct gofer_config gc = { .nmounts = 1, .debug = sb.g->debug && sb.g->debug_log };
	unsigned int n = 1;
	char log[4096];
	pid_t pid;
	int sock, e;

	if (sb.g->debug_log) {
		snprintf(log, sizeof(log), "%s/runsc.%s.gofer.log", sb.g->debug_log, sb.id);
		gc.log = log;
	}

	/* The rootfs is served read-only unless --overlay=none asks to write
	 * through: by default the guest writes to an in-memory overlay. */
	gc.mounts[0] = (struct gofer_mount){ sb.rootfs, !root_write_through() };
	gofer_boot.m[0] = (struct gofer_boot_mount){ "/", !root_write_through() };
	for (size_t i = 0; i < sb.cfg.nmounts && n < GOFER_MAX_MOUNTS; i++) {
		const struct oci_mount *m = &sb.cfg.mounts[i];
		bool bind = has_opt(m, "bind") || has_opt(m, "rbind") ||
			    (m->type && !strcmp(m->type, "bind"));

		if (!bind || !m->source)
			continue;
		gc.mounts[n] = (struct gofer_mount){ m->source, has_opt(m, "ro") };
		gofer_boot.m[n] = (struct gofer_boot_mount){ m->destination, has_opt(m, "ro") };
		n++;
	}
	gc.nmounts = n;
	e = gofer_spawn(&gc, &pid, &sock);
	if (e < 0) {
		swarn("gofer: %s; the root is served read-only by the sentry", strerror(-e));
		return;
	}
	gofer_boot.sock = sock;
	gofer_boot.n = n;
}

static void *exit_thread(void *arg)
{
	pthread_exit(arg);
}

/* glibc loads libgcc_s on the first pthread_exit to unwind the thread;
 * after pivot_root the host's libraries are gone, so load it now. */
void preload_unwinder(void)
{
	pthread_t th;

	if (pthread_create(&th, NULL, exit_thread, NULL) == 0)
		pthread_join(th, NULL);
}

/* The destinations of the bind mounts, made in the rootfs when missing
 * (as runc does), so the sentry can mount the gofer's binds there. */
static int make_mountpoints(int syncfd, int rootfd)
{
	for (size_t i = 0; i < sb.cfg.nmounts; i++) {
		const struct oci_mount *m = &sb.cfg.mounts[i];
		struct stat st;
		int fd;

		if (!(has_opt(m, "bind") || has_opt(m, "rbind") || (m->type && !strcmp(m->type, "bind")))) {
			/* proc, tmpfs...: a directory */
			fd = open_in_root(rootfd, m->destination, true);
			if (fd < 0) {
				fd_line(syncfd, "mounts[%zu].destination: %s: %s", i, m->destination,
					strerror(errno));
				return -1;
			}
			close(fd);
			continue;
		}
		if (!m->source || stat(m->source, &st) < 0) {
			fd_line(syncfd, "mounts[%zu].source: %s: %s", i, m->source ? m->source : "(none)",
				strerror(errno));
			return -1;
		}
		fd = open_in_root(rootfd, m->destination, S_ISDIR(st.st_mode));
		if (fd < 0) {
			fd_line(syncfd, "mounts[%zu].destination: %s: %s", i, m->destination,
				strerror(errno));
			return -1;
		}
		close(fd);
	}
	return 0;
}

/* With the gofer serving every file, the sentry needs no host path at
 * all: its root becomes an empty read-only tmpfs (mounted on the state
 * dir's "sentry-root", in the sandbox's own mount namespace) and every
 * host mount leaves its view. */
static int empty_root(int syncfd)
{
	const char *step = "mount --make-rprivate /";
	char path[4200];
	int fd = -1;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		goto fail;
	step = "mkdir";
	if (mkdirat(sb.dirfd, "sentry-root", 0500) < 0 && errno != EEXIST)
		goto fail;
	step = "mount tmpfs";
	/* By path: the state dir fd belongs to the mount namespace we left. */
	snprintf(path, sizeof(path), "%s/sentry-root", sb.dir);
	if (mount("none", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=0500") < 0)
		goto fail;
	step = "open";
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		goto fail;
	step = "pivot_root";
	if (fchdir(fd) < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
		goto fail;
	step = "umount the old root";
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		goto fail;
	step = "remount read-only";
	if (mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0)
		goto fail;
	close(fd);
	return 0;
fail:
	fd_line(syncfd, "sentry root: %s: %s", step, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

/* stat of a container path: in this process's root (rootfd < 0), or
 * resolved inside rootfd as if it were "/". */
static int root_stat(int rootfd, const char *p, struct stat *st)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
	int fd, r;

	if (rootfd < 0)
		return stat(p, st);
	fd = (int)syscall(SYS_openat2, rootfd, p, &how, sizeof(how));
	if (fd < 0)
		return -1;
	r = fstat(fd, st);
	close(fd);
	return r;
}

static int find_exe(int syncfd, int rootfd)
{
	const char *cmd = sb.cfg.process.args[0];
	const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	struct stat st;

	for (size_t i = 0; i < sb.cfg.process.nenv; i++)
		if (!strncmp(sb.cfg.process.env[i], "PATH=", 5))
			path = sb.cfg.process.env[i] + 5;
	if (strchr(cmd, '/')) {
		if (cmd[0] == '/')
			snprintf(sb.exe, sizeof(sb.exe), "%s", cmd);
		else
			snprintf(sb.exe, sizeof(sb.exe), "%s/%s", sb.cfg.process.cwd, cmd);
		errno = 0;
		if (root_stat(rootfd, sb.exe, &st) == 0 && S_ISREG(st.st_mode))
			return 0;
		fd_line(syncfd, "process.args[0]: exec \"%s\": %s", cmd,
			   errno ? strerror(errno) : "not a regular file");
		return -1;
	}
	while (*path) {
		const char *e = strchr(path, ':');
		size_t n = e ? (size_t)(e - path) : strlen(path);

		snprintf(sb.exe, sizeof(sb.exe), "%.*s/%s", (int)n, path, cmd);
		if (root_stat(rootfd, sb.exe, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111))
			return 0;
		path += n;
		if (*path == ':')
			path++;
	}
	fd_line(syncfd, "process.args[0]: exec \"%s\": executable file not found in $PATH", cmd);
	return -1;
}

/* A signal for a container that never started: the sandbox ends as its
 * process would have, except for signals whose default is to ignore. */
static bool sig_ignored_by_default(int sig)
{
	return sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH;
}

struct kill_all_arg {
	int sig;
};

static void kill_tg(struct thread_group *tg, void *arg)
{
	struct kill_all_arg *k = arg;

	if (!tg->zombie)
		sig_send_tg(tg, k->sig, NULL);
}

static void ps_tg(struct thread_group *tg, void *arg)
{
	json_t *a = arg;

	if (tg->zombie || !tg->leader)
		return;
	json_array_append_new(a, json_pack("{s:i,s:i,s:s}", "pid", tg->tgid, "ppid",
					   tg->parent ? tg->parent->tgid : 0, "cmd",
					   tg->leader->comm));
}

/* "ps": one line, "ok" and a JSON array of the container's processes. */
static void serve_ps(int conn)
{
	json_t *a = json_array();
	char *text;

	bkl_lock();
	if (!kernel.done)
		for_each_tg(ps_tg, a);
	bkl_unlock();
	text = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	if (text) {
		write_all(conn, "ok ");
		write_all(conn, text);
		write_all(conn, "\n");
		free(text);
	}
}

/* One control request once the container runs; called without the BKL. */
static void serve_running(int conn)
{
	char line[256], reply[128] = "ok\n";
	int sig, all, pid;

	if (read_line(conn, line, sizeof(line), 5000) < 0)
		return;
	if (!strcmp(line, "ps")) {
		serve_ps(conn);
		return;
	}
	if (!strncmp(line, "exec ", 5)) {
		exec_serve(conn, line);
		return;
	}
	if (sscanf(line, "signal %d %d", &pid, &sig) == 2) {
		int err = exec_signal(pid, sig);

		if (err < 0)
			snprintf(reply, sizeof(reply), "error %s\n", strerror(-err));
		write_all(conn, reply);
		return;
	}
	if (!strcmp(line, "pause") || !strcmp(line, "resume")) {
		bkl_lock();
		if (kernel.done || !kernel.init)
			snprintf(reply, sizeof(reply), "error container not running\n");
		else
			kernel_freeze(line[0] == 'p');
		bkl_unlock();
		write_all(conn, reply);
		return;
	}
	if (!strcmp(line, "stats")) {
		char *text = exec_stats_json();

		write_all(conn, text ? "ok " : "error out of memory\n");
		if (text) {
			write_all(conn, text);
			write_all(conn, "\n");
		}
		free(text);
		return;
	}
	if (!strcmp(line, "stacks")) {
		/* "ok", then the backtraces of every sentry thread until EOF. */
		write_all(conn, "ok\n");
		crash_dump_all_stacks(conn);
		return;
	}
	if (sscanf(line, "kill %d %d", &sig, &all) == 2) {
		if (sig < 1 || sig >= NSIG_K) {
			snprintf(reply, sizeof(reply), "error invalid signal %d\n", sig);
		} else {
			bkl_lock();
			if (kernel.done || !kernel.init) {
				snprintf(reply, sizeof(reply), "error container not running\n");
			} else if (all) {
				struct kill_all_arg k = { sig };

				for_each_tg(kill_tg, &k);
			} else {
				sig_send_tg(kernel.init, sig, NULL);
			}
			bkl_unlock();
		}
	} else if (!strcmp(line, "start")) {
		snprintf(reply, sizeof(reply), "error container already started\n");
	} else {
		snprintf(reply, sizeof(reply), "error unknown request\n");
	}
	write_all(conn, reply);
}

static void *control_thread(void *arg)
{
	(void)arg;
	for (;;) {
		int conn = accept4(sb.listenfd, NULL, NULL, SOCK_CLOEXEC);

		if (conn < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return NULL;
		}
		serve_running(conn);
		close(conn);
	}
}

static int on_started(void *arg)
{
	pthread_t th;

	(void)arg;
	write_all(sb.start_conn, "ok\n");
	close(sb.start_conn);
	sb.start_conn = -1;
	if (pthread_create(&th, NULL, control_thread, NULL))
		return -EAGAIN;
	pthread_detach(th);
	return 0;
}

/* Before start: serve requests until `start`; returns 0 to start, or an
 * exit status (128+sig) when killed first. */
static int wait_for_start(void)
{
	for (;;) {
		char line[256];
		int conn = accept4(sb.listenfd, NULL, NULL, SOCK_CLOEXEC), sig, all;

		if (conn < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return 125;
		}
		if (read_line(conn, line, sizeof(line), 5000) < 0) {
			close(conn);
			continue;
		}
		if (!strcmp(line, "start")) {
			sb.start_conn = conn;
			return 0;
		}
		if (!strcmp(line, "ps")) {
			write_all(conn, "ok []\n");
			close(conn);
			continue;
		}
		if (sscanf(line, "kill %d %d", &sig, &all) == 2 && sig >= 1 && sig < NSIG_K) {
			write_all(conn, "ok\n");
			close(conn);
			if (!sig_ignored_by_default(sig))
				return 128 + sig;
			continue;
		}
		write_all(conn, "error unknown request\n");
		close(conn);
	}
}

static bool host_network(void)
{
	return sb.g->network && !strcmp(sb.g->network, "host");
}

/* linux.namespaces' network entry: a path was joined before exec, and
 * with --network=sandbox its interfaces are recorded now, while /proc
 * still shows them (netconf.h); without a path the sandbox gets a
 * namespace of its own (loopback only, as the sentry's stack is all the
 * guest sees). --network=host stays in runsc's own. */
static int setup_netns(int syncfd)
{
	const struct oci_namespace *net = oci_ns_find(&sb.cfg, OCI_NS_NETWORK);
	int r;

	if (!net || host_network())
		return 0;
	if (!net->path) {
		if (unshare(CLONE_NEWNET) < 0) {
			fd_line(syncfd, "config.json: linux.namespaces: new network namespace: %s",
				strerror(errno));
			return -1;
		}
		return 0;
	}
	if (sb.g->network && !strcmp(sb.g->network, "sandbox") && (r = netconf_record(true)) < 0)
		swarn("network namespace %s: recording its interfaces: %s", net->path, strerror(-r));
	return 0;
}

/* New cgroup and time namespaces (runc makes them as the config asks);
 * late, so create has moved the sandbox into its cgroup first. */
static int late_namespaces(int syncfd)
{
	static const struct { enum oci_ns_type t; int flag; } late[] = {
		{ OCI_NS_CGROUP, CLONE_NEWCGROUP }, { OCI_NS_TIME, 0x80 /* CLONE_NEWTIME */ },
	};

	for (size_t i = 0; i < sizeof(late) / sizeof(late[0]); i++) {
		const struct oci_namespace *n = oci_ns_find(&sb.cfg, late[i].t);

		if (n && !n->path && unshare(late[i].flag) < 0) {
			fd_line(syncfd, "config.json: linux.namespaces: new %s namespace: %s",
				oci_ns_name(late[i].t), strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* linux.sysctl into the sentry's /proc/sys (create checked them). */
static int apply_sysctls(int syncfd)
{
	for (size_t i = 0; i < sb.cfg.nsysctls; i++) {
		int r = proc_sysctl_set(sb.cfg.sysctls[i].key, sb.cfg.sysctls[i].value, true);

		if (r < 0) {
			fd_line(syncfd, "config.json: linux.sysctl.%.128s: %s", sb.cfg.sysctls[i].key,
				strerror(-r));
			return -1;
		}
	}
	return 0;
}

int cmd_boot(struct global_opts *g, int argc, char **argv)
{
	const char *bundle = NULL;
	int syncfd = -1, i, status;
	const struct flag flags[] = {
		{ "bundle", FLAG_STR, &bundle, "bundle directory" },
		{ "sync-fd", FLAG_INT, &syncfd, "fd to report readiness on" },
		{ 0 },
	};
	struct boot_config bc = { 0 };
	struct oci_error oerr;
	struct sockaddr_un sa;
	char dir[4096], hostname[65] = "";
	bool have_mntns;

	i = flags_parse("boot", "--bundle DIR --sync-fd FD ID", flags, argc, argv);
	if (i < 0)
		return i == -2 ? 0 : 2;
	if (argc - i != 1 || !bundle || syncfd < 0) {
		fprintf(stderr, "runsc boot: internal command, started by runsc create\n");
		return 2;
	}
	sb.g = g;
	sb.id = argv[i];
	sb.start_conn = -1;
	fcntl(syncfd, F_SETFD, FD_CLOEXEC);
	/* Our own session: the caller's terminal signals go to the CLI, which
	 * forwards them. */
	setsid();
	snprintf(dir, sizeof(dir), "%s/%s", state_root(g->root), sb.id);
	snprintf(sb.dir, sizeof(sb.dir), "%s", dir);
	sb.dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (sb.dirfd < 0) {
		fd_line(syncfd, "%s: %s", dir, strerror(errno));
		return 125;
	}
	if (oci_config_load(bundle, &sb.cfg, &oerr) < 0) {
		fd_line(syncfd, "%s", oerr.msg);
		return 125;
	}
	if (sb.cfg.root_path[0] == '/')
		sb.rootfs = realpath(sb.cfg.root_path, NULL);
	else {
		char p[8192];

		snprintf(p, sizeof(p), "%s/%s", bundle, sb.cfg.root_path);
		sb.rootfs = realpath(p, NULL);
	}
	if (!sb.rootfs) {
		fd_line(syncfd, "config.json: root.path: %s", strerror(errno));
		return 125;
	}
	/* The sentry's log never mixes into the container's stderr: it goes
	 * to --debug-log DIR, or nowhere. */
	if (g->debug_log) {
		char p[4096];

		snprintf(p, sizeof(p), "%s/runsc.%s.boot.log", g->debug_log, sb.id);
		log_fd = open(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
		if (log_fd < 0) {
			fd_line(syncfd, "--debug-log %s: %s", p, strerror(errno));
			return 125;
		}
	} else {
		log_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (log_fd < 0)
			log_fd = 2;
	}
	sb.listenfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sock_addr(sb.dirfd, &sa);
	unlinkat(sb.dirfd, CONTROL_SOCK, 0);
	if (sb.listenfd < 0 || bind(sb.listenfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(sb.listenfd, 16) < 0) {
		fd_line(syncfd, "control socket: %s", strerror(errno));
		return 125;
	}
	gethostname(hostname, sizeof(hostname) - 1);
	/* A private mount namespace, and ipc/uts ones, when permitted; the
	 * pid and user namespaces were made by create, and the ones the
	 * config gives by path joined before exec (runsc/ns.c). */
	have_mntns = unshare(CLONE_NEWNS) == 0;
	{
		const struct oci_namespace *ipc = oci_ns_find(&sb.cfg, OCI_NS_IPC);
		const struct oci_namespace *uts = oci_ns_find(&sb.cfg, OCI_NS_UTS);

		if (!ipc || !ipc->path)
			unshare(CLONE_NEWIPC);
		if ((!uts || !uts->path) && unshare(CLONE_NEWUTS) == 0 && sb.cfg.hostname)
			sethostname(sb.cfg.hostname, strlen(sb.cfg.hostname));
	}
	if (setup_netns(syncfd) < 0)
		return 125;
	/* The container's OOM score is the sandbox's: it holds all its memory. */
	if (sb.cfg.process.has_oom_score_adj) {
		int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
		char v[16];
		int n = snprintf(v, sizeof(v), "%d", sb.cfg.process.oom_score_adj);

		if (fd < 0 || write(fd, v, (size_t)n) != n) {
			fd_line(syncfd, "process.oomScoreAdj: %s", strerror(errno));
			return 125;
		}
		close(fd);
	}
	preload_unwinder();
	/* Before the binds of setup_root, so the gofer's copy of the rootfs
	 * holds none of them: it serves each as its own mount. */
	if (have_mntns)
		start_gofer();
	/* The gofer serves the root and the binds: the sentry keeps no host
	 * path (find the program through a root fd first). */
	if (gofer_boot.sock < 0) {
		fd_line(syncfd, "cannot start the gofer, the only door to host files (a sandbox "
				"needs root for its mount namespaces)");
		return 125;
	}
	{
		int rootfd = open(sb.rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (rootfd < 0) {
			fd_line(syncfd, "root.path: %s: %s", sb.rootfs, strerror(errno));
			return 125;
		}
		if (find_exe(syncfd, rootfd) < 0 || make_mountpoints(syncfd, rootfd) < 0) {
			close(rootfd);
			return 125;
		}
		close(rootfd);
		if (empty_root(syncfd) < 0)
			return 125;
	}
	if (late_namespaces(syncfd) < 0 || apply_sysctls(syncfd) < 0)
		return 125;
	fd_line(syncfd, "ok");
	close(syncfd);

	status = wait_for_start();
	if (status) {
		record_exit(status);
		return status;
	}
	bc.platform = g->platform;
	bc.debug = g->debug;
	bc.strace = g->strace;
	bc.exe = sb.exe;
	bc.argv = sb.cfg.process.args;
	bc.envp = sb.cfg.process.env;
	bc.cwd = sb.cfg.process.cwd;
	bc.hostname = sb.cfg.hostname ? sb.cfg.hostname : hostname;
	bc.started = on_started;
	{
		static struct init_identity id;

		oci_process_identity(&sb.cfg.process, &id);
		bc.identity = &id;
	}
	{
		/* The mounts the sentry makes itself (binds come from the gofer). */
		static struct boot_mount bm[64];
		static char data[64][512];
		static const struct { const char *name; unsigned long set, clear; } fl[] = {
			{ "ro", MS_RDONLY, 0 }, { "rw", 0, MS_RDONLY }, { "nosuid", MS_NOSUID, 0 },
			{ "suid", 0, MS_NOSUID }, { "nodev", MS_NODEV, 0 }, { "dev", 0, MS_NODEV },
			{ "noexec", MS_NOEXEC, 0 }, { "exec", 0, MS_NOEXEC },
			{ "relatime", MS_RELATIME, 0 }, { "norelatime", 0, MS_RELATIME },
			{ "strictatime", MS_STRICTATIME, 0 }, { "noatime", MS_NOATIME, 0 },
			{ "nodiratime", MS_NODIRATIME, 0 }, { "sync", MS_SYNCHRONOUS, 0 },
			{ "async", 0, MS_SYNCHRONOUS }, { "private", 0, 0 }, { "rprivate", 0, 0 },
			{ "slave", 0, 0 }, { "rslave", 0, 0 }, { "shared", 0, 0 }, { "rshared", 0, 0 },
			/* crun's tmpcopyup (copy the directory's files into a new
			 * tmpfs) is not done: the tmpfs starts empty, as with runc. */
			{ "tmpcopyup", 0, 0 }, { "notmpcopyup", 0, 0 },
		};
		size_t n = 0;

		for (size_t i = 0; i < sb.cfg.nmounts && n < 64; i++) {
			const struct oci_mount *m = &sb.cfg.mounts[i];
			size_t dl = 0;

			if (has_opt(m, "bind") || has_opt(m, "rbind") ||
			    (m->type && !strcmp(m->type, "bind")) || !m->type)
				continue;
			bm[n] = (struct boot_mount){ m->type, m->destination, 0, data[n] };
			data[n][0] = '\0';
			for (size_t k = 0; k < m->noptions; k++) {
				size_t f;

				for (f = 0; f < sizeof(fl) / sizeof(fl[0]); f++)
					if (!strcmp(m->options[k], fl[f].name))
						break;
				if (f < sizeof(fl) / sizeof(fl[0])) {
					bm[n].flags = (bm[n].flags | fl[f].set) & ~fl[f].clear;
					continue;
				}
				dl += (size_t)snprintf(data[n] + dl, sizeof(data[n]) - dl, "%s%s",
						       dl ? "," : "", m->options[k]);
				if (dl >= sizeof(data[n]))
					dl = sizeof(data[n]) - 1;
			}
			n++;
		}
		bc.mounts = bm;
		bc.nmounts = n;
	}
	/* An in-memory overlay over the rootfs unless --overlay=none; a
	 * read-only root (root.readonly) stays read-only. */
	bc.root_overlay = !sb.cfg.root_readonly && !root_write_through();
	cgroupfs_set_limits(sb.cfg.mem_limit, sb.cfg.cpu_quota, sb.cfg.cpu_period,
			    sb.cfg.pids_limit);
	bc.has_umask = sb.cfg.process.umask >= 0;
	bc.umask = bc.has_umask ? (unsigned int)sb.cfg.process.umask : 022;
	status = sentry_boot(&bc);
	if (sb.start_conn >= 0) {
		/* The sentry failed before init ran. */
		write_all(sb.start_conn, "error the sandbox failed to start the process\n");
		close(sb.start_conn);
	}
	record_exit(status);
	return status;
}
