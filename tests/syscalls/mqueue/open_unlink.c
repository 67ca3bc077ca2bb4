/* mq_open and mq_unlink: creation, O_EXCL, missing queues, bad names,
 * bad attributes, access modes, the default sizes, and that an unlinked
 * queue lives on while open. */
#include "mq.h"

int main(void)
{
	char n[64];

	snprintf(n, sizeof(n), "%s", qname("ou"));
	struct mq_attr a = { 0 };
	char longname[300];
	mqd_t q, q2;

	mq_unlink(n);
	SHOW("open missing", mq_open(n, O_RDWR));
	q = mq_open(n, O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
	SHOW("create", q);
	show_attr("defaults", q);
	SHOW("create again O_EXCL", mq_open(n, O_RDWR | O_CREAT | O_EXCL, 0600, NULL));
	q2 = mq_open(n, O_WRONLY | O_CREAT, 0600, NULL);
	SHOW("open existing O_CREAT", q2);
	SHOW("open O_ACCMODE", syscall(SYS_mq_open, n + 1, O_ACCMODE, 0, NULL));
	SHOW("name without slash (glibc)", mq_open("noslash", O_RDONLY));
	SHOW("name with slash", mq_open("/a/b", O_RDWR | O_CREAT, 0600, NULL));
	SHOW("raw empty name", syscall(SYS_mq_open, "", O_RDWR | O_CREAT, 0600, NULL));
	SHOW("raw name .", syscall(SYS_mq_open, ".", O_RDWR | O_CREAT, 0600, NULL));
	SHOW("raw name ..", syscall(SYS_mq_open, "..", O_RDONLY, 0, NULL));
	longname[0] = '/';
	memset(longname + 1, 'x', 260);
	longname[261] = 0;
	SHOW("name too long", mq_open(longname, O_RDWR | O_CREAT, 0600, NULL));
	SHOW("raw bad pointer", syscall(SYS_mq_open, (char *)8, O_RDONLY, 0, NULL));

	a.mq_maxmsg = 0;
	a.mq_msgsize = 16;
	SHOW("maxmsg 0", mq_open(qname("bad"), O_RDWR | O_CREAT, 0600, &a));
	a.mq_maxmsg = 4;
	a.mq_msgsize = -1;
	SHOW("msgsize -1", mq_open(qname("bad"), O_RDWR | O_CREAT, 0600, &a));
	a.mq_maxmsg = 100000;
	a.mq_msgsize = 16;
	SHOW("maxmsg 100000", mq_open(qname("bad"), O_RDWR | O_CREAT, 0600, &a));
	SHOW("bad attr pointer", syscall(SYS_mq_open, qname("bad") + 1, O_RDWR | O_CREAT, 0600, 8));
	/* Attributes of an existing queue are not checked. */
	a.mq_maxmsg = 0;
	q2 = mq_open(n, O_RDONLY | O_CREAT, 0600, &a);
	SHOW("existing with bad attr", q2);
	a.mq_maxmsg = 3;
	a.mq_msgsize = 100;
	q2 = mq_open(qname("sized"), O_RDWR | O_CREAT | O_EXCL, 0640, &a);
	SHOW("sized", q2);
	show_attr("sized", q2);
	SHOW("unlink sized", mq_unlink(qname("sized")));

	SHOW("send before unlink", mq_send(q, "hi", 2, 1));
	SHOW("unlink", mq_unlink(n));
	SHOW("unlink again", mq_unlink(n));
	SHOW("open after unlink", mq_open(n, O_RDWR));
	show_attr("still open", q);
	{
		char buf[8192];
		unsigned int prio;
		ssize_t r = mq_receive(q, buf, sizeof(buf), &prio);

		printf("receive after unlink: %zd prio %u\n", r, prio);
	}
	SHOW("raw unlink empty", syscall(SYS_mq_unlink, ""));
	SHOW("raw unlink slash", syscall(SYS_mq_unlink, "a/b"));
	SHOW("close", mq_close(q));
	return 0;
}
