/* The sentry's /proc/sys values a container config may set
 * (linux.sysctl), implemented in fs/proc_sys.c. */
#ifndef FS_SYSCTL_H
#define FS_SYSCTL_H

#include <stdbool.h>

/* key in dotted (or slashed) form. Returns 0; -ENOENT for a key the
 * sandbox does not know or does not let a container set; -EINVAL for a
 * value out of the key's range. Changes nothing unless apply. */
int proc_sysctl_set(const char *key, const char *value, bool apply);

#endif
