/* runsc: the command line. Subcommands dispatch to runsc/cmd_*.c. */
#define _GNU_SOURCE
#include "runsc/runsc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct command commands[] = {
	{ "do", cmd_do, "run a command in a sandbox over the host root filesystem" },
	{ "syscalls", cmd_syscalls, "print the syscall support table" },
	{ "help", NULL, "show this help" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: runsc [global flags] COMMAND [flags] [args]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(out, "\nglobal flags:\n"
		     "  --debug            verbose sentry log\n"
		     "  --platform NAME    trap platform (ptrace)\n"
		     "  --strace           log every guest syscall\n");
}

int main(int argc, char **argv)
{
	struct global_opts g = { .platform = "ptrace" };
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--debug")) {
			g.debug = 1;
		} else if (!strcmp(a, "--strace")) {
			g.strace = 1;
		} else if (!strncmp(a, "--platform=", 11)) {
			g.platform = a + 11;
		} else if (!strcmp(a, "--platform") && i + 1 < argc) {
			g.platform = argv[++i];
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
