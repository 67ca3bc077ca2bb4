/* Shared command-line plumbing of the runtime commands: flag parsing with
 * runc's accepted spellings, and the error line that goes to stderr and
 * to the --log file (podman reads the latter in --log-format json). */
#define _GNU_SOURCE
#include "runsc/runsc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static bool flag_matches(const char *names, const char *name, size_t len)
{
	while (*names) {
		const char *bar = strchr(names, '|');
		size_t n = bar ? (size_t)(bar - names) : strlen(names);

		if (n == len && !strncmp(names, name, len))
			return true;
		names += n + (bar ? 1 : 0);
	}
	return false;
}

static void flags_help(FILE *out, const char *cmd, const char *usage, const struct flag *flags)
{
	fprintf(out, "usage: runsc [global flags] %s %s\n", cmd, usage);
	if (flags[0].name)
		fprintf(out, "\nflags:\n");
	for (const struct flag *f = flags; f->name; f++) {
		char buf[64];

		snprintf(buf, sizeof(buf), "--%s%s", f->name, f->kind == FLAG_BOOL ? "" : " VALUE");
		fprintf(out, "  %-24s %s\n", buf, f->help);
	}
}

int flags_parse(const char *cmd, const char *usage, const struct flag *flags,
		int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *name, *eq, *val = NULL;
		const struct flag *f;
		size_t len;

		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-' || !a[1])
			break;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			flags_help(stdout, cmd, usage, flags);
			return -2;
		}
		name = a + (a[1] == '-' ? 2 : 1);
		eq = strchr(name, '=');
		len = eq ? (size_t)(eq - name) : strlen(name);
		for (f = flags; f->name; f++)
			if (flag_matches(f->name, name, len))
				break;
		if (!f->name) {
			fprintf(stderr, "runsc %s: unknown flag %s\n", cmd, a);
			fprintf(stderr, "usage: runsc [global flags] %s %s\n", cmd, usage);
			return -1;
		}
		if (f->kind == FLAG_BOOL) {
			if (eq && strcmp(eq + 1, "true") && strcmp(eq + 1, "false")) {
				fprintf(stderr, "runsc %s: %.*s takes true or false\n", cmd, (int)len, name);
				return -1;
			}
			*(int *)f->p = !eq || !strcmp(eq + 1, "true");
			continue;
		}
		if (eq) {
			val = eq + 1;
		} else if (i + 1 < argc) {
			val = argv[++i];
		} else {
			fprintf(stderr, "runsc %s: flag %s needs a value\n", cmd, a);
			fprintf(stderr, "usage: runsc [global flags] %s %s\n", cmd, usage);
			return -1;
		}
		if (f->kind == FLAG_STR) {
			*(const char **)f->p = val;
		} else if (f->kind == FLAG_STRV) {
			struct flag_strv *sv = f->p;
			const char **nv = realloc(sv->v, (sv->n + 2) * sizeof(*nv));

			if (!nv) {
				fprintf(stderr, "runsc %s: out of memory\n", cmd);
				return -1;
			}
			nv[sv->n++] = val;
			nv[sv->n] = NULL;
			sv->v = nv;
		} else {
			char *end;
			long v = strtol(val, &end, 10);

			if (!*val || *end || v < 0 || v > 1 << 30) {
				fprintf(stderr, "runsc %s: %s: not a number: %s\n", cmd, a, val);
				return -1;
			}
			*(int *)f->p = (int)v;
		}
	}
	return i;
}

static int log_fd = -1;
static bool log_json;

void runsc_log_init(const struct global_opts *g)
{
	log_json = g->log_format && !strcmp(g->log_format, "json");
	if (g->log)
		log_fd = open(g->log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

void runsc_error(const struct global_opts *g, const char *fmt, ...)
{
	char msg[1024], line[2300], ts[40];
	struct timespec now;
	struct tm tm;
	va_list ap;
	size_t j = 0;
	int n;

	(void)g;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "runsc: %s\n", msg);
	if (log_fd < 0)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!log_json) {
		n = snprintf(line, sizeof(line), "time=\"%s\" level=error msg=\"%s\"\n", ts, msg);
	} else {
		/* The message, escaped as a JSON string. */
		char esc[2100];

		for (const char *s = msg; *s && j + 7 < sizeof(esc); s++) {
			unsigned char c = (unsigned char)*s;

			if (c == '"' || c == '\\') {
				esc[j++] = '\\';
				esc[j++] = (char)c;
			} else if (c < 0x20) {
				j += (size_t)snprintf(esc + j, sizeof(esc) - j, "\\u%04x", c);
			} else {
				esc[j++] = (char)c;
			}
		}
		esc[j] = '\0';
		n = snprintf(line, sizeof(line), "{\"level\":\"error\",\"msg\":\"%s\",\"time\":\"%s\"}\n",
			     esc, ts);
	}
	if (n > 0 && write(log_fd, line, (size_t)n) < 0) {
		/* the error already went to stderr */
	}
}

void fd_line(int fd, const char *fmt, ...)
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
	/* send() so a closed peer is an error, not SIGPIPE; pipes take write(). */
	if (send(fd, buf, (size_t)n, MSG_NOSIGNAL) < 0 && errno == ENOTSOCK &&
	    write(fd, buf, (size_t)n) < 0) {
		/* the reader is gone: nobody to tell */
	}
}
