/* runsc command-line plumbing. */
#ifndef RUNSC_RUNSC_H
#define RUNSC_RUNSC_H

#include <stdbool.h>
#include <stddef.h>

struct global_opts {
	int debug;
	int strace;
	const char *platform;
	/* OCI runtime flags (runc's names). */
	const char *root;             /* state dir root, default /run/runsc */
	const char *log;              /* runtime log file, or NULL */
	const char *log_format;       /* "text" or "json" */
	int systemd_cgroup;           /* accepted; cgroupfs v2 is used directly */
	const char *network;          /* sandbox, host, none */
	const char *overlay;
	const char *debug_log;        /* directory for sentry logs */
	const char *argv0;            /* for re-exec */
};

struct command {
	const char *name;
	int (*fn)(struct global_opts *g, int argc, char **argv);
	const char *help;
};

int cmd_do(struct global_opts *g, int argc, char **argv);
int cmd_syscalls(struct global_opts *g, int argc, char **argv);
/* OCI commands: runsc/cmd_oci.c, cmd_state.c, cmd_lifecycle.c, sandbox.c. */
int cmd_spec(struct global_opts *g, int argc, char **argv);
int cmd_features(struct global_opts *g, int argc, char **argv);
int cmd_state(struct global_opts *g, int argc, char **argv);
int cmd_list(struct global_opts *g, int argc, char **argv);
int cmd_delete(struct global_opts *g, int argc, char **argv);
int cmd_create(struct global_opts *g, int argc, char **argv);
int cmd_start(struct global_opts *g, int argc, char **argv);
int cmd_kill(struct global_opts *g, int argc, char **argv);
int cmd_wait(struct global_opts *g, int argc, char **argv);
int cmd_run(struct global_opts *g, int argc, char **argv);
int cmd_boot(struct global_opts *g, int argc, char **argv);
int cmd_ps(struct global_opts *g, int argc, char **argv);
int cmd_debug(struct global_opts *g, int argc, char **argv);
int cmd_unimplemented(struct global_opts *g, int argc, char **argv);
int cmd_exec(struct global_opts *g, int argc, char **argv);
int cmd_pause(struct global_opts *g, int argc, char **argv);
int cmd_resume(struct global_opts *g, int argc, char **argv);
int cmd_events(struct global_opts *g, int argc, char **argv);
/* --pid-file, written atomically like runc does. */
int write_pid_file(const char *path, int pid);
/* --console-socket: a new pty whose master goes to the socket (SCM_RIGHTS);
 * *slave is its other end. Prints the error. */
int console_setup(struct global_opts *g, const char *sock_path, int *slave);

/* Command-line flags of one subcommand (runsc/cli.c). Accepted forms:
 * --name, -name, --name=value, --name value. */
enum flag_kind { FLAG_BOOL, FLAG_STR, FLAG_INT, FLAG_STRV };
/* A flag given any number of times (--env A=1 --env B=2): p points here. */
struct flag_strv {
	const char **v;
	size_t n;
};
struct flag {
	const char *name;             /* "bundle", or "bundle|b" for an alias */
	enum flag_kind kind;
	void *p;                      /* int *, const char ** or struct flag_strv * */
	const char *help;
};
/* Returns the index of the first operand, or -1 after printing an error and
 * the usage line (exit 2), or -2 after printing --help (exit 0). */
int flags_parse(const char *cmd, const char *usage, const struct flag *flags,
		int argc, char **argv);
/* The error of a runtime command: one line on stderr and in --log (text or
 * json, as --log-format says). */
void runsc_error(const struct global_opts *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void runsc_log_init(const struct global_opts *g);
/* One formatted line (a "\n" is added) to a socket or pipe; a reader that
 * is gone is not an error. */
void fd_line(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct state_dir;
struct state;
/* Open, lock and read the state of container id; prints the error. */
int state_load(struct global_opts *g, const char *id, struct state_dir *d, struct state *s);
/* SIGKILL the sandbox process (if it is still the one that started at
 * start) and wait up to timeout_ms for it to go. */
int sandbox_kill_wait(int pid, unsigned long long start, int timeout_ms);

/* Boot a sentry in this process and run argv as init; returns the
 * sandbox exit status. */
struct init_identity;
struct boot_config {
	const char *platform;
	int debug;
	int strace;
	const char *exe;
	char **argv;
	char **envp;
	const char *cwd;
	const char *hostname;
	/* Optional, for `runsc boot`: called once init is running (0 or
	 * -errno); a failure stops the sandbox. */
	int (*started)(void *arg);
	void *started_arg;
	/* Optional: who init runs as (NULL: root, all capabilities). */
	const struct init_identity *identity;
	bool has_umask;               /* set init's umask, else 022 */
	unsigned int umask;
	/* A read-only root gets an in-memory upper layer (an overlay) that
	 * takes the guest's writes (`runsc do`, unless --overlay=none). */
	bool root_overlay;
	/* OCI config mounts other than binds (those come from the gofer), in
	 * config order; NULL: the default set of `runsc do`. */
	const struct boot_mount *mounts;
	size_t nmounts;
};
struct boot_mount {
	const char *type;         /* proc, sysfs, tmpfs, devpts, mqueue, cgroup... */
	const char *dest;
	unsigned long flags;      /* MS_* from the options */
	const char *data;         /* the other options, comma-separated */
};
int sentry_boot(const struct boot_config *cfg);
/* Load what glibc loads lazily on a thread's first pthread_exit (the
 * unwinder library), while host paths can still be opened. */
void preload_unwinder(void);

#endif
