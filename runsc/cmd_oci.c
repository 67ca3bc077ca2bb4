/* `runsc spec`, `runsc features` and the commands that only read or remove
 * container state: `state`, `list`, `delete`. */
#define _GNU_SOURCE
#include "runsc/cgroup.h"
#include "runsc/hooks.h"
#include "runsc/oci.h"
#include "runsc/runsc.h"
#include "runsc/state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int cmd_spec(struct global_opts *g, int argc, char **argv)
{
	const char *bundle = ".";
	int rootless = 0, i, fd;
	const struct flag flags[] = {
		{ "bundle|b", FLAG_STR, &bundle, "directory to write config.json in" },
		{ "rootless", FLAG_BOOL, &rootless, "a spec for a rootless container" },
		{ 0 },
	};
	char path[4096], *text;
	size_t len, off = 0;

	i = flags_parse("spec", "[--rootless] [--bundle DIR]", flags, argc, argv);
	if (i < 0)
		return i == -2 ? 0 : 2;
	if (i != argc) {
		fprintf(stderr, "runsc spec: takes no arguments\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	text = oci_default_spec(rootless);
	if (!text) {
		runsc_error(g, "spec: out of memory");
		return 1;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		runsc_error(g, "spec: %s: %s%s", path, strerror(errno),
			    errno == EEXIST ? " (remove it first)" : "");
		free(text);
		return 1;
	}
	len = strlen(text);
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);

		if (n <= 0) {
			runsc_error(g, "spec: %s: %s", path, strerror(errno));
			free(text);
			close(fd);
			return 1;
		}
		off += (size_t)n;
	}
	if (text[len - 1] != '\n' && write(fd, "\n", 1) != 1) {
		runsc_error(g, "spec: %s: %s", path, strerror(errno));
		free(text);
		close(fd);
		return 1;
	}
	free(text);
	close(fd);
	return 0;
}

int cmd_features(struct global_opts *g, int argc, char **argv)
{
	const struct flag flags[] = { { 0 } };
	int i = flags_parse("features", "", flags, argc, argv);
	char *text;

	if (i < 0)
		return i == -2 ? 0 : 2;
	text = oci_features_json();
	if (!text) {
		runsc_error(g, "features: out of memory");
		return 1;
	}
	printf("%s\n", text);
	free(text);
	return 0;
}

/* The one operand of a per-container command. */
static const char *container_id(const char *cmd, const char *usage, int i, int argc, char **argv)
{
	if (argc - i != 1) {
		fprintf(stderr, "runsc %s: expects exactly one container ID\n", cmd);
		fprintf(stderr, "usage: runsc [global flags] %s %s\n", cmd, usage);
		return NULL;
	}
	return argv[i];
}

/* Open ROOT/ID and read its state; prints the error. */
int state_load(struct global_opts *g, const char *id, struct state_dir *d, struct state *s)
{
	int err = state_dir_open(state_root(g->root), id, d);

	if (err == -ENOENT || err == -EINVAL) {
		runsc_error(g, "container \"%s\" does not exist", id);
		return -1;
	}
	if (err < 0) {
		runsc_error(g, "%s/%s: %s", state_root(g->root), id, strerror(-err));
		return -1;
	}
	err = state_read(d, s);
	if (err < 0) {
		runsc_error(g, "container \"%s\": state.json: %s", id, strerror(-err));
		state_dir_close(d);
		return -1;
	}
	state_refresh(s);
	return 0;
}

int cmd_state(struct global_opts *g, int argc, char **argv)
{
	const struct flag flags[] = { { 0 } };
	int i = flags_parse("state", "ID", flags, argc, argv);
	struct state_dir d;
	struct state s;
	const char *id;
	char *text;
	json_t *j;

	if (i < 0)
		return i == -2 ? 0 : 2;
	if (!(id = container_id("state", "ID", i, argc, argv)))
		return 2;
	if (state_load(g, id, &d, &s))
		return 1;
	state_dir_close(&d);
	j = state_to_oci_json(&s);
	text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	printf("%s\n", text);
	free(text);
	json_decref(j);
	state_free(&s);
	return 0;
}

