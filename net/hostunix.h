/* Sockets whose I/O goes to a host socket the sentry holds: the engine
 * shared by guest unix sockets connected to host sockets on bind mounts
 * (net/unix.c, through the gofer) and by --network=host sockets
 * (net/hostinet.c). The host fd is non-blocking; waits are on the guest
 * socket's own wait queue, woken by the host I/O thread. */
#ifndef NET_HOSTUNIX_H
#define NET_HOSTUNIX_H

#include "net/socket.h"

struct hostio_watch;

struct hostsock {
	int fd;                     /* the sentry's host socket; -1: none */
	int type;                   /* SOCK_STREAM ... */
	bool unix_peer;             /* AF_UNIX: no fds or credentials cross */
	struct hostio_watch *watch;
};

/* How one call may block: MSG_DONTWAIT/O_NONBLOCK, SO_{RCV,SND}TIMEO. */
struct hostsock_wait {
	bool nonblock;
	bool has_deadline;
	struct timespec deadline;   /* CLOCK_MONOTONIC */
};

void hostsock_wait_init(struct hostsock_wait *w, const struct timespec *timeo, bool nonblock);
/* Sleep on wq until woken: 0 (retry), -EAGAIN (nonblocking or timed out),
 * -EINTR (with a timeout, as Linux's sock_intr_errno) or -ERESTARTSYS. */
int hostsock_sleep(struct task *t, struct hostsock_wait *w, struct waitq *wq);

/* Take fd (made non-blocking) and wake wq on its readiness. On error fd
 * is closed. */
int hostsock_attach(struct hostsock *h, int fd, int type, bool unix_peer, struct waitq *wq);
void hostsock_detach(struct hostsock *h);

/* The socket calls on the host fd. flags are the guest's MSG_* (only an
 * allowlist reaches the host). m->addr, when set, is passed to the host
 * (hostinet only: the caller checked it). A stream send raises SIGPIPE
 * unless MSG_NOSIGNAL, as the family does. */
ssize_t hostsock_sendmsg(struct task *t, struct hostsock *h, struct waitq *wq,
			 struct sock_msg *m, int flags, const struct timespec *timeo);
ssize_t hostsock_recvmsg(struct task *t, struct hostsock *h, struct waitq *wq,
			 struct sock_msg *m, int flags, const struct timespec *timeo);
unsigned int hostsock_poll(struct hostsock *h);
int hostsock_shutdown(struct hostsock *h, int how);
/* SIOCINQ / SIOCOUTQ of the host socket into *val. */
int hostsock_queued(struct hostsock *h, unsigned int cmd, int *val);
/* SO_ERROR of the host socket (positive errno or 0). */
int hostsock_error(struct hostsock *h);

/* A guest unix socket of type connecting to path: if the walk ends on a
 * host socket of a gofer bind mount (no sandbox socket bound there), the
 * gofer connects a host socket to it and *fd is that socket. -ENOTSOCK
 * when the path is not such a host socket (the caller's own answer
 * stands), another -errno when the host refused. May drop the BKL. */
int hostunix_connect(struct task *t, const char *path, int type, int *fd);

#endif
