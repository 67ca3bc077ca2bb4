/* mq_send/mq_receive: priority order (highest first, FIFO within one
 * priority), returned priorities and lengths, zero-length messages,
 * EMSGSIZE both ways, EBADF for the wrong access mode or a non-queue fd,
 * EINVAL for a priority >= MQ_PRIO_MAX, EFAULT for bad buffers. */
#include "mq.h"

int main(void)
{
	char n[64];

	snprintf(n, sizeof(n), "%s", qname("sr"));
	struct mq_attr a = { .mq_maxmsg = 8, .mq_msgsize = 32 };
	static const struct { const char *m; unsigned int p; } msgs[] = {
		{ "low1", 1 }, { "high1", 9 }, { "low2", 1 }, { "mid", 5 }, { "high2", 9 },
		{ "", 3 }, { "zero", 0 },
	};
	char buf[64];
	unsigned int prio;
	mqd_t q, ro, wo;
	int pfd[2];

	mq_unlink(n);
	q = mq_open(n, O_RDWR | O_CREAT | O_EXCL, 0600, &a);
	SHOW("create", q);
	for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++)
		SHOW(msgs[i].m[0] ? msgs[i].m : "(empty)", mq_send(q, msgs[i].m, strlen(msgs[i].m), msgs[i].p));
	show_attr("queued", q);
	SHOW("send too big", mq_send(q, buf, 33, 1));
	SHOW("send prio 32768", mq_send(q, "x", 1, 32768));
	SHOW("send prio 32767", mq_send(q, "top", 3, 32767));
	SHOW("receive small buffer", mq_receive(q, buf, 31, &prio));
	for (int i = 0; i < 8; i++) {
		ssize_t r = mq_receive(q, buf, sizeof(buf), &prio);

		if (r < 0) {
			printf("receive %d: %s\n", i, errname(errno));
			break;
		}
		printf("receive %d: \"%.*s\" len %zd prio %u\n", i, (int)r, buf, r, prio);
	}
	show_attr("drained", q);
	SHOW("receive NULL prio", (mq_send(q, "np", 2, 2), mq_receive(q, buf, sizeof(buf), NULL)));
	SHOW("send bad buffer", mq_send(q, (char *)8, 4, 1));
	show_attr("after bad send", q);
	mq_send(q, "lost", 4, 1);
	SHOW("receive bad buffer", mq_receive(q, (char *)8, 64, &prio));
	show_attr("after bad receive", q);

	ro = mq_open(n, O_RDONLY);
	wo = mq_open(n, O_WRONLY);
	SHOW("send on O_RDONLY", mq_send(ro, "x", 1, 0));
	SHOW("receive on O_WRONLY", mq_receive(wo, buf, sizeof(buf), &prio));
	SHOW("send on O_WRONLY", mq_send(wo, "w", 1, 0));
	SHOW("receive on O_RDONLY", mq_receive(ro, buf, sizeof(buf), &prio));
	pipe(pfd);
	SHOW("send on a pipe", mq_send(pfd[1], "x", 1, 0));
	SHOW("receive on a pipe", mq_receive(pfd[0], buf, sizeof(buf), &prio));
	SHOW("send on fd 999", mq_send(999, "x", 1, 0));
	SHOW("getattr on a pipe", mq_getattr(pfd[0], &a));
	mq_unlink(n);
	return 0;
}
