/* Sentry sockets: the family-independent part. A socket is a struct socket
 * behind a socket file (net/socket.c fills file_ops); each address family
 * (net/unix.c today, TCP/IP later) fills struct sock_ops. */
#ifndef NET_SOCKET_H
#define NET_SOCKET_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/time.h>
#include <time.h>

#include "fs/file.h"

/* Largest address any family takes (sockaddr_storage). */
#define SOCK_ADDR_MAX 128
/* SCM_MAX_FD: the most descriptors one SCM_RIGHTS message may carry. */
#define SOCK_SCM_MAX_FD 253

/* One sendmsg/recvmsg in sentry memory. For a send the caller fills it; for
 * a receive the family fills data (up to len), the source address, the
 * passed files (references owned by the message) and credentials. */
struct sock_msg {
	void *buf;
	size_t len;
	uint8_t addr[SOCK_ADDR_MAX];
	socklen_t addrlen;          /* 0: no address */
	struct file **fds;          /* SCM_RIGHTS, malloc'ed */
	int nfds;
	bool has_cred;              /* SCM_CREDENTIALS */
	struct ucred cred;
	int msg_flags;              /* out: MSG_TRUNC, MSG_CTRUNC ... */
	/* out: other control messages the family built, whole cmsghdrs
	 * (IP_PKTINFO ...), delivered after the SCM ones. */
	uint8_t ctl[128];
	size_t ctllen;
};

void sock_msg_clear(struct sock_msg *m);

struct socket;

struct sock_ops {
	int (*bind)(struct task *t, struct socket *s, const void *addr, socklen_t len);
	int (*connect)(struct task *t, struct socket *s, const void *addr, socklen_t len,
		       bool nonblock);
	int (*listen)(struct task *t, struct socket *s, int backlog);
	/* A new connected socket with one reference in *ns. */
	int (*accept)(struct task *t, struct socket *s, bool nonblock, struct socket **ns);
	/* flags are MSG_* with MSG_DONTWAIT set for O_NONBLOCK files. */
	ssize_t (*sendmsg)(struct task *t, struct socket *s, struct sock_msg *m, int flags);
	ssize_t (*recvmsg)(struct task *t, struct socket *s, struct sock_msg *m, int flags);
	int (*shutdown)(struct socket *s, int how);
	int (*getname)(struct socket *s, bool peer, void *addr, socklen_t *len);
	int (*getsockopt)(struct task *t, struct socket *s, int level, int name, void *val,
			  socklen_t *len);
	int (*setsockopt)(struct task *t, struct socket *s, int level, int name,
			  const void *val, socklen_t len);
	unsigned int (*poll)(struct socket *s, struct waitq **wq);
	long (*ioctl)(struct task *t, struct socket *s, unsigned int cmd, uint64_t arg);
	/* The socket file's last reference is gone. */
	void (*release)(struct socket *s);
};

/* Embedded first in each family's socket; owned by its socket file. */
struct socket {
	const struct sock_ops *ops;
	int family, type, protocol;
	uint64_t ino;
	struct file *file;          /* back pointer, not a reference */
};

/* Wrap s in a new file (O_RDWR | nonblock); NULL on ENOMEM (s is then
 * still the caller's). */
struct file *socket_file_new(struct socket *s, bool nonblock);
/* The socket behind f, or NULL if f is not a socket. */
struct socket *socket_of(struct file *f);
uint64_t socket_next_ino(void);
/* SIGPIPE for a send on a broken stream (the family decides when). */
void socket_sigpipe(struct task *t);
/* Fill the family-independent fields of a new socket (and a fresh inode). */
void socket_init(struct socket *s, const struct sock_ops *ops, int family, int type,
		 int protocol);

/* ---- blocking, for every family ---- */

/* CLOCK_MONOTONIC now + timeo in *dl and dl itself; NULL (no deadline)
 * when timeo is NULL or zero, as SO_RCVTIMEO/SO_SNDTIMEO 0 mean. */
const struct timespec *sock_deadline(const struct timespec *timeo, struct timespec *dl);
/* Sleep on q1 (and q2 unless NULL) until woken or dl (NULL: none).
 * 0 to retry, -EAGAIN when timed out, or on a signal the errno Linux's
 * sock_intr_errno gives: -EINTR with a timeout (not restarted), else
 * -ERESTARTSYS. */
int sock_sleep(struct task *t, struct waitq *q1, struct waitq *q2, const struct timespec *dl);

/* How one call may block: MSG_DONTWAIT/O_NONBLOCK (or a negative
 * timeout), and its deadline. */
struct sock_wait {
	bool nonblock;
	bool has_deadline;
	struct timespec deadline;   /* CLOCK_MONOTONIC */
};

void sock_wait_init(struct sock_wait *w, const struct timespec *timeo, bool nonblock);
/* As sock_sleep, and -EAGAIN at once when w is nonblocking. */
int sock_wait(struct task *t, struct sock_wait *w, struct waitq *q1, struct waitq *q2);

/* ---- socket option values, for every family ---- */

/* getsockopt: copy n bytes of v out, truncated to *len (which the caller
 * checked is not negative), as sock_getsockopt does. */
int sockopt_put(const void *v, size_t n, void *val, socklen_t *len);
int sockopt_put_int(int v, void *val, socklen_t *len);
/* An int, -EINVAL when *len is short of one, *len set to its size (as
 * netlink_getsockopt does for its own level). */
int sockopt_put_int_whole(int v, void *val, socklen_t *len);
/* A timespec timeout as the struct timeval SO_RCVTIMEO/SO_SNDTIMEO give. */
int sockopt_put_timeo(const struct timespec *ts, void *val, socklen_t *len);
/* setsockopt: a whole int (-EINVAL when shorter). */
int sockopt_get_int(const void *val, socklen_t len, int *v);
/* setsockopt SO_RCVTIMEO/SO_SNDTIMEO: a struct timeval (-EINVAL when
 * shorter, -EDOM for tv_usec out of range). A negative tv_sec is a zero
 * timeout, with *neg (when not NULL) set, as sock_set_timeout does. */
int sockopt_get_tv(const void *val, socklen_t len, struct timeval *tv, bool *neg);
/* The same into a timespec. */
int sockopt_get_timeo(const void *val, socklen_t len, struct timespec *ts, bool *neg);
/* ioctl: an int to guest memory at arg (-EFAULT). */
int sock_put_int_to(struct task *t, uint64_t arg, int v);

#endif
