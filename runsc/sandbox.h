/* The sandbox process of a container (`runsc boot`, internal) and the
 * control socket protocol the CLI speaks to it: one request line per
 * connection ("start", "kill SIG ALL", "ps", "stacks"), one reply line
 * ("ok [DATA]" or "error MESSAGE"); "stacks" sends text after "ok" until
 * EOF. */
#ifndef RUNSC_SANDBOX_H
#define RUNSC_SANDBOX_H

#include <stddef.h>

#define CONTROL_SOCK "control.sock"

/* Send req to the sandbox of the container whose state dir is dirfd; the
 * reply line (without "\n") lands in reply. Returns 0, or -errno if the
 * sandbox cannot be reached. */
int control_request(int dirfd, const char *req, char *reply, size_t replysz, int timeout_ms);
/* Send req and return the connected socket, to read a long reply from;
 * -errno if the sandbox cannot be reached. */
int control_connect(int dirfd, const char *req);

#endif
