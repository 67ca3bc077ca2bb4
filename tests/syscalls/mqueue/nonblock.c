/* O_NONBLOCK queues: EAGAIN on a full queue and an empty one; mq_setattr
 * switching the flag both ways and returning the old attributes; only
 * O_NONBLOCK may be set; maxmsg and msgsize cannot change. */
#include "mq.h"

int main(void)
{
	char n[64];

	snprintf(n, sizeof(n), "%s", qname("nb"));
	struct mq_attr a = { .mq_maxmsg = 2, .mq_msgsize = 8 }, na, old;
	char buf[8];
	mqd_t q;

	mq_unlink(n);
	q = mq_open(n, O_RDWR | O_CREAT | O_EXCL | O_NONBLOCK, 0600, &a);
	SHOW("create", q);
	show_attr("created", q);
	SHOW("receive empty", mq_receive(q, buf, sizeof(buf), NULL));
	SHOW("send 1", mq_send(q, "a", 1, 0));
	SHOW("send 2", mq_send(q, "b", 1, 0));
	SHOW("send full", mq_send(q, "c", 1, 0));
	show_attr("full", q);

	memset(&na, 0, sizeof(na));
	na.mq_maxmsg = 99;
	na.mq_msgsize = 99;
	SHOW("setattr 0", mq_setattr(q, &na, &old));
	printf("old: flags %s maxmsg %ld msgsize %ld curmsgs %ld\n",
	       (old.mq_flags & O_NONBLOCK) ? "O_NONBLOCK" : "0", old.mq_maxmsg, old.mq_msgsize,
	       old.mq_curmsgs);
	show_attr("blocking now", q);
	na.mq_flags = O_NONBLOCK | O_APPEND;
	SHOW("setattr O_APPEND", mq_setattr(q, &na, NULL));
	na.mq_flags = O_NONBLOCK;
	SHOW("setattr O_NONBLOCK", mq_setattr(q, &na, NULL));
	show_attr("nonblocking again", q);
	SHOW("send still full", mq_send(q, "c", 1, 0));
	SHOW("raw getsetattr NULL NULL", syscall(SYS_mq_getsetattr, q, NULL, NULL));
	SHOW("raw getsetattr bad new", syscall(SYS_mq_getsetattr, q, 8, NULL));
	SHOW("raw getsetattr bad old", syscall(SYS_mq_getsetattr, q, NULL, 8));
	SHOW("receive", mq_receive(q, buf, sizeof(buf), NULL));
	SHOW("receive", mq_receive(q, buf, sizeof(buf), NULL));
	SHOW("receive empty", mq_receive(q, buf, sizeof(buf), NULL));
	/* fcntl sees the flag mq_setattr sets. */
	printf("fcntl O_NONBLOCK: %d\n", !!(fcntl(q, F_GETFL) & O_NONBLOCK));
	mq_unlink(n);
	return 0;
}
