/* `runsc do CMD [ARGS]`: run a command in a fresh sandbox over the host
 * root filesystem, with the caller's stdio, cwd and environment. The
 * sentry runs as init of a new pid namespace when that is allowed, so
 * nothing it started outlives it. */
#define _GNU_SOURCE
#include "runsc/host_filter.h"
#include "runsc/runsc.h"
#include "runsc/gofer.h"
#include "syscalls/table.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* PATH lookup, as a shell would do for the command name. */
static char *find_in_path(const char *cmd)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (strchr(cmd, '/'))
		return strdup(cmd);
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		const char *e = strchr(path, ':');
		size_t n = e ? (size_t)(e - path) : strlen(path);
		struct stat st;

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, cmd);
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111))
			return strdup(buf);
		path += n;
		if (*path == ':')
			path++;
	}
	return NULL;
}

/* Start the gofer over the host root for the sentry (gofer_boot). */
static int start_gofer(struct global_opts *g, pid_t *gpid)
{
	struct gofer_config gc = { .nmounts = 1, .debug = g->debug && g->debug_log };
	bool rw = g->overlay && !strcmp(g->overlay, "none");
	char log[4096];
	int sock, e;

	if (g->debug_log) {
		snprintf(log, sizeof(log), "%s/runsc.do.gofer.log", g->debug_log);
		gc.log = log;
	}

	gc.mounts[0].source = "/";
	gc.mounts[0].rdonly = !rw;
	e = gofer_spawn(&gc, gpid, &sock);
	if (e < 0)
		return e;
	gofer_boot.sock = sock;
	gofer_boot.n = 1;
	gofer_boot.m[0].dest = "/";
	gofer_boot.m[0].rdonly = !rw;
	return 0;
}

/* After the sentry: the gofer has seen its socket close; reap it. */
static void stop_gofer(pid_t gpid)
{
	if (gofer_boot.sock >= 0)
		close(gofer_boot.sock);
	gofer_boot.sock = -1;
	if (gpid > 0)
		while (waitpid(gpid, NULL, 0) < 0 && errno == EINTR)
			;
}

static void do_usage(FILE *out)
{
	fprintf(out, "usage: runsc [global flags] do [--strace] [--debug] [--hostname NAME] CMD [ARGS...]\n");
}

int cmd_do(struct global_opts *g, int argc, char **argv)
{
	struct boot_config cfg = { .platform = g->platform, .debug = g->debug,
				   .strace = g->strace };
	char cwd[4096], host[65] = "";
	char *exe;
	pid_t pid, gpid = -1;
	int i, status, e;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else if (!strcmp(argv[i], "--strace")) {
			cfg.strace = 1;
		} else if (!strcmp(argv[i], "--debug")) {
			cfg.debug = 1;
		} else if (!strncmp(argv[i], "--platform=", 11)) {
			cfg.platform = argv[i] + 11;
		} else if (!strcmp(argv[i], "--hostname") && i + 1 < argc) {
			cfg.hostname = argv[++i];
		} else if (!strcmp(argv[i], "--help")) {
			do_usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "runsc do: unknown flag %s\n", argv[i]);
			do_usage(stderr);
			return 2;
		}
	}
	if (i >= argc) {
		do_usage(stderr);
		return 2;
	}
	exe = find_in_path(argv[i]);
	if (!exe) {
		fprintf(stderr, "runsc do: %s: command not found\n", argv[i]);
		return 127;
	}
	if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, "/");
	if (!cfg.hostname) {
		gethostname(host, sizeof(host) - 1);
		cfg.hostname = host;
	}
	/* init runs exe, with argv[0] as typed. */
	cfg.exe = exe;
	cfg.argv = argv + i;
	cfg.envp = environ;
	cfg.cwd = cwd;
	cfg.root_overlay = !(g->overlay && !strcmp(g->overlay, "none"));
	/* The gofer serves the host root: read-only, unless --overlay=none
	 * asks to write through to the host. Started before the new pid
	 * namespace so the sentry, not the gofer, is its init. */
	if ((e = start_gofer(g, &gpid)) < 0) {
		fprintf(stderr, "runsc do: cannot start the gofer, the only door to host files "
				"(it needs root for its mount namespace): %s\n", strerror(-e));
		return 125;
	}
	if (unshare(CLONE_NEWPID) < 0) {
		/* Not allowed here: run the sentry in this process. */
		prctl(PR_SET_CHILD_SUBREAPER, 1);
		status = sentry_boot(&cfg);
		stop_gofer(gpid);
		return status;
	}
	pid = fork();
	if (pid < 0) {
		perror("runsc do: fork");
		return 125;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		_exit(sentry_boot(&cfg));
	}
	/* The sentry holds the gofer socket now; the gofer exits when it does. */
	if (gofer_boot.sock >= 0)
		close(gofer_boot.sock);
	gofer_boot.sock = -1;
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			perror("runsc do: waitpid");
			return 125;
		}
	}
	stop_gofer(gpid);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	fprintf(stderr, "runsc do: sentry killed by signal %d\n", WTERMSIG(status));
	return 128 + WTERMSIG(status);
}

int cmd_syscalls(struct global_opts *g, int argc, char **argv)
{
	int host = 0;
	const struct flag flags[] = {
		{ "host-filter", FLAG_BOOL, &host, "print the host syscalls the sentry may make" },
		{ 0 },
	};
	int i = flags_parse("syscalls", "[--host-filter]", flags, argc, argv);

	(void)g;
	if (i < 0)
		return i == -2 ? 0 : 2;
	if (i != argc) {
		fprintf(stderr, "usage: runsc [global flags] syscalls [--host-filter]\n");
		return 2;
	}
	if (host)
		host_filter_print(stdout);
	else
		syscalls_print_table(stdout);
	return 0;
}
