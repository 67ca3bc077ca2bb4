/* OCI hooks that run in the runtime's namespaces: prestart and
 * createRuntime at create, poststart after start, poststop at delete.
 * Each gets the container's state JSON on stdin; a timeout kills it. */
#define _GNU_SOURCE
#include "runsc/hooks.h"
#include "runsc/runsc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const kind_names[OCI_HOOK_KINDS] = {
	[OCI_HOOK_PRESTART] = "prestart", [OCI_HOOK_CREATE_RUNTIME] = "createRuntime",
	[OCI_HOOK_CREATE_CONTAINER] = "createContainer",
	[OCI_HOOK_START_CONTAINER] = "startContainer", [OCI_HOOK_POSTSTART] = "poststart",
	[OCI_HOOK_POSTSTOP] = "poststop",
};

static int run_one(struct global_opts *g, const struct oci_hook *h, const char *what,
		   const char *state)
{
	char *const empty[] = { NULL };
	char *argv0[] = { h->path, NULL };
	int in[2], status, pfd;
	long waited = 0, limit = h->timeout > 0 ? h->timeout * 1000L : -1;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) < 0) {
		runsc_error(g, "%s: pipe: %s", what, strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		runsc_error(g, "%s: fork: %s", what, strerror(errno));
		close(in[0]);
		close(in[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(in[0], 0);
		execve(h->path, h->args && h->args[0] ? h->args : argv0, h->env ? h->env : empty);
		_exit(127);
	}
	close(in[0]);
	/* A hook that does not read its stdin gets EPIPE, not SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	if (write(in[1], state, strlen(state)) < 0) {
		/* it may not care about the state */
	}
	close(in[1]);
	pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	for (;;) {
		struct pollfd p = { .fd = pfd, .events = POLLIN };
		int r;

		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		if (limit >= 0 && waited >= limit) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			if (pfd >= 0)
				close(pfd);
			runsc_error(g, "%s: %s timed out after %d s", what, h->path, h->timeout);
			return -1;
		}
		r = pfd >= 0 ? poll(&p, 1, 100) : usleep(100000);
		(void)r;
		waited += 100;
	}
	if (pfd >= 0)
		close(pfd);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		runsc_error(g, "%s: %s %s %d", what, h->path,
			    WIFEXITED(status) ? "exited with status" : "killed by signal",
			    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		return -1;
	}
	return 0;
}

int hooks_run(struct global_opts *g, const struct oci_config *cfg, enum oci_hook_kind kind,
	      const struct state *s)
{
	json_t *j;
	char *text, what[64];
	int rc = 0;

	if (!cfg->nhooks[kind])
		return 0;
	j = state_to_oci_json(s);
	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!text)
		return -1;
	for (size_t i = 0; i < cfg->nhooks[kind] && !rc; i++) {
		snprintf(what, sizeof(what), "hooks.%s[%zu]", kind_names[kind], i);
		rc = run_one(g, &cfg->hooks[kind][i], what, text);
	}
	free(text);
	return rc;
}

int hooks_load(int dirfd, struct oci_config *cfg)
{
	struct oci_error err;
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d/config.json", dirfd);
	return oci_config_read(path, cfg, &err);
}