int cmd_list(struct global_opts *g, int argc, char **argv)
{
	const char *format = "table";
	int quiet = 0;
	const struct flag flags[] = {
		{ "format|f", FLAG_STR, &format, "table or json" },
		{ "quiet|q", FLAG_BOOL, &quiet, "print only the IDs" },
		{ 0 },
	};
	int i = flags_parse("list", "[--format table|json] [--quiet]", flags, argc, argv);
	const char *root = state_root(g->root);
	json_t *all = json_array();
	struct dirent **names = NULL;
	int n;

	if (i < 0)
		return i == -2 ? 0 : 2;
	if (i != argc || (strcmp(format, "table") && strcmp(format, "json"))) {
		fprintf(stderr, "usage: runsc [global flags] list [--format table|json] [--quiet]\n");
		return 2;
	}
	n = scandir(root, &names, NULL, alphasort);
	if (n < 0 && errno != ENOENT) {
		runsc_error(g, "list: %s: %s", root, strerror(errno));
		return 1;
	}
	if (!strcmp(format, "table") && !quiet)
		printf("%-20s %-8s %-10s %-40s %-32s %s\n", "ID", "PID", "STATUS", "BUNDLE",
		       "CREATED", "OWNER");
	for (int k = 0; k < n; k++) {
		struct state_dir d;
		struct state s;

		if (state_id_valid(names[k]->d_name) &&
		    state_dir_open(root, names[k]->d_name, &d) == 0) {
			if (state_read(&d, &s) == 0) {
				json_t *j;

				state_refresh(&s);
				j = state_to_oci_json(&s);
				if (quiet)
					printf("%s\n", s.id);
				else if (!strcmp(format, "table"))
					printf("%-20s %-8lld %-10s %-40s %-32s %s\n", s.id,
					       (long long)json_integer_value(json_object_get(j, "pid")),
					       s.status, s.bundle ? s.bundle : "", s.created, "root");
				json_array_append_new(all, j);
				state_free(&s);
			}
			state_dir_close(&d);
		}
		free(names[k]);
	}
	free(names);
	if (!strcmp(format, "json") && !quiet) {
		char *text = json_dumps(all, JSON_COMPACT);

		printf("%s\n", text);
		free(text);
	}
	json_decref(all);
	return 0;
}

/* SIGKILL the sandbox process and wait until it is gone (it is init of its
 * pid namespace, so its stubs die with it). */
int sandbox_kill_wait(int pid, unsigned long long start, int timeout_ms)
{
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd p;

	if (pfd < 0)
		return errno == ESRCH ? 0 : -errno;
	/* The pid may have been reused between state.json and pidfd_open. */
	if (!state_pid_alive(pid, start)) {
		close(pfd);
		return 0;
	}
	if (syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH) {
		int err = -errno;

		close(pfd);
		return err;
	}
	p.fd = pfd;
	p.events = POLLIN;
	while (poll(&p, 1, timeout_ms) < 0)
		if (errno != EINTR)
			break;
	close(pfd);
	return 0;
}

int cmd_delete(struct global_opts *g, int argc, char **argv)
{
	int force = 0, err;
	const struct flag flags[] = {
		{ "force|f", FLAG_BOOL, &force, "kill the container if it is running" },
		{ 0 },
	};
	int i = flags_parse("delete", "[--force] ID", flags, argc, argv);
	struct oci_config cfg;
	struct state_dir d;
	struct state s;
	const char *id;

	if (i < 0)
		return i == -2 ? 0 : 2;
	if (!(id = container_id("delete", "[--force] ID", i, argc, argv)))
		return 2;
	if (state_load(g, id, &d, &s)) {
		/* runc: deleting a missing container with --force is no error. */
		return force ? 0 : 1;
	}
	if ((!strcmp(s.status, "running") || !strcmp(s.status, "paused")) && !force) {
		runsc_error(g, "cannot delete container \"%s\" that is not stopped: %s", id, s.status);
		state_free(&s);
		state_dir_close(&d);
		return 1;
	}
	/* A created (never started) container is deleted like runc does:
	 * its sandbox is killed. */
	if (strcmp(s.status, "stopped"))
		sandbox_kill_wait(s.pid, s.pid_start, 5000);
	snprintf(s.status, sizeof(s.status), "stopped");
	{
		/* The sandbox's cgroup, now empty. */
		char rel[1300];
		int fd = openat(d.dirfd, CGROUP_STATE_FILE, O_RDONLY | O_CLOEXEC);
		ssize_t n = fd >= 0 ? read(fd, rel, sizeof(rel) - 1) : -1;

		if (fd >= 0)
			close(fd);
		if (n > 0) {
			rel[n] = '\0';
			cgroup_remove(rel);
		}
	}
	/* Spec: a failed poststop hook is a warning; delete goes on. */
	if (hooks_load(d.dirfd, &cfg) == 0) {
		hooks_run(g, &cfg, OCI_HOOK_POSTSTOP, &s);
		oci_config_free(&cfg);
	}
	err = state_dir_remove(&d);
	state_free(&s);
	if (err < 0) {
		runsc_error(g, "delete %s: %s", id, strerror(-err));
		return 1;
	}
	return 0;
}

int cmd_unimplemented(struct global_opts *g, int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: runsc [global flags] %s ...\n(not implemented yet)\n", argv[0]);
		return 0;
	}
	runsc_error(g, "%s: not implemented yet", argv[0]);
	return 1;
}
