/* Container state: one directory per container under the state root
 * (--root, default /run/runsc): state.json, written atomically under an
 * flock of the "lock" file, and the sandbox's control socket. */
#ifndef RUNSC_STATE_H
#define RUNSC_STATE_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#define STATE_ROOT_DEFAULT "/run/runsc"
#define STATE_MAX_ID 256

struct state {
	char id[STATE_MAX_ID + 1];
	char status[16];              /* creating, created, running, stopped */
	pid_t pid;                    /* the sandbox (sentry) process, host pid */
	unsigned long long pid_start; /* its start time, /proc/PID/stat field 22 */
	char *bundle;
	char *rootfs;
	char created[40];             /* RFC 3339, UTC, ns */
	int exit_status;              /* -1 until stopped; 128+sig if killed */
	json_t *annotations;          /* object, owned */
};

/* An open, locked container directory. */
struct state_dir {
	int dirfd;
	int lockfd;
	char path[4096];
	char id[STATE_MAX_ID + 1];
};

const char *state_root(const char *root_flag);
/* runc's rule: [A-Za-z0-9][A-Za-z0-9_+.-]*, at most STATE_MAX_ID bytes. */
bool state_id_valid(const char *id);
/* Create ROOT/ID (fails with -EEXIST if it is there) and lock it. */
int state_dir_create(const char *root, const char *id, struct state_dir *d);
/* Open and lock ROOT/ID; -ENOENT if there is no such container (or it is
 * being deleted). */
int state_dir_open(const char *root, const char *id, struct state_dir *d);
/* Unlock and close. */
void state_dir_close(struct state_dir *d);
/* Remove every file of the directory and the directory itself, then close. */
int state_dir_remove(struct state_dir *d);

int state_read(struct state_dir *d, struct state *s);
/* Write state.json: temp file, fsync, rename, fsync of the directory. */
int state_write(struct state_dir *d, const struct state *s);
void state_free(struct state *s);
/* A created or running container whose sandbox process is gone is stopped. */
void state_refresh(struct state *s);
/* Is pid the same process that started at start_time? */
bool state_pid_alive(pid_t pid, unsigned long long start_time);
unsigned long long state_pid_start_time(pid_t pid);
/* The OCI state document (ociVersion, id, status, pid, bundle, ...). */
json_t *state_to_oci_json(const struct state *s);

#endif
