/* `runsc exec`: run a new process in a running container.
 *
 * The CLI builds the OCI process (from --process FILE, or from the
 * container's own process with args, --env, --cwd, --user... applied),
 * connects to the sandbox's control socket and sends
 *   "exec LEN\n" LEN bytes of process JSON, then one byte carrying three
 *   host fds (the process's stdin, stdout, stderr) with SCM_RIGHTS.
 * The sandbox answers "ok PID\n" once the process runs (or "error MSG\n"),
 * and "exit STATUS\n" (a wait status) when it is gone. The CLI stands for
 * the process meanwhile: it forwards the signals it gets and exits with
 * the process's status (128+signal when killed), like runc exec.
 *
 * -d/--detach: a child of the CLI stays behind as that stand-in; the CLI
 * writes the child's pid to --pid-file and returns once the process runs,
 * so a supervisor (conmon) waits on the child for the exit status. */
#define _GNU_SOURCE
#include "runsc/hooks.h"
#include "runsc/oci.h"
#include "runsc/runsc.h"
#include "runsc/sandbox.h"
#include "runsc/state.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXEC_MAX_PROCESS (1u << 20)

struct exec_opts {
	const char *process;
	const char *pid_file;
	const char *console_socket;
	const char *cwd;
	const char *user;
	const char *process_label;
	const char *apparmor;
	int detach;
	int tty;
	int no_new_privs;
	int preserve_fds;
	struct flag_strv env;
	struct flag_strv gids;
	struct flag_strv caps;
};

static int read_file(const char *path, char **buf, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t n;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > EXEC_MAX_PROCESS) {
		int err = fstat(fd, &st) < 0 ? -errno : !S_ISREG(st.st_mode) ? -EINVAL : -EFBIG;

		close(fd);
		return err;
	}
	*buf = malloc((size_t)st.st_size + 1);
	if (!*buf) {
		close(fd);
		return -ENOMEM;
	}
	n = read(fd, *buf, (size_t)st.st_size);
	close(fd);
	if (n != st.st_size) {
		free(*buf);
		return n < 0 ? -errno : -EIO;
	}
	(*buf)[n] = '\0';
	*len = (size_t)n;
	return 0;
}

/* "uid[:gid]" of --user. */
static int parse_user(const char *s, json_int_t *uid, json_int_t *gid)
{
	char *end;
	unsigned long long u = strtoull(s, &end, 10), gv;

	if (end == s || (*end && *end != ':') || u >= 0xffffffffULL)
		return -1;
	*uid = (json_int_t)u;
	if (*end == ':') {
		const char *g = end + 1;

		gv = strtoull(g, &end, 10);
		if (end == g || *end || gv >= 0xffffffffULL)
			return -1;
		*gid = (json_int_t)gv;
	}
	return 0;
}

/* The process JSON to send: --process FILE as given, else the container's
 * own process with the command line applied. Returns a malloc'd string. */
