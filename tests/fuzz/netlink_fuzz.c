/* libFuzzer target of the netlink route request parser (net/netlink.c over
 * net/route.c): any bytes sent to the kernel either get well-formed
 * replies or none, without crashes or reads past the datagram. The first
 * byte picks the sender's privilege. Build: make fuzz-netlink; run:
 * build/fuzz/netlink_fuzz [corpus dir]. */
#define _GNU_SOURCE
#include "net/netlink.h"
#include "net/route.h"

#include <errno.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The few sentry services the two files use, standing in. */
static bool privileged;

bool capable(struct task *t, int cap)
{
	return privileged;
}

uint64_t socket_next_ino(void)
{
	static uint64_t ino;

	return ++ino;
}

void waitq_init(struct waitq *q)
{
	list_init(&q->waiters);
}

void waitq_add(struct waitq *q, struct waiter *w, struct task *t)
{
	w->t = t;
	w->fn = NULL;
	list_add_tail(&w->node, &q->waiters);
}

void waitq_del(struct waiter *w)
{
	list_del(&w->node);
}

void waitq_wake_all(struct waitq *q)
{
}

int task_sleep(struct task *t, const struct timespec *deadline)
{
	return -ETIMEDOUT;
}

int copy_from_guest(struct task *t, void *dst, uint64_t src, size_t n)
{
	return -EFAULT;
}

int copy_to_guest(struct task *t, uint64_t dst, const void *src, size_t n)
{
	return -EFAULT;
}

static uint8_t reply[1 << 20];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct thread_group tg = { .tgid = 1 };
	static struct task t = { .tg = &tg };
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };
	struct socket *s;
	struct sock_msg m;
	ssize_t n;

	if (size < 1)
		return 0;
	privileged = data[0] & 1;
	if (netlink_create(&t, SOCK_RAW, NETLINK_ROUTE, &s) < 0)
		abort();
	memset(&m, 0, sizeof(m));
	m.buf = (void *)(data + 1);
	m.len = size - 1;
	memcpy(m.addr, &k, sizeof(k));
	m.addrlen = sizeof(k);
	s->ops->sendmsg(&t, s, &m, MSG_DONTWAIT);
	for (;;) {
		memset(&m, 0, sizeof(m));
		m.buf = reply;
		m.len = sizeof(reply);
		n = s->ops->recvmsg(&t, s, &m, MSG_DONTWAIT);
		if (n < 0)
			break;
		/* Every reply is a whole sequence of aligned messages. */
		for (size_t off = 0; off < (size_t)n;) {
			struct nlmsghdr h;

			if ((size_t)n - off < sizeof(h))
				abort();
			memcpy(&h, reply + off, sizeof(h));
			if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > (size_t)n - off)
				abort();
			off += NLMSG_ALIGN(h.nlmsg_len);
		}
	}
	s->ops->release(s);
	return 0;
}
