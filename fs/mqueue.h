/* POSIX message queues (mq_overview(7)): the mqueue filesystem that holds
 * them (one per sandbox, as an ipc namespace has one) and the queue
 * operations the mq_* syscalls call. */
#ifndef FS_MQUEUE_H
#define FS_MQUEUE_H

#include <stdbool.h>
#include <stdint.h>
#include <signal.h>

#include "fs/file.h"

/* /proc/sys/fs/mqueue: Linux's defaults and hard limits. */
struct mq_limits {
	long msg_max;          /* 10; 1..65536 */
	long msgsize_max;      /* 8192; 128..16 MiB */
	long queues_max;       /* 256; 0..INT_MAX */
	long msg_default;      /* 10 */
	long msgsize_default;  /* 8192 */
};
extern struct mq_limits mq_limits;
#define MQ_HARD_MSGMAX     65536
#define MQ_HARD_MSGSIZEMAX (16L << 20)
#define MQ_MIN_MSGSIZEMAX  128
#define MQ_PRIO_MAX_K      32768

/* The kernel's struct mq_attr. */
struct mq_attr_k {
	int64_t mq_flags, mq_maxmsg, mq_msgsize, mq_curmsgs;
	int64_t pad[4];
};

/* The kernel's struct sigevent as mq_notify reads it (64 bytes). */
struct mq_sigevent_k {
	uint64_t value;
	int32_t signo;
	int32_t notify;
	int32_t tid;
	int32_t pad[11];
};

struct mqueue;

/* open of a queue name (no '/') with mq_open's rules: creates it when
 * O_CREAT asks and it is missing (attr NULL: the defaults). Returns the
 * new file or NULL with *err. */
struct file *mqueue_open(struct task *t, const char *name, int oflag, uint32_t mode,
			 const struct mq_attr_k *attr, int *err);
int mqueue_unlink(struct task *t, const char *name);
/* The queue behind an fd's file, or NULL when it is not one. */
struct mqueue *mqueue_of(struct file *f);
/* deadline: host CLOCK_MONOTONIC ns, 0 for none. */
long mqueue_send(struct task *t, struct file *f, const void *buf, size_t len, unsigned int prio,
		 uint64_t deadline);
long mqueue_receive(struct task *t, struct file *f, void *buf, size_t len, unsigned int *prio,
		    uint64_t deadline);
/* sev NULL: remove this process's registration. */
int mqueue_notify(struct task *t, struct file *f, const struct mq_sigevent_k *sev);
void mqueue_getattr(struct file *f, struct mq_attr_k *out);

#endif