static char *build_process(struct global_opts *g, const struct exec_opts *o, int dirfd,
			   char **args, int nargs)
{
	json_error_t jerr;
	json_t *proc, *user, *a;
	char *text;

	if (o->process) {
		struct oci_process p;
		struct oci_error err;
		size_t len = 0;
		int r;

		text = NULL;
		r = read_file(o->process, &text, &len);

		if (r < 0) {
			runsc_error(g, "exec: --process %s: %s", o->process, strerror(-r));
			return NULL;
		}
		/* Checked here too, so a bad file is this command's error. */
		if (oci_process_parse(text, len, &p, &err) < 0) {
			runsc_error(g, "exec: --process %s: %s", o->process, err.msg);
			free(text);
			return NULL;
		}
		oci_process_free(&p);
		return text;
	}
	if (nargs < 1) {
		runsc_error(g, "exec: no command given (and no --process)");
		return NULL;
	}
	{
		/* The container's config, kept in the state dir at create. */
		int fd = openat(dirfd, "config.json", O_RDONLY | O_CLOEXEC);
		json_t *root;

		if (fd < 0) {
			runsc_error(g, "exec: config.json of the container: %s", strerror(errno));
			return NULL;
		}
		root = json_loadfd(fd, 0, &jerr);
		close(fd);
		proc = root ? json_incref(json_object_get(root, "process")) : NULL;
		json_decref(root);
		if (!proc || !json_is_object(proc)) {
			runsc_error(g, "exec: config.json of the container has no process");
			json_decref(proc);
			return NULL;
		}
	}
	a = json_array();
	for (int i = 0; i < nargs; i++)
		json_array_append_new(a, json_string(args[i]));
	json_object_set_new(proc, "args", a);
	json_object_set_new(proc, "terminal", json_boolean(o->tty));
	json_object_del(proc, "consoleSize");
	if (o->cwd)
		json_object_set_new(proc, "cwd", json_string(o->cwd));
	if (o->env.n) {
		json_t *env = json_object_get(proc, "env");

		if (!json_is_array(env)) {
			env = json_array();
			json_object_set_new(proc, "env", env);
		}
		for (size_t i = 0; i < o->env.n; i++) {
			const char *eq = strchr(o->env.v[i], '=');
			size_t klen = eq ? (size_t)(eq - o->env.v[i]) : strlen(o->env.v[i]);
			size_t j;
			json_t *e;

			/* A later value for a name replaces the container's. */
			json_array_foreach(env, j, e) {
				const char *s = json_string_value(e);

				if (s && !strncmp(s, o->env.v[i], klen) && s[klen] == '=') {
					json_array_remove(env, j);
					break;
				}
			}
			json_array_append_new(env, json_string(o->env.v[i]));
		}
	}
	user = json_object_get(proc, "user");
	if (!json_is_object(user)) {
		user = json_pack("{s:i,s:i}", "uid", 0, "gid", 0);
		json_object_set_new(proc, "user", user);
	}
	if (o->user) {
		json_int_t uid, gid = 0;

		if (parse_user(o->user, &uid, &gid) < 0) {
			runsc_error(g, "exec: --user %s: must be UID[:GID]", o->user);
			json_decref(proc);
			return NULL;
		}
		json_object_set_new(user, "uid", json_integer(uid));
		json_object_set_new(user, "gid", json_integer(gid));
		json_object_del(user, "additionalGids");
	}
	if (o->gids.n) {
		json_t *ga = json_array();

		for (size_t i = 0; i < o->gids.n; i++) {
			char *end;
			unsigned long long v = strtoull(o->gids.v[i], &end, 10);

			if (end == o->gids.v[i] || *end || v >= 0xffffffffULL) {
				runsc_error(g, "exec: --additional-gids %s: not a gid", o->gids.v[i]);
				json_decref(ga);
				json_decref(proc);
				return NULL;
			}
			json_array_append_new(ga, json_integer((json_int_t)v));
		}
		json_object_set_new(user, "additionalGids", ga);
	}
	if (o->no_new_privs)
		json_object_set_new(proc, "noNewPrivileges", json_true());
	if (o->caps.n) {
		/* --cap adds to every set, as runc does. */
		json_t *caps = json_object_get(proc, "capabilities");
		static const char *const sets[] = { "bounding", "effective", "permitted" };

		if (!json_is_object(caps)) {
			caps = json_object();
			json_object_set_new(proc, "capabilities", caps);
		}
		for (size_t s = 0; s < 3; s++) {
			json_t *set = json_object_get(caps, sets[s]);

			if (!json_is_array(set)) {
				set = json_array();
				json_object_set_new(caps, sets[s], set);
			}
			for (size_t i = 0; i < o->caps.n; i++)
				json_array_append_new(set, json_string(o->caps.v[i]));
		}
	}
	text = json_dumps(proc, JSON_COMPACT);
	json_decref(proc);
	return text;
}

