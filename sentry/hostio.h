/* The host I/O thread: turns readiness of host fds (stdio, the gofer
 * socket, the network packet fd) into wake-ups of sentry wait queues. */
#ifndef SENTRY_HOSTIO_H
#define SENTRY_HOSTIO_H

#include "sentry/task.h"

struct hostio_watch;

int hostio_start(void);
/* Wake wq (under the BKL) whenever fd becomes readable or writable. */
struct hostio_watch *hostio_watch(int fd, struct waitq *wq);
void hostio_unwatch(struct hostio_watch *w);

#endif
