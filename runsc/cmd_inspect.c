/* Commands that look into a running sandbox over its control socket:
 * `runsc ps` (the container's processes, guest pids) and `runsc debug
 * --stacks` (backtraces of every sentry thread). */
#define _GNU_SOURCE
#include "runsc/runsc.h"
#include "runsc/sandbox.h"
#include "runsc/state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The control socket of a created or running container, after sending
 * req; prints the error. */
static int connect_running(struct global_opts *g, const char *id, const char *req)
{
	struct state_dir d;
	struct state s;
	int fd;

	if (state_load(g, id, &d, &s))
		return -1;
	if (strcmp(s.status, "created") && strcmp(s.status, "running") &&
	    strcmp(s.status, "paused")) {
		runsc_error(g, "container \"%s\" is not running", id);
		fd = -1;
	} else if ((fd = control_connect(d.dirfd, req)) < 0) {
		runsc_error(g, "%s: sandbox unreachable: %s", id, strerror(-fd));
		fd = -1;
	}
	state_free(&s);
	state_dir_close(&d);
	return fd;
}

int cmd_ps(struct global_opts *g, int argc, char **argv)
{
	const char *format = "table";
	const struct flag flags[] = {
		{ "format|f", FLAG_STR, &format, "table or json" },
		{ 0 },
	};
	int i = flags_parse("ps", "[--format table|json] ID", flags, argc, argv), fd;
	char *buf = NULL;
	size_t cap = 0, len = 0;
	json_t *procs, *p;
	size_t k;

	if (i < 0)
		return i == -2 ? 0 : 2;
	if (argc - i != 1 || (strcmp(format, "table") && strcmp(format, "json"))) {
		fprintf(stderr, "usage: runsc [global flags] ps [--format table|json] ID\n");
		return 2;
	}
	if ((fd = connect_running(g, argv[i], "ps")) < 0)
		return 1;
	for (;;) {
		ssize_t n;

		if (len + 4096 > cap) {
			char *nb = realloc(buf, cap = cap * 2 + 8192);

			if (!nb || cap > (64u << 20)) {
				free(nb ? nb : buf);
				close(fd);
				runsc_error(g, "ps: reply too large");
				return 1;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (!buf || strncmp(buf, "ok ", 3)) {
		runsc_error(g, "ps: %.200s", buf && len ? buf : "no reply");
		free(buf);
		return 1;
	}
	buf[len] = '\0';
	procs = json_loads(buf + 3, 0, NULL);
	free(buf);
	if (!json_is_array(procs)) {
		runsc_error(g, "ps: malformed reply");
		json_decref(procs);
		return 1;
	}
	if (!strcmp(format, "json")) {
		/* runc prints the pids only. */
		printf("[");
		json_array_foreach(procs, k, p)
			printf("%s%lld", k ? "," : "",
			       (long long)json_integer_value(json_object_get(p, "pid")));
		printf("]\n");
	} else {
		printf("%-8s %-8s %s\n", "PID", "PPID", "CMD");
		json_array_foreach(procs, k, p)
			printf("%-8lld %-8lld %s\n",
			       (long long)json_integer_value(json_object_get(p, "pid")),
			       (long long)json_integer_value(json_object_get(p, "ppid")),
			       json_string_value(json_object_get(p, "cmd")));
	}
	json_decref(procs);
	return 0;
}

int cmd_debug(struct global_opts *g, int argc, char **argv)
{
	int stacks = 0;
	const struct flag flags[] = {
		{ "stacks", FLAG_BOOL, &stacks, "print the stacks of every sentry thread" },
		{ 0 },
	};
	int i = flags_parse("debug", "--stacks ID", flags, argc, argv), fd;
	char buf[4096];
	ssize_t n;
	bool first = true;

	if (i < 0)
		return i == -2 ? 0 : 2;
	if (argc - i != 1 || !stacks) {
		fprintf(stderr, "usage: runsc [global flags] debug --stacks ID\n");
		return 2;
	}
	if ((fd = connect_running(g, argv[i], "stacks")) < 0)
		return 1;
	while ((n = read(fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR)) {
		char *p = buf;

		if (n < 0)
			continue;
		/* Skip the "ok" line. */
		if (first) {
			first = false;
			if (n < 3 || strncmp(buf, "ok\n", 3)) {
				runsc_error(g, "debug: %.*s", (int)(n > 200 ? 200 : n), buf);
				close(fd);
				return 1;
			}
			p += 3;
			n -= 3;
		}
		fwrite(p, 1, (size_t)n, stdout);
	}
	close(fd);
	return 0;
}
