/* Entry points the upper layers plug into the sentry core. */
#ifndef SENTRY_SENTRY_H
#define SENTRY_SENTRY_H

#include <stdint.h>

struct task;

#define FD_MAX_DEFAULT_LIMIT 1024

/* Set by syscalls/: handles one guest syscall, returns the result. */
extern long (*sentry_syscall_hook)(struct task *t, int nr, const uint64_t args[6]);
/* Set by syscalls/: replaces t's image with the program at path. */
extern int (*sentry_exec_hook)(struct task *t, const char *path, char *const argv[],
			       char *const envp[]);
/* Set by the layer that starts exec'd processes: t's working directory
 * becomes path (resolved in t's root), before its first exec. */
extern int (*sentry_chdir_hook)(struct task *t, const char *path);

#endif
