/* runsc command-line plumbing. */
#ifndef RUNSC_RUNSC_H
#define RUNSC_RUNSC_H

struct global_opts {
	int debug;
	int strace;
	const char *platform;
};

struct command {
	const char *name;
	int (*fn)(struct global_opts *g, int argc, char **argv);
	const char *help;
};

int cmd_do(struct global_opts *g, int argc, char **argv);
int cmd_syscalls(struct global_opts *g, int argc, char **argv);

/* Boot a sentry in this process and run argv as init; returns the
 * sandbox exit status. */
struct boot_config {
	const char *platform;
	int debug;
	int strace;
	const char *exe;
	char **argv;
	char **envp;
	const char *cwd;
	const char *hostname;
};
int sentry_boot(const struct boot_config *cfg);

#endif
