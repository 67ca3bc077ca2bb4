/* mq_timedsend/mq_timedreceive: a deadline in the past or near future
 * gives ETIMEDOUT, an invalid timespec EINVAL (before anything else), a
 * deadline is not needed when the operation does not block. */
#include "mq.h"

static struct timespec in_ms(long ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += ms * 1000000L;
	ts.tv_sec += ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	return ts;
}

int main(void)
{
	char n[64];

	snprintf(n, sizeof(n), "%s", qname("tm"));
	struct mq_attr a = { .mq_maxmsg = 1, .mq_msgsize = 8 };
	struct timespec ts, past = { 1, 0 }, bad = { 0, 1000000000L }, neg = { -1, 0 };
	char buf[8];
	mqd_t q;

	mq_unlink(n);
	q = mq_open(n, O_RDWR | O_CREAT | O_EXCL, 0600, &a);
	SHOW("create", q);
	SHOW("receive past", mq_timedreceive(q, buf, sizeof(buf), NULL, &past));
	ts = in_ms(50);
	SHOW("receive 50ms", mq_timedreceive(q, buf, sizeof(buf), NULL, &ts));
	SHOW("receive bad nsec", mq_timedreceive(q, buf, sizeof(buf), NULL, &bad));
	SHOW("receive negative sec", mq_timedreceive(q, buf, sizeof(buf), NULL, &neg));
	SHOW("receive bad timeout pointer", syscall(SYS_mq_timedreceive, q, buf, sizeof(buf), NULL, 8));
	SHOW("send past, not full", mq_timedsend(q, "a", 1, 0, &past));
	SHOW("send past, full", mq_timedsend(q, "b", 1, 0, &past));
	ts = in_ms(50);
	SHOW("send 50ms, full", mq_timedsend(q, "b", 1, 0, &ts));
	SHOW("send bad nsec", mq_timedsend(q, "b", 1, 0, &bad));
	SHOW("send bad nsec and prio", mq_timedsend(q, "b", 1, 40000, &bad));
	SHOW("send bad prio", mq_timedsend(q, "b", 1, 40000, &past));
	SHOW("receive past, not empty", mq_timedreceive(q, buf, sizeof(buf), NULL, &past));
	SHOW("receive bad fd bad time", mq_timedreceive(999, buf, sizeof(buf), NULL, &bad));
	mq_unlink(n);
	return 0;
}
