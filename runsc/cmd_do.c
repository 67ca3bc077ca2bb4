/* `runsc do CMD [ARGS]`: run a command in a fresh sandbox over the host
 * root filesystem, with the caller's stdio, cwd and environment. The
 * sentry runs as init of a new pid namespace when that is allowed, so
 * nothing it started outlives it. */
#define _GNU_SOURCE
#include "runsc/runsc.h"
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
	pid_t pid;
	int i, status;

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
	if (unshare(CLONE_NEWPID) < 0) {
		/* Not allowed here: run the sentry in this process. */
		prctl(PR_SET_CHILD_SUBREAPER, 1);
		return sentry_boot(&cfg);
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
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			perror("runsc do: waitpid");
			return 125;
		}
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	fprintf(stderr, "runsc do: sentry killed by signal %d\n", WTERMSIG(status));
	return 128 + WTERMSIG(status);
}

int cmd_syscalls(struct global_opts *g, int argc, char **argv)
{
	(void)g;
	(void)argc;
	(void)argv;
	syscalls_print_table(stdout);
	return 0;
}