static int send_fds(int sock, const int fds[3])
{
	char cbuf[CMSG_SPACE(3 * sizeof(int))] = { 0 }, byte = 'F';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(3 * sizeof(int));
	memcpy(CMSG_DATA(c), fds, 3 * sizeof(int));
	return sendmsg(sock, &mh, MSG_NOSIGNAL) == 1 ? 0 : -errno;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One "\n"-terminated line from sock; -1 on EOF or error. */
static int recv_line(int sock, char *buf, size_t sz)
{
	size_t n = 0;

	while (n + 1 < sz) {
		ssize_t r = read(sock, buf + n, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
	return 0;
}

static int exec_status(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 255;
}

/* The stand-in: wait for "exit STATUS", forwarding our signals to the
 * process meanwhile. */
static int stand_in(struct global_opts *g, int dirfd, int sock, int pid, int sigfd)
{
	char line[128];

	for (;;) {
		struct pollfd p[2] = { { .fd = sock, .events = POLLIN },
				       { .fd = sigfd, .events = POLLIN } };
		int r = poll(p, sigfd >= 0 ? 2 : 1, -1), st;

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return 255;
		if (p[0].revents) {
			if (recv_line(sock, line, sizeof(line)) < 0)
				return 128 + SIGKILL;   /* the sandbox went away */
			if (sscanf(line, "exit %d", &st) == 1)
				return exec_status(st);
			continue;
		}
		if (sigfd >= 0 && p[1].revents) {
			struct signalfd_siginfo si;
			char req[64], reply[128];

			if (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
				snprintf(req, sizeof(req), "signal %d %u", pid, si.ssi_signo);
				control_request(dirfd, req, reply, sizeof(reply), 5000);
			}
		}
	}
	(void)g;
}

int cmd_exec(struct global_opts *g, int argc, char **argv)
{
	struct exec_opts o = { 0 };
	const struct flag flags[] = {
		{ "process|p", FLAG_STR, &o.process, "OCI process JSON file to run" },
		{ "detach|d", FLAG_BOOL, &o.detach, "return once the process runs" },
		{ "pid-file", FLAG_STR, &o.pid_file, "write the stand-in's pid here" },
		{ "console-socket", FLAG_STR, &o.console_socket, "send the pty master here (-t)" },
		{ "tty|t", FLAG_BOOL, &o.tty, "allocate a pseudo-terminal" },
		{ "cwd", FLAG_STR, &o.cwd, "working directory in the container" },
		{ "env|e", FLAG_STRV, &o.env, "set an environment variable (repeatable)" },
		{ "user|u", FLAG_STR, &o.user, "UID[:GID] to run as" },
		{ "additional-gids|g", FLAG_STRV, &o.gids, "additional group (repeatable)" },
		{ "cap|c", FLAG_STRV, &o.caps, "add a capability (repeatable)" },
		{ "no-new-privs", FLAG_BOOL, &o.no_new_privs, "set no_new_privs" },
		{ "preserve-fds", FLAG_INT, &o.preserve_fds, "pass N more fds (only 0)" },
		{ "process-label", FLAG_STR, &o.process_label, "SELinux label (unsupported)" },
		{ "apparmor", FLAG_STR, &o.apparmor, "AppArmor profile (unsupported)" },
		{ 0 },
	};
	const char *usage = "[flags] ID [COMMAND [ARGS...]]";
	int i = flags_parse("exec", usage, flags, argc, argv);
	struct state_dir d;
	struct state s;
	char *proc = NULL, hdr[64], line[512];
	int rc = 255, sock = -1, fds[3] = { 0, 1, 2 }, slave = -1, pid, sigfd = -1;
	int ready[2] = { -1, -1 };
	sigset_t set;

	if (i < 0)
		return i == -2 ? 0 : 2;
	if (argc - i < 1) {
		fprintf(stderr, "usage: runsc [global flags] exec %s\n", usage);
		return 2;
	}
	if (o.preserve_fds) {
		runsc_error(g, "exec: --preserve-fds is not supported");
		return 2;
	}
	if ((o.process_label && *o.process_label) || (o.apparmor && *o.apparmor)) {
		runsc_error(g, "exec: SELinux and AppArmor labels do not apply inside the sandbox");
		return 2;
	}
	if (state_load(g, argv[i], &d, &s))
		return 255;
	if (strcmp(s.status, "running")) {
		runsc_error(g, "exec: container \"%s\" is %s, not running", argv[i], s.status);
		goto out;
	}
	proc = build_process(g, &o, d.dirfd, argv + i + 1, argc - i - 1);
	if (!proc)
		goto out;
	{
		/* A terminal is the process's, from --process or -t. */
		json_t *pj = json_loads(proc, 0, NULL);

		if (pj && json_is_true(json_object_get(pj, "terminal")))
			o.tty = 1;
		json_decref(pj);
	}
	if (o.tty) {
		if (!o.console_socket) {
			runsc_error(g, "exec: a terminal needs --console-socket");
			goto out;
		}
		if (console_setup(g, o.console_socket, &slave) < 0)
			goto out;
		fds[0] = fds[1] = fds[2] = slave;
	}
	/* The stand-in forwards these to the process. */
	sigemptyset(&set);
	for (int sig = 1; sig < 32; sig++)
		if (sig != SIGKILL && sig != SIGSTOP && sig != SIGCHLD && sig != SIGSEGV &&
		    sig != SIGBUS && sig != SIGILL && sig != SIGFPE && sig != SIGTTIN &&
		    sig != SIGTTOU && sig != SIGTSTP && sig != SIGPIPE)
			sigaddset(&set, sig);
	if (o.detach) {
		pid_t child;

		if (pipe2(ready, O_CLOEXEC) < 0) {
			runsc_error(g, "exec: pipe: %s", strerror(errno));
			goto out;
		}
		child = fork();
		if (child < 0) {
			runsc_error(g, "exec: fork: %s", strerror(errno));
			goto out;
		}
		if (child > 0) {
			/* Wait for the stand-in to say the process runs; the state
			 * lock is the stand-in's now. */
			char c = 0;
			ssize_t n;

			state_dir_close(&d);
			d.dirfd = -1;

			close(ready[1]);
			ready[1] = -1;
			do
				n = read(ready[0], &c, 1);
			while (n < 0 && errno == EINTR);
			close(ready[0]);
			if (n != 1 || c != 'R') {
				int st;

				waitpid(child, &st, 0);
				rc = WIFEXITED(st) && WEXITSTATUS(st) ? WEXITSTATUS(st) : 255;
				goto out;
			}
			if (o.pid_file) {
				int err = write_pid_file(o.pid_file, child);

				if (err < 0) {
					runsc_error(g, "exec: --pid-file %s: %s", o.pid_file,
						    strerror(-err));
					kill(child, SIGKILL);
					goto out;
				}
			}
			rc = 0;
			goto out;
		}
		close(ready[0]);
		ready[0] = -1;
	}
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigfd = signalfd(-1, &set, SFD_CLOEXEC);
	snprintf(hdr, sizeof(hdr), "exec %zu", strlen(proc));
	sock = control_connect(d.dirfd, hdr);
	if (sock < 0) {
		runsc_error(g, "exec %s: sandbox unreachable: %s", argv[i], strerror(-sock));
		goto out;
	}
	if (send_all(sock, proc, strlen(proc)) < 0 || send_fds(sock, fds) < 0) {
		runsc_error(g, "exec %s: sending the request: %s", argv[i], strerror(errno));
		goto out;
	}
	if (slave >= 0) {
		close(slave);
		slave = -1;
	}
	if (recv_line(sock, line, sizeof(line)) < 0) {
		runsc_error(g, "exec %s: the sandbox closed the connection", argv[i]);
		goto out;
	}
	if (sscanf(line, "ok %d", &pid) != 1) {
		runsc_error(g, "exec %s: %s", argv[i], !strncmp(line, "error ", 6) ? line + 6 : line);
		goto out;
	}
	/* Our lock on the state dir must not outlive the request. */
	{
		int dfd = fcntl(d.dirfd, F_DUPFD_CLOEXEC, 3);

		state_dir_close(&d);
		d.dirfd = dfd;
	}
	if (ready[1] >= 0) {
		/* Detached: our parent may go; stdio stays with the process. */
		if (write(ready[1], "R", 1) != 1) {
			/* the parent is gone; carry on as the stand-in */
		}
		close(ready[1]);
		ready[1] = -1;
	}
	rc = stand_in(g, d.dirfd, sock, pid, sigfd);
	if (d.dirfd >= 0)
		close(d.dirfd);
	d.dirfd = -1;
	state_free(&s);
	free(proc);
	close(sock);
	if (o.detach)
		_exit(rc);
	return rc;
out:
	if (sock >= 0)
		close(sock);
	if (slave >= 0)
		close(slave);
	if (sigfd >= 0)
		close(sigfd);
	free(proc);
	state_free(&s);
	if (d.dirfd >= 0)
		state_dir_close(&d);
	if (ready[1] >= 0)
		_exit(rc == 0 ? 255 : rc);   /* the detached stand-in failed */
	return rc;
}
