/* Constructors of the anonymous-inode file types (eventfd, epoll, timerfd,
 * signalfd) and memfd, and the epoll operations that
 * syscalls/sys_epoll.c and syscalls/sys_fdtypes.c call. */
#ifndef FS_FDTYPES_H
#define FS_FDTYPES_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "fs/file.h"

/* eventfd: flags are O_NONBLOCK and semaphore mode. */
struct file *eventfd_new(uint64_t count, bool semaphore, int oflags);

/* epoll */
struct epoll_event_k {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));

struct file *epoll_new(void);
bool file_is_epoll(struct file *f);
int epoll_ctl_do(struct file *ep, int op, int fd, struct file *tf,
		 const struct epoll_event_k *ev);
/* Wait for events: count, 0 on timeout, -EINTR; deadline NULL = forever,
 * zero = do not wait. */
long epoll_wait_do(struct task *t, struct file *ep, struct epoll_event_k *out, int max,
		   const struct timespec *deadline, bool zero);

/* timerfd */
struct file *timerfd_new(clockid_t clk, int oflags);
bool file_is_timerfd(struct file *f);
int timerfd_set(struct file *f, bool abs, uint64_t value, uint64_t interval,
		uint64_t *ovalue, uint64_t *ointerval);
void timerfd_get(struct file *f, uint64_t *value, uint64_t *interval);

/* signalfd */
struct file *signalfd_new(struct task *t, uint64_t mask, int oflags);
bool file_is_signalfd(struct file *f);
void signalfd_set_mask(struct file *f, uint64_t mask);

/* memfd */
struct file *memfd_new(const char *name, bool sealing, int oflags);
void memfd_setup(struct file *f, uid_t uid, gid_t gid, bool noexec);
/* The inode behind a memfd (for file locks), NULL for other files. */
struct inode;
struct inode *memfd_inode(struct file *f);

#endif
