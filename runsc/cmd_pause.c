/* `runsc pause`, `runsc resume` and `runsc events`.
 *
 * Pause freezes every guest task inside the sentry (each stops at its next
 * return to guest code; SIGKILL still ends it), as runc's cgroup freezer
 * does; the state says "paused" until resume. Events prints the sandbox's
 * statistics as runc's events command does: one JSON object per line,
 * {"type":"stats","id":ID,"data":{...}}, once with --stats, else every
 * --interval seconds until the container stops. */
#define _GNU_SOURCE
#include "runsc/runsc.h"
#include "runsc/sandbox.h"
#include "runsc/state.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int freeze(struct global_opts *g, const char *cmd, const char *id, bool on)
{
	const char *from = on ? "running" : "paused", *to = on ? "paused" : "running";
	struct state_dir d;
	struct state s;
	char reply[256];
	int err, rc = 1;

	if (state_load(g, id, &d, &s))
		return 1;
	if (strcmp(s.status, from)) {
		runsc_error(g, "%s: container \"%s\" is %s, not %s", cmd, id, s.status, from);
		goto out;
	}
	err = control_request(d.dirfd, on ? "pause" : "resume", reply, sizeof(reply), 10000);
	if (err < 0) {
		runsc_error(g, "%s %s: sandbox unreachable: %s", cmd, id, strerror(-err));
		goto out;
	}
	if (strcmp(reply, "ok")) {
		runsc_error(g, "%s %s: %s", cmd, id, !strncmp(reply, "error ", 6) ? reply + 6 : reply);
		goto out;
	}
	snprintf(s.status, sizeof(s.status), "%s", to);
	if ((err = state_write(&d, &s)) < 0) {
		runsc_error(g, "state.json: %s", strerror(-err));
		goto out;
	}
	rc = 0;
out:
	state_free(&s);
	state_dir_close(&d);
	return rc;
}

static int freeze_cmd(struct global_opts *g, int argc, char **argv, bool on)
{
	const struct flag flags[] = { { 0 } };
	const char *cmd = on ? "pause" : "resume";
	int i = flags_parse(cmd, "ID", flags, argc, argv);

	if (i < 0)
		return i == -2 ? 0 : 2;
	if (argc - i != 1) {
		fprintf(stderr, "usage: runsc [global flags] %s ID\n", cmd);
		return 2;
	}
	return freeze(g, cmd, argv[i], on);
}

int cmd_pause(struct global_opts *g, int argc, char **argv)
{
	return freeze_cmd(g, argc, argv, true);
}

int cmd_resume(struct global_opts *g, int argc, char **argv)
{
	return freeze_cmd(g, argc, argv, false);
}

/* One stats event, or -1 when the container is gone (printed once). */
static int print_stats(struct global_opts *g, const char *id)
{
	struct state_dir d;
	struct state s;
	char reply[4096];
	json_t *data, *ev;
	char *text;
	int err;

	if (state_load(g, id, &d, &s))
		return -1;
	if (strcmp(s.status, "running") && strcmp(s.status, "paused") &&
	    strcmp(s.status, "created")) {
		runsc_error(g, "events: container \"%s\" is %s", id, s.status);
		state_free(&s);
		state_dir_close(&d);
		return -1;
	}
	err = control_request(d.dirfd, "stats", reply, sizeof(reply), 10000);
	state_free(&s);
	state_dir_close(&d);
	if (err < 0 || strncmp(reply, "ok ", 3)) {
		runsc_error(g, "events %s: %s", id,
			    err < 0 ? strerror(-err) : !strncmp(reply, "error ", 6) ? reply + 6 : reply);
		return -1;
	}
	data = json_loads(reply + 3, 0, NULL);
	if (!data) {
		runsc_error(g, "events %s: malformed statistics from the sandbox", id);
		return -1;
	}
	ev = json_pack("{s:s,s:s,s:o}", "type", "stats", "id", id, "data", data);
	text = ev ? json_dumps(ev, JSON_COMPACT) : NULL;
	json_decref(ev);
	if (!text)
		return -1;
	printf("%s\n", text);
	fflush(stdout);
	free(text);
	return 0;
}

int cmd_events(struct global_opts *g, int argc, char **argv)
{
	int stats = 0;
	unsigned int interval_ms = 5000;
	const char *interval_s = NULL;
	const struct flag flags[] = {
		{ "stats", FLAG_BOOL, &stats, "print the statistics once and exit" },
		{ "interval", FLAG_STR, &interval_s, "seconds between statistics (default 5s)" },
		{ 0 },
	};
	int i = flags_parse("events", "[--stats] [--interval N] ID", flags, argc, argv);

	if (i < 0)
		return i == -2 ? 0 : 2;
	if (argc - i != 1) {
		fprintf(stderr, "usage: runsc [global flags] events [--stats] [--interval N] ID\n");
		return 2;
	}
	if (interval_s) {
		/* runc takes a duration: "5s", "500ms" or plain seconds. */
		char *end;
		double v = strtod(interval_s, &end);

		if (end == interval_s || v <= 0 ||
		    (*end && strcmp(end, "s") && strcmp(end, "ms"))) {
			runsc_error(g, "events: --interval %s: not a duration", interval_s);
			return 2;
		}
		if (strcmp(end, "ms"))
			v *= 1000;
		if (v < 1 || v > 86400000) {
			runsc_error(g, "events: --interval %s: out of range", interval_s);
			return 2;
		}
		interval_ms = (unsigned int)v;
	}
	if (stats)
		return print_stats(g, argv[i]) < 0 ? 1 : 0;
	while (print_stats(g, argv[i]) == 0)
		usleep(interval_ms * 1000);
	return 0;
}
