/* The sandbox's side of `runsc exec` and of signals to exec'd processes. */
#ifndef RUNSC_EXEC_SERVER_H
#define RUNSC_EXEC_SERVER_H

struct oci_process;
struct init_identity;

/* Serve one "exec LEN" request line read from conn (conn stays the
 * caller's to close; the exit status goes out on a dup of it). */
void exec_serve(int conn, const char *line);
/* "signal PID SIG": send sig to the guest process pid. 0 or -errno. */
int exec_signal(int pid, int sig);
/* The "stats" reply: runc-style cpu/memory/pids statistics as JSON
 * (malloc'd), or NULL. */
char *exec_stats_json(void);
/* The credentials, capabilities and limits of an OCI process. */
void oci_process_identity(const struct oci_process *pr, struct init_identity *id);

#endif
