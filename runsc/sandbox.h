/* The sandbox process of a container (`runsc boot`, internal) and the
 * control socket protocol the CLI speaks to it: one request line per
 * connection ("start", "kill SIG ALL"), one reply line ("ok" or
 * "error MESSAGE"). */
#ifndef RUNSC_SANDBOX_H
#define RUNSC_SANDBOX_H

#include <stddef.h>

#define CONTROL_SOCK "control.sock"

/* Send req to the sandbox of the container whose state dir is dirfd; the
 * reply line (without "\n") lands in reply. Returns 0, or -errno if the
 * sandbox cannot be reached. */
int control_request(int dirfd, const char *req, char *reply, size_t replysz, int timeout_ms);

#endif
