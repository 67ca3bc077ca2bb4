/* The gofer: the confined process that serves the sandbox's host files to
 * the sentry (runsc/gofer.c), and how runsc starts it (runsc/gofer_spawn.c).
 * Mount index 0 is the root filesystem, 1.. the bind mounts in order. */
#ifndef RUNSC_GOFER_H
#define RUNSC_GOFER_H

#include <stdbool.h>
#include <sys/types.h>

#include "fs/gofer_proto.h"

struct gofer_mount {
	const char *source;   /* host path (a directory, or a file for file binds) */
	bool rdonly;          /* writes fail with EROFS */
};

struct gofer_config {
	/* mounts[0] is the root filesystem. */
	struct gofer_mount mounts[GOFER_MAX_MOUNTS];
	unsigned int nmounts;
	bool debug;           /* log each request on stderr */
	const char *exe;      /* the runsc binary; NULL: this one */
	const char *log;      /* its stderr goes here (appended); NULL: ours */
};

/* Start `runsc gofer` for cfg: re-executes this binary with the internal
 * subcommand and one end of a SOCK_SEQPACKET socketpair. On success *pid
 * is the gofer (the caller reaps it) and *sock the sentry's end (close on
 * exec); pass *sock to gofer_client_sb() (fs/gofer.h) once per mount index.
 * Returns 0 or -errno. */
int gofer_spawn(const struct gofer_config *cfg, pid_t *pid, int *sock);

/* What the gofer of this sandbox serves, for the boot mount table: set
 * by `runsc do` / `runsc boot` after gofer_spawn, before sentry_boot.
 * sock is -1 when there is no gofer (boot then uses its interim root).
 * m[0] is the root ("/"); m[i] is mount index i of gofer_client_sb(). */
struct gofer_boot_mount {
	const char *dest;     /* guest path */
	bool rdonly;
};
struct gofer_boot_mounts {
	int sock;
	unsigned int n;
	struct gofer_boot_mount m[GOFER_MAX_MOUNTS];
};
extern struct gofer_boot_mounts gofer_boot;

/* `runsc gofer --sock=FD --mount=[ro:]PATH... [--debug]` (internal). */
struct global_opts;
int cmd_gofer(struct global_opts *g, int argc, char **argv);

#endif
