/* `runsc boot`: the sandbox process of one container, started by `runsc
 * create` as init of a new pid namespace. It builds the container's root
 * in a private mount namespace, pivots into it (the interim host
 * filesystem then serves the bundle's rootfs), reports ready on the sync
 * fd, waits on the control socket for `start`, runs the sentry and
 * records the exit status in state.json. */
#define _GNU_SOURCE
#include "runsc/oci.h"
#include "runsc/runsc.h"
#include "runsc/sandbox.h"
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

static void sync_reply(int syncfd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sync_reply(int syncfd, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(syncfd, buf, (size_t)n) < 0) {
		/* create is gone; nothing to tell */
	}
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

/* Mount src (fstype, flags, data) on dest inside the root. */
static int mount_in_root(int rootfd, const char *dest, bool dir, const char *src,
			 const char *fstype, unsigned long flags, const char *data)
{
	char target[64];
	int fd = open_in_root(rootfd, dest, dir), r;

	if (fd < 0)
		return -errno;
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	r = mount(src, target, fstype, flags, data);
	if (r < 0)
		r = -errno;
	close(fd);
	return r;
}

/* The mounts of config.json that the interim filesystem can show: proc,
 * a /dev with the harmless host devices, bind mounts, tmpfs. The rest
 * (sysfs, cgroup, devpts, mqueue) wait for the VFS. */
static int setup_mounts(int rootfd, int syncfd)
{
	static const char *const devs[] = { "null", "zero", "full", "random", "urandom", "tty" };

	for (size_t i = 0; i < sb.cfg.nmounts; i++) {
		const struct oci_mount *m = &sb.cfg.mounts[i];
		const char *type = m->type ? m->type : "";
		bool bind = has_opt(m, "bind") || has_opt(m, "rbind") || !strcmp(type, "bind");
		int err = 0;

		if (bind) {
			struct stat st;
			unsigned long fl = MS_BIND | (has_opt(m, "rbind") ? MS_REC : 0);

			if (!m->source || stat(m->source, &st) < 0) {
				sync_reply(syncfd, "mounts[%zu].source: %s: %s", i,
					   m->source ? m->source : "(none)", strerror(errno));
				return -1;
			}
			err = mount_in_root(rootfd, m->destination, S_ISDIR(st.st_mode), m->source,
					    NULL, fl, NULL);
		} else if (!strcmp(type, "proc")) {
			err = mount_in_root(rootfd, m->destination, true, "proc", "proc",
					    MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
		} else if (!strcmp(type, "tmpfs")) {
			err = mount_in_root(rootfd, m->destination, true, "tmpfs", "tmpfs",
					    MS_NOSUID, "mode=755");
			if (!err && !strcmp(m->destination, "/dev")) {
				for (size_t d = 0; d < sizeof(devs) / sizeof(devs[0]) && !err; d++) {
					char host[32], dst[32];

					snprintf(host, sizeof(host), "/dev/%s", devs[d]);
					snprintf(dst, sizeof(dst), "/dev/%s", devs[d]);
					if (access(host, F_OK) == 0)
						err = mount_in_root(rootfd, dst, false, host, NULL,
								    MS_BIND, NULL);
				}
			}
		} else {
			continue;
		}
		if (err < 0) {
			sync_reply(syncfd, "mounts[%zu]: %s on %s: %s", i, type[0] ? type : "bind",
				   m->destination, strerror(-err));
			return -1;
		}
	}
	return 0;
}

static void *exit_thread(void *arg)
{
	pthread_exit(arg);
}

/* glibc loads libgcc_s on the first pthread_exit to unwind the thread;
 * after pivot_root the host's libraries are gone, so load it now. */
static void preload_unwinder(void)
{
	pthread_t th;

	if (pthread_create(&th, NULL, exit_thread, NULL) == 0)
		pthread_join(th, NULL);
}

/* Make the bundle's rootfs this process's "/", so the interim host
 * filesystem serves it. */
static int setup_root(int syncfd, bool have_mntns)
{
	int rootfd;

	if (!have_mntns) {
		if (chroot(sb.rootfs) < 0 || chdir("/") < 0) {
			sync_reply(syncfd, "root.path: chroot %s: %s", sb.rootfs, strerror(errno));
			return -1;
		}
		return 0;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount(sb.rootfs, sb.rootfs, NULL, MS_BIND | MS_REC, NULL) < 0) {
		sync_reply(syncfd, "root.path: bind mount %s: %s", sb.rootfs, strerror(errno));
		return -1;
	}
	rootfd = open(sb.rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		sync_reply(syncfd, "root.path: %s: %s", sb.rootfs, strerror(errno));
		return -1;
	}
	if (setup_mounts(rootfd, syncfd) < 0) {
		close(rootfd);
		return -1;
	}
	close(rootfd);
	if (sb.cfg.root_readonly)
		mount(NULL, sb.rootfs, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL);
	/* pivot_root(".", ".") stacks the old root under the new one; the
	 * lazy unmount then drops it. */
	if (chdir(sb.rootfs) < 0 || syscall(SYS_pivot_root, ".", ".") < 0 ||
	    umount2(".", MNT_DETACH) < 0 || chdir("/") < 0) {
		sync_reply(syncfd, "root.path: pivot_root %s: %s", sb.rootfs, strerror(errno));
		return -1;
	}
	return 0;
}

/* args[0] on the container's PATH, inside the new root. */
static int find_exe(int syncfd)
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
		if (stat(sb.exe, &st) == 0 && S_ISREG(st.st_mode))
			return 0;
		sync_reply(syncfd, "process.args[0]: exec \"%s\": %s", cmd,
			   errno ? strerror(errno) : "not a regular file");
		return -1;
	}
	while (*path) {
		const char *e = strchr(path, ':');
		size_t n = e ? (size_t)(e - path) : strlen(path);

		snprintf(sb.exe, sizeof(sb.exe), "%.*s/%s", (int)n, path, cmd);
		if (stat(sb.exe, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111))
			return 0;
		path += n;
		if (*path == ':')
			path++;
	}
	sync_reply(syncfd, "process.args[0]: exec \"%s\": executable file not found in $PATH", cmd);
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
	int sig, all;

	if (read_line(conn, line, sizeof(line), 5000) < 0)
		return;
	if (!strcmp(line, "ps")) {
		serve_ps(conn);
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
	sb.dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (sb.dirfd < 0) {
		sync_reply(syncfd, "%s: %s", dir, strerror(errno));
		return 125;
	}
	if (oci_config_load(bundle, &sb.cfg, &oerr) < 0) {
		sync_reply(syncfd, "%s", oerr.msg);
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
		sync_reply(syncfd, "config.json: root.path: %s", strerror(errno));
		return 125;
	}
	/* The sentry's log never mixes into the container's stderr: it goes
	 * to --debug-log DIR, or nowhere. */
	if (g->debug_log) {
		char p[4096];

		snprintf(p, sizeof(p), "%s/runsc.%s.boot.log", g->debug_log, sb.id);
		log_fd = open(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
		if (log_fd < 0) {
			sync_reply(syncfd, "--debug-log %s: %s", p, strerror(errno));
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
		sync_reply(syncfd, "control socket: %s", strerror(errno));
		return 125;
	}
	gethostname(hostname, sizeof(hostname) - 1);
	/* A private mount namespace, and ipc/uts ones, when permitted; the
	 * pid namespace was made by create. */
	have_mntns = unshare(CLONE_NEWNS) == 0;
	unshare(CLONE_NEWIPC);
	if (unshare(CLONE_NEWUTS) == 0 && sb.cfg.hostname)
		sethostname(sb.cfg.hostname, strlen(sb.cfg.hostname));
	/* The container's OOM score is the sandbox's: it holds all its memory. */
	if (sb.cfg.process.has_oom_score_adj) {
		int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
		char v[16];
		int n = snprintf(v, sizeof(v), "%d", sb.cfg.process.oom_score_adj);

		if (fd < 0 || write(fd, v, (size_t)n) != n) {
			sync_reply(syncfd, "process.oomScoreAdj: %s", strerror(errno));
			return 125;
		}
		close(fd);
	}
	preload_unwinder();
	if (setup_root(syncfd, have_mntns) < 0)
		return 125;
	if (find_exe(syncfd) < 0)
		return 125;
	sync_reply(syncfd, "ok");
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
		const struct oci_process *pr = &sb.cfg.process;

		id.uid = pr->uid;
		id.gid = pr->gid;
		id.ngroups = (uint32_t)(pr->ngids > 64 ? 64 : pr->ngids);
		for (uint32_t i = 0; i < id.ngroups; i++)
			id.groups[i] = pr->additional_gids[i];
		id.cap_bounding = pr->cap_bounding;
		id.cap_effective = pr->cap_effective;
		id.cap_inheritable = pr->cap_inheritable;
		id.cap_permitted = pr->cap_permitted;
		id.cap_ambient = pr->cap_ambient;
		id.no_new_privs = pr->no_new_privileges;
		for (size_t i = 0; i < pr->nrlimits && i < RLIM_NLIMITS; i++) {
			id.rlimits[i].resource = pr->rlimits[i].type;
			id.rlimits[i].soft = pr->rlimits[i].soft;
			id.rlimits[i].hard = pr->rlimits[i].hard;
			id.nrlimits++;
		}
		bc.identity = &id;
	}
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
