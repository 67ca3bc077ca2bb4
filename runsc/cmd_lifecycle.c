/* Container lifecycle commands: create, start, kill, wait, run. `create`
 * forks the sandbox process (`runsc boot`, a re-exec of this binary) as
 * init of a new pid namespace and waits on a pipe until it is ready; the
 * other commands talk to it over the control socket in the state dir. */
#define _GNU_SOURCE
#include "runsc/cgroup.h"
#include "runsc/hooks.h"
#include "runsc/ns.h"
#include "runsc/oci.h"
#include "runsc/runsc.h"
#include "runsc/sandbox.h"
#include "runsc/state.h"

#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct create_opts {
	const char *bundle;
	const char *pid_file;
	const char *console_socket;
	int no_pivot;
	int no_new_keyring;
	int preserve_fds;
};

static void now_rfc3339(char *buf, size_t sz)
{
	struct timespec ts;
	struct tm tm;
	char sec[24];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(sec, sizeof(sec), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, sz, "%s.%09uZ", sec, (unsigned int)ts.tv_nsec % 1000000000u);
}

/* --pid-file, written atomically like runc does. */
int write_pid_file(const char *path, pid_t pid)
{
	char tmp[4200], text[32];
	int fd, n;

	snprintf(tmp, sizeof(tmp), "%s.runsc-tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	n = snprintf(text, sizeof(text), "%d", (int)pid);
	if (write(fd, text, (size_t)n) != n || fsync(fd) < 0 || rename(tmp, path) < 0) {
		int err = -errno;

		close(fd);
		unlink(tmp);
		return err;
	}
	close(fd);
	return 0;
}

/* --console-socket: a new pty whose master goes to the socket's listener
 * (SCM_RIGHTS) and whose slave becomes the container's stdio. */
int console_setup(struct global_opts *g, const char *sock_path, int *slave)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, name[] = "/dev/ptmx";
	struct iovec iov = { .iov_base = name, .iov_len = sizeof(name) - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	int master, sock = -1;

	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
		goto fail;
	*slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	if (*slave < 0)
		goto fail;
	if (strlen(sock_path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	strcpy(sa.sun_path, sock_path);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &master, sizeof(int));
	if (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0)
		goto fail;
	close(sock);
	close(master);
	return 0;
fail:
	runsc_error(g, "--console-socket %s: %s", sock_path, strerror(errno));
	if (sock >= 0)
		close(sock);
	if (master >= 0)
		close(master);
	return -1;
}

/* The sandbox process: re-exec of this binary as `runsc boot`. */
static void exec_boot(struct global_opts *g, const char *bundle, const char *id, int syncfd,
		      int console, int exe_fd)
{
	const char *args[32];
	char fdbuf[16];
	int n = 0;

	if (console >= 0) {
		dup2(console, 0);
		dup2(console, 1);
		dup2(console, 2);
	}
	if (syncfd != 3) {
		dup2(syncfd, 3);
		close(syncfd);
	} else {
		fcntl(3, F_SETFD, 0);
	}
	snprintf(fdbuf, sizeof(fdbuf), "%d", 3);
	args[n++] = "runsc";
	args[n++] = "--root";
	args[n++] = state_root(g->root);
	args[n++] = "--platform";
	args[n++] = g->platform;
	if (g->debug)
		args[n++] = "--debug";
	if (g->strace)
		args[n++] = "--strace";
	if (g->overlay) {
		static char ov[64];

		snprintf(ov, sizeof(ov), "--overlay=%s", g->overlay);
		args[n++] = ov;
	}
	if (g->debug_log) {
		args[n++] = "--debug-log";
		args[n++] = g->debug_log;
	}
	if (g->network) {
		args[n++] = "--network";
		args[n++] = g->network;
	}
	args[n++] = "boot";
	args[n++] = "--bundle";
	args[n++] = bundle;
	args[n++] = "--sync-fd";
	args[n++] = fdbuf;
	args[n++] = id;
	args[n] = NULL;
	/* By fd: a mount namespace joined by path may have another /proc. */
	if (exe_fd >= 0)
		syscall(SYS_execveat, exe_fd, "", (char **)args, environ, AT_EMPTY_PATH);
	execv("/proc/self/exe", (char **)args);
	fprintf(stderr, "runsc: exec /proc/self/exe: %s\n", strerror(errno));
	_exit(125);
}

/* Keep the config in the state dir, for the hooks of start and delete. */
static int copy_config(const char *bundle, int dirfd)
{
	char path[PATH_MAX + 16], buf[65536];
	int in, out, err = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/config.json", bundle);
	in = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (in < 0)
		return -errno;
	out = openat(dirfd, "config.json", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		     0600);
	if (out < 0) {
		err = -errno;
		close(in);
		return err;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			err = -EIO;
			break;
		}
	if (n < 0)
		err = -errno;
	close(in);
	close(out);
	return err;
}

/* Create container id; on success *pid is the sandbox's host pid. Leaves
 * no state behind on failure. */
static int do_create(struct global_opts *g, const struct create_opts *o, const char *id,
		     pid_t *pidp)
{
	char bundle[PATH_MAX], reply[1024], rootfs[PATH_MAX * 2], cgrel[1200] = "";
	struct oci_config cfg;
	struct oci_error oerr;
	struct state_dir d;
	struct state s = { .exit_status = -1 };
	int syncp[2] = { -1, -1 }, console = -1, err, status, r;
	int c2p[2] = { -1, -1 }, p2c[2] = { -1, -1 }, savepid = -1;
	struct ns_plan plan = { .exe_fd = -1 };
	pid_t pid = -1;
	size_t n = 0;

	if (!state_id_valid(id)) {
		runsc_error(g, "invalid container ID \"%.64s\": [A-Za-z0-9][A-Za-z0-9_+.-]*, at most %d bytes",
			    id, STATE_MAX_ID);
		return -1;
	}
	if (!realpath(o->bundle, bundle)) {
		runsc_error(g, "bundle %s: %s", o->bundle, strerror(errno));
		return -1;
	}
	if (oci_config_load(bundle, &cfg, &oerr) < 0) {
		runsc_error(g, "%s", oerr.msg);
		return -1;
	}
	if (o->preserve_fds > 0) {
		runsc_error(g, "--preserve-fds: not supported yet");
		oci_config_free(&cfg);
		return -1;
	}
	/* These run inside the container's namespaces, which are the
	 * sandbox's own: no host binary can run there. */
	if (cfg.nhooks[OCI_HOOK_CREATE_CONTAINER] || cfg.nhooks[OCI_HOOK_START_CONTAINER]) {
		runsc_error(g, "config.json: hooks.%s: not supported in a sandbox",
			    cfg.nhooks[OCI_HOOK_CREATE_CONTAINER] ? "createContainer" :
			    "startContainer");
		oci_config_free(&cfg);
		return -1;
	}
	{
		char nerr[600];

		if (ns_prepare(&cfg, g->network, &plan, nerr, sizeof(nerr)) < 0) {
			runsc_error(g, "config.json: %s", nerr);
			oci_config_free(&cfg);
			return -1;
		}
	}
	err = state_dir_create(state_root(g->root), id, &d);
	if (err < 0) {
		ns_release(&plan);
		if (err == -EEXIST)
			runsc_error(g, "container \"%s\" already exists", id);
		else
			runsc_error(g, "%s/%s: %s", state_root(g->root), id, strerror(-err));
		oci_config_free(&cfg);
		return -1;
	}
	snprintf(s.id, sizeof(s.id), "%s", id);
	snprintf(s.status, sizeof(s.status), "creating");
	now_rfc3339(s.created, sizeof(s.created));
	s.bundle = bundle;
	if (cfg.root_path[0] == '/')
		snprintf(rootfs, sizeof(rootfs), "%s", cfg.root_path);
	else
		snprintf(rootfs, sizeof(rootfs), "%s/%s", bundle, cfg.root_path);
	s.rootfs = rootfs;
	s.annotations = json_object();
	for (size_t i = 0; i < cfg.nannotations; i++)
		json_object_set_new(s.annotations, cfg.annotations[i].key,
				    json_string(cfg.annotations[i].value));
	if ((err = state_write(&d, &s)) < 0) {
		runsc_error(g, "state.json: %s", strerror(-err));
		goto fail;
	}
	if ((err = copy_config(bundle, d.dirfd)) < 0) {
		runsc_error(g, "config.json: copy to the state dir: %s", strerror(-err));
		goto fail;
	}
	if (o->console_socket && console_setup(g, o->console_socket, &console) < 0)
		goto fail;
	if (pipe2(syncp, O_CLOEXEC) < 0) {
		runsc_error(g, "pipe: %s", strerror(errno));
		goto fail;
	}
	/* A new user namespace: the sandbox makes it once it has joined the
	 * namespaces given by path, and waits for its maps (c2p, p2c). */
	if (plan.new_user && (pipe2(c2p, O_CLOEXEC) < 0 || pipe2(p2c, O_CLOEXEC) < 0)) {
		runsc_error(g, "pipe: %s", strerror(errno));
		goto fail;
	}
	/* The sandbox is init of a new pid namespace (unless the config names
	 * one to join), so it and all its stubs die together; without the
	 * privilege, it is not. clone() rather than unshare(): this process's
	 * later children (hooks) stay in ours. The child only joins
	 * namespaces and execs, so skipping fork's atfork handlers is fine. */
	fflush(NULL);
	if ((r = ns_pid_enter(&plan, &savepid)) < 0) {
		runsc_error(g, "config.json: linux.namespaces: joining the pid namespace: %s",
			    strerror(-r));
		goto fail;
	}
	pid = (pid_t)syscall(SYS_clone, (ns_clone_flags(&plan) & ~(unsigned long)CLONE_NEWUSER) |
				       SIGCHLD, NULL, NULL, NULL, 0);
	/* Unprivileged: no new pid namespace (boot then says what it
	 * cannot do without root). */
	if (pid < 0 && (errno == EPERM || errno == EINVAL) && plan.fds[OCI_NS_PID] < 0 &&
	    !plan.new_user)
		pid = fork();
	ns_pid_leave(savepid);
	if (pid < 0) {
		runsc_error(g, "clone: %s", strerror(errno));
		goto fail;
	}
	if (pid == 0) {
		enum oci_ns_type which = OCI_NS_COUNT;
		char c = 0;

		close(syncp[0]);
		if ((r = ns_join(&plan, &which)) < 0) {
			fd_line(syncp[1], "config.json: linux.namespaces: joining the %s namespace: %s",
				oci_ns_name(which), strerror(-r));
			_exit(125);
		}
		if (plan.new_user) {
			/* Our ends only: a parent that dies gives EOF. */
			close(c2p[0]);
			close(p2c[1]);
			if (unshare(CLONE_NEWUSER) < 0) {
				fd_line(syncp[1], "config.json: linux.namespaces: new user namespace: %s",
					strerror(errno));
				_exit(125);
			}
			if (write(c2p[1], "u", 1) != 1 || read(p2c[0], &c, 1) != 1 || c != 'm')
				_exit(125);
			/* Root of the new namespace, so exec keeps the caps. */
			if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
				fd_line(syncp[1], "config.json: linux.uidMappings: becoming root of the "
					"user namespace: %s", strerror(errno));
				_exit(125);
			}
			setgroups(0, NULL);
		}
		exec_boot(g, bundle, id, syncp[1], console, plan.exe_fd);
	}
	if (plan.new_user) {
		char c = 0, merr[600];

		close(c2p[1]);
		c2p[1] = -1;
		close(p2c[0]);
		p2c[0] = -1;
		if (read(c2p[0], &c, 1) != 1) {
			/* The child said why on the sync pipe. */
		} else if (ns_write_idmaps(&cfg, pid, merr, sizeof(merr)) < 0) {
			runsc_error(g, "config.json: %s", merr);
			goto fail;
		} else {
			uid_t ru;
			gid_t rg;

			/* The sandbox runs as the container's root: it keeps its
			 * state dir. */
			ns_root_ids(&cfg, &ru, &rg);
			if (fchown(d.dirfd, ru, rg) < 0 ||
			    fchownat(d.dirfd, "lock", ru, rg, AT_SYMLINK_NOFOLLOW) < 0 ||
			    fchownat(d.dirfd, "state.json", ru, rg, AT_SYMLINK_NOFOLLOW) < 0 ||
			    fchownat(d.dirfd, "config.json", ru, rg, AT_SYMLINK_NOFOLLOW) < 0) {
				/* The sandbox will say what it cannot open. */
			}
			if (write(p2c[1], "m", 1) != 1) {
				/* It died: the sync pipe tells. */
			}
		}
	}
	close(syncp[1]);
	syncp[1] = -1;
	{
		/* The whole sandbox goes into the container's cgroup, with its
		 * limits, before it runs guest code. */
		char rel[1200], cgerr[1400];
		int fd;

		if ((r = cgroup_path_for(g, &cfg, id, rel, sizeof(rel))) < 0) {
			runsc_error(g, "linux.cgroupsPath: %s: not slice:prefix:name", cfg.cgroups_path);
			goto fail;
		}
		r = cgroup_apply(&cfg, rel, pid, cgerr, sizeof(cgerr));
		if (r < 0) {
			runsc_error(g, "%s", cgerr);
			snprintf(cgrel, sizeof(cgrel), "%s", rel);
			goto fail;
		}
		if (r == 0)
			snprintf(cgrel, sizeof(cgrel), "%s", rel);
		fd = r == 0 ? openat(d.dirfd, CGROUP_STATE_FILE, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : -1;
		if (fd >= 0) {
			if (write(fd, rel, strlen(rel)) < 0) {
				/* delete will leave an empty cgroup behind */
			}
			close(fd);
		}
	}
	if (console >= 0)
		close(console);
	console = -1;
	/* One line: "ok", or the error that stopped the sandbox. */
	while (n + 1 < sizeof(reply)) {
		r = (int)read(syncp[0], reply + n, sizeof(reply) - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
		if (memchr(reply, '\n', n))
			break;
	}
	reply[n] = '\0';
	if (strchr(reply, '\n'))
		*strchr(reply, '\n') = '\0';
	if (strcmp(reply, "ok")) {
		if (reply[0])
			runsc_error(g, "%s", reply);
		else
			runsc_error(g, "the sandbox process died while starting");
		goto fail;
	}
	close(syncp[0]);
	syncp[0] = -1;
	s.pid = pid;
	s.pid_start = state_pid_start_time(pid);
	snprintf(s.status, sizeof(s.status), "created");
	if ((err = state_write(&d, &s)) < 0) {
		runsc_error(g, "state.json: %s", strerror(-err));
		goto fail;
	}
	if (plan.new_user) {
		uid_t ru;
		gid_t rg;

		/* The sandbox records its exit there as the container's root. */
		ns_root_ids(&cfg, &ru, &rg);
		if (fchownat(d.dirfd, "state.json", ru, rg, AT_SYMLINK_NOFOLLOW) < 0) {
			/* Then `state` learns of the exit from the dead pid. */
		}
	}
	if (o->pid_file && (err = write_pid_file(o->pid_file, pid)) < 0) {
		runsc_error(g, "--pid-file %s: %s", o->pid_file, strerror(-err));
		goto fail;
	}
	if (hooks_run(g, &cfg, OCI_HOOK_PRESTART, &s) < 0 ||
	    hooks_run(g, &cfg, OCI_HOOK_CREATE_RUNTIME, &s) < 0)
		goto fail;
	for (int k = 0; k < 2; k++) {
		if (c2p[k] >= 0)
			close(c2p[k]);
		if (p2c[k] >= 0)
			close(p2c[k]);
	}
	ns_release(&plan);
	oci_config_free(&cfg);
	json_decref(s.annotations);
	state_dir_close(&d);
	if (pidp)
		*pidp = pid;
	return 0;
fail:
	for (int k = 0; k < 2; k++) {
		if (c2p[k] >= 0)
			close(c2p[k]);
		if (p2c[k] >= 0)
			close(p2c[k]);
	}
	ns_release(&plan);
	if (pid > 0) {
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	if (cgrel[0])
		cgroup_remove(cgrel);
	if (syncp[0] >= 0)
		close(syncp[0]);
	if (syncp[1] >= 0)
		close(syncp[1]);
	if (console >= 0)
		close(console);
	oci_config_free(&cfg);
	json_decref(s.annotations);
	state_dir_remove(&d);
	return -1;
}

static const char create_usage[] =
	"--bundle DIR [--pid-file FILE] [--console-socket SOCK] [--no-pivot] ID";

#define CREATE_FLAGS(o)                                                                   \
	{ "bundle|b", FLAG_STR, &(o).bundle, "the bundle directory (default .)" },        \
	{ "pid-file", FLAG_STR, &(o).pid_file, "write the sandbox's pid here" },          \
	{ "console-socket", FLAG_STR, &(o).console_socket, "send a pty master here" },    \
	{ "no-pivot", FLAG_BOOL, &(o).no_pivot, "accepted; the root is always pivoted" }, \
	{ "no-new-keyring", FLAG_BOOL, &(o).no_new_keyring, "accepted" },                 \
	{ "preserve-fds", FLAG_INT, &(o).preserve_fds, "extra fds to pass (not yet)" }

int cmd_create(struct global_opts *g, int argc, char **argv)
{
	struct create_opts o = { .bundle = "." };
	const struct flag flags[] = { CREATE_FLAGS(o), { 0 } };
	int i = flags_parse("create", create_usage, flags, argc, argv);

	if (i < 0)
		return i == -2 ? 0 : 2;
	if (argc - i != 1) {
		fprintf(stderr, "runsc create: expects exactly one container ID\n");
		fprintf(stderr, "usage: runsc [global flags] create %s\n", create_usage);
		return 2;
	}
	return do_create(g, &o, argv[i], NULL) ? 1 : 0;
}

static int do_start(struct global_opts *g, const char *id)
{
	struct oci_config cfg;
	struct state_dir d;
	struct state s;
	char reply[256];
	int err, rc = 1;

	if (state_load(g, id, &d, &s))
		return 1;
	if (strcmp(s.status, "created")) {
		runsc_error(g, "cannot start container \"%s\": it is %s, not created", id, s.status);
		goto out;
	}
	err = control_request(d.dirfd, "start", reply, sizeof(reply), 30000);
	if (err < 0) {
		runsc_error(g, "start %s: sandbox unreachable: %s", id, strerror(-err));
		goto out;
	}
	if (strcmp(reply, "ok")) {
		runsc_error(g, "start %s: %s", id, !strncmp(reply, "error ", 6) ? reply + 6 : reply);
		goto out;
	}
	snprintf(s.status, sizeof(s.status), "running");
	if ((err = state_write(&d, &s)) < 0) {
		runsc_error(g, "state.json: %s", strerror(-err));
		goto out;
	}
	rc = 0;
	/* Spec: a failed poststart hook is a warning; the container runs. */
	if (hooks_load(d.dirfd, &cfg) == 0) {
		hooks_run(g, &cfg, OCI_HOOK_POSTSTART, &s);
		oci_config_free(&cfg);
	}
out:
	state_free(&s);
	state_dir_close(&d);
	return rc;
}

int cmd_start(struct global_opts *g, int argc, char **argv)
{
	const struct flag flags[] = { { 0 } };
	int i = flags_parse("start", "ID", flags, argc, argv);

	if (i < 0)
		return i == -2 ? 0 : 2;
	if (argc - i != 1) {
		fprintf(stderr, "usage: runsc [global flags] start ID\n");
		return 2;
	}
	return do_start(g, argv[i]);
}

/* A signal by name (TERM, SIGTERM) or number. */
static int parse_signal(const char *s)
{
	char *end;
	long n;

	if (s[0] >= '0' && s[0] <= '9') {
		n = strtol(s, &end, 10);
		return *end || n < 1 || n > 64 ? -1 : (int)n;
	}
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (int sig = 1; sig < 32; sig++) {
		const char *name = sigabbrev_np(sig);

		if (name && !strcasecmp(name, s))
			return sig;
	}
	if (!strncasecmp(s, "RTMIN+", 6)) {
		n = strtol(s + 6, &end, 10);
		if (!*end && n >= 0 && SIGRTMIN + n <= SIGRTMAX)
			return SIGRTMIN + (int)n;
	}
	return -1;
}

static int do_kill(struct global_opts *g, const char *id, int sig, bool all)
{
	struct state_dir d;
	struct state s;
	char req[64], reply[256];
	int err, rc = 1;

	if (state_load(g, id, &d, &s))
		return 1;
	if (strcmp(s.status, "created") && strcmp(s.status, "running") &&
	    strcmp(s.status, "paused")) {
		runsc_error(g, "container \"%s\" is not running", id);
		goto out;
	}
	snprintf(req, sizeof(req), "kill %d %d", sig, all ? 1 : 0);
	err = control_request(d.dirfd, req, reply, sizeof(reply), 10000);
	if (err < 0) {
		runsc_error(g, "kill %s: sandbox unreachable: %s", id, strerror(-err));
		goto out;
	}
	if (strcmp(reply, "ok")) {
		runsc_error(g, "kill %s: %s", id, !strncmp(reply, "error ", 6) ? reply + 6 : reply);
		goto out;
	}
	rc = 0;
out:
	state_free(&s);
	state_dir_close(&d);
	return rc;
}

int cmd_kill(struct global_opts *g, int argc, char **argv)
{
	int all = 0, sig = SIGTERM;
	const struct flag flags[] = {
		{ "all|a", FLAG_BOOL, &all, "signal every process of the container" },
		{ 0 },
	};
	int i = flags_parse("kill", "[--all] ID [SIGNAL]", flags, argc, argv);

	if (i < 0)
		return i == -2 ? 0 : 2;
	if (argc - i < 1 || argc - i > 2) {
		fprintf(stderr, "usage: runsc [global flags] kill [--all] ID [SIGNAL]\n");
		return 2;
	}
	if (argc - i == 2 && (sig = parse_signal(argv[i + 1])) < 0) {
		runsc_error(g, "kill: unknown signal \"%.32s\"", argv[i + 1]);
		return 2;
	}
	return do_kill(g, argv[i], sig, all);
}

/* Wait for the sandbox of id to end; returns its exit status, or -1.
 * sigfd >= 0: signals read there are forwarded to the container. */
static int do_wait(struct global_opts *g, const char *id, int sigfd)
{
	struct state_dir d;
	struct state s;
	int pfd, status;

	if (state_load(g, id, &d, &s))
		return -1;
	state_dir_close(&d);
	pfd = (int)syscall(SYS_pidfd_open, s.pid, 0);
	if (pfd >= 0 && state_pid_alive(s.pid, s.pid_start)) {
		for (;;) {
			struct pollfd p[2] = { { .fd = pfd, .events = POLLIN },
					       { .fd = sigfd, .events = POLLIN } };
			int r = poll(p, sigfd >= 0 ? 2 : 1, -1);

			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0 || p[0].revents)
				break;
			if (p[1].revents) {
				struct signalfd_siginfo si;

				if (read(sigfd, &si, sizeof(si)) == sizeof(si))
					do_kill(g, id, (int)si.ssi_signo, false);
			}
		}
	}
	if (pfd >= 0)
		close(pfd);
	state_free(&s);
	if (state_load(g, id, &d, &s))
		return -1;
	state_dir_close(&d);
	status = s.exit_status;
	state_free(&s);
	/* No status recorded: the sandbox was killed (delete --force). */
	return status >= 0 ? status : 128 + SIGKILL;
}

int cmd_wait(struct global_opts *g, int argc, char **argv)
{
	const struct flag flags[] = { { 0 } };
	int i = flags_parse("wait", "ID", flags, argc, argv), status;

	if (i < 0)
		return i == -2 ? 0 : 2;
	if (argc - i != 1) {
		fprintf(stderr, "usage: runsc [global flags] wait ID\n");
		return 2;
	}
	status = do_wait(g, argv[i], -1);
	if (status < 0)
		return 1;
	printf("%d\n", status);
	return status;
}

int cmd_run(struct global_opts *g, int argc, char **argv)
{
	struct create_opts o = { .bundle = "." };
	int detach = 0, keep = 0;
	const struct flag flags[] = {
		CREATE_FLAGS(o),
		{ "detach|d", FLAG_BOOL, &detach, "return once started" },
		{ "keep", FLAG_BOOL, &keep, "do not delete the container when it stops" },
		{ 0 },
	};
	int i = flags_parse("run", "[-d] --bundle DIR [--pid-file FILE] ID", flags, argc, argv);
	int status, sigfd;
	char *id;
	sigset_t set;

	if (i < 0)
		return i == -2 ? 0 : 2;
	if (argc - i != 1) {
		fprintf(stderr, "usage: runsc [global flags] run [-d] --bundle DIR [--pid-file FILE] ID\n");
		return 2;
	}
	id = argv[i];
	if (do_create(g, &o, id, NULL))
		return 1;
	/* From here the CLI stands for the container: the terminal's signals
	 * reach it through us. */
	sigemptyset(&set);
	for (int sig = 1; sig < 32; sig++)
		if (sig != SIGKILL && sig != SIGSTOP && sig != SIGCHLD && sig != SIGSEGV &&
		    sig != SIGBUS && sig != SIGILL && sig != SIGFPE && sig != SIGTTIN &&
		    sig != SIGTTOU && sig != SIGTSTP && sig != SIGPIPE)
			sigaddset(&set, sig);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (do_start(g, id)) {
		char *del[] = { "delete", "--force", id, NULL };

		cmd_delete(g, 3, del);
		return 1;
	}
	if (detach)
		return 0;
	status = do_wait(g, id, sigfd);
	if (!keep) {
		char *del[] = { "delete", "--force", id, NULL };

		cmd_delete(g, 3, del);
	}
	return status < 0 ? 1 : status;
}
