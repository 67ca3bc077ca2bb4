/* runsc: the command line. Subcommands dispatch to runsc/cmd_*.c. */
#define _GNU_SOURCE
#include "runsc/runsc.h"
#include "runsc/gofer.h"
#include "runsc/host_filter.h"
#include "net/hostinet.h"
#include "runsc/netconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct command commands[] = {
	{ "do", cmd_do, "run a command in a sandbox over the host root filesystem" },
	{ "syscalls", cmd_syscalls, "print the syscall support table" },
	{ "create", cmd_create, "create a container from an OCI bundle" },
	{ "start", cmd_start, "start a created container's process" },
	{ "run", cmd_run, "create and start a container (and wait for it)" },
	{ "state", cmd_state, "print a container's OCI state" },
	{ "kill", cmd_kill, "send a signal to a container's process" },
	{ "wait", cmd_wait, "wait for a container to stop; exit with its status" },
	{ "delete", cmd_delete, "delete a container and everything it made" },
	{ "list", cmd_list, "list containers" },
	{ "spec", cmd_spec, "write a default config.json" },
	{ "features", cmd_features, "print the OCI features document" },
	{ "exec", cmd_exec, "run a process in a running container" },
	{ "ps", cmd_ps, "list a container's processes" },
	{ "events", cmd_events, "print a container's events" },
	{ "pause", cmd_pause, "pause a container" },
	{ "resume", cmd_resume, "resume a paused container" },
	{ "debug", cmd_debug, "debug a sandbox (--stacks)" },
	{ "boot", cmd_boot, "(internal) the sandbox process of a container" },
	{ "gofer", cmd_gofer, "(internal) the file server of a sandbox" },
	{ "help", NULL, "show this help" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: runsc [global flags] COMMAND [flags] [args]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(out, "\nglobal flags:\n"
		     "  --debug            verbose sentry log\n"
		     "  --debug-log DIR    directory for sentry logs\n"
		     "  --log FILE         runtime log file\n"
		     "  --log-format FMT   text or json\n"
		     "  --network MODE     sandbox, none, or host (host sockets: weaker isolation)\n"
		     "  --overlay=MODE     memory (default: in-memory overlay over the root) or none\n"
		     "  --platform NAME    auto (default: the fastest here), systrap, ptrace or kvm\n"
		     "  --root DIR         state directory (default /run/runsc)\n"
		     "  --strace           log every guest syscall\n"
		     "  --systemd-cgroup   accepted; cgroupfs v2 is used directly\n");
}

/* A global flag with a value: --name VALUE, --name=VALUE, -name VALUE. */
static int value_flag(const char *name, int argc, char **argv, int *i, const char **out)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	a += a[1] == '-' ? 2 : 1;
	if (strncmp(a, name, n))
		return 0;
	if (a[n] == '=') {
		*out = a + n + 1;
		return 1;
	}
	if (a[n] || *i + 1 >= argc)
		return 0;
	*out = argv[++*i];
	return 1;
}

int main(int argc, char **argv)
{
	struct global_opts g = { .platform = "auto", .log_format = "text",
				 .network = "sandbox", .argv0 = argv[0] };
	const char *unused;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--debug")) {
			g.debug = 1;
		} else if (!strcmp(a, "--strace")) {
			g.strace = 1;
		} else if (!strcmp(a, "--systemd-cgroup")) {
			g.systemd_cgroup = 1;
		} else if (!strcmp(a, "--overlay")) {
			g.overlay = "memory";
		} else if (value_flag("platform", argc, argv, &i, &g.platform) ||
			   value_flag("root", argc, argv, &i, &g.root) ||
			   value_flag("log-format", argc, argv, &i, &g.log_format) ||
			   value_flag("log", argc, argv, &i, &g.log) ||
			   value_flag("network", argc, argv, &i, &g.network) ||
			   value_flag("debug-log", argc, argv, &i, &g.debug_log) ||
			   value_flag("overlay", argc, argv, &i, &g.overlay) ||
			   value_flag("rootless", argc, argv, &i, &unused) ||
			   value_flag("criu", argc, argv, &i, &unused)) {
			/* taken */
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "runsc: unknown flag %s\n", a);
			usage(stderr);
			return 2;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	if (g.overlay && strcmp(g.overlay, "memory") && strcmp(g.overlay, "root:memory") &&
	    strcmp(g.overlay, "none")) {
		fprintf(stderr, "runsc: --overlay: memory or none, not %s\n", g.overlay);
		return 2;
	}
	if (g.network && strcmp(g.network, "sandbox") && strcmp(g.network, "none") &&
	    strcmp(g.network, "host")) {
		fprintf(stderr, "runsc: --network: sandbox, none or host, not %s\n", g.network);
		return 2;
	}
	/* Host sockets for the guest, and the filter rules they need
	 * (docs/network-host.md). */
	hostinet_enabled = g.network && !strcmp(g.network, "host");
	host_filter_set_hostnet(hostinet_enabled);
	host_filter_set_platform(g.platform);
	if (strcmp(g.log_format, "text") && strcmp(g.log_format, "json")) {
		fprintf(stderr, "runsc: --log-format: text or json, not %s\n", g.log_format);
		return 2;
	}
	runsc_log_init(&g);
	netconf_init(g.network);
	for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++) {
		if (strcmp(argv[i], commands[c].name))
			continue;
		if (!commands[c].fn) {
			usage(stdout);
			return 0;
		}
		return commands[c].fn(&g, argc - i, argv + i);
	}
	fprintf(stderr, "runsc: unknown command %s\n", argv[i]);
	usage(stderr);
	return 2;
}

/* Under AddressSanitizer: LeakSanitizer stops the world with ptrace, which
 * a tracer of stub processes cannot allow, so leak checking is off. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}
