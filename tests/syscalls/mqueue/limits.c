/* Limits: /proc/sys/fs/mqueue values, RLIMIT_MSGQUEUE charged per queue
 * (Linux's sizes: maxmsg * (48 + 48) + maxmsg * msgsize here), EMFILE
 * past it, freed when a queue goes. */
#include "mq.h"
#include <sys/resource.h>

static void show_file(const char *name)
{
	char path[128], buf[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/fs/mqueue/%s", name);
	f = fopen(path, "r");
	if (!f) {
		printf("%s: %s\n", name, errname(errno));
		return;
	}
	if (fgets(buf, sizeof(buf), f))
		printf("%s: %s", name, buf);
	fclose(f);
}

int main(void)
{
	struct rlimit rl = { 10000, 10000 };
	struct mq_attr a = { .mq_maxmsg = 10, .mq_msgsize = 900 };
	mqd_t q, q2;

	show_file("msg_max");
	show_file("msgsize_max");
	show_file("queues_max");
	show_file("msg_default");
	show_file("msgsize_default");
	/* As nobody: root's charge on a host is shared with whatever else
	 * runs; nobody's is ours alone. */
	if (fork() == 0) {
		if (setgid(65534) < 0 || setuid(65534) < 0)
			printf("setuid: %s\n", errname(errno));
		SHOW("setrlimit", setrlimit(RLIMIT_MSGQUEUE, &rl));
		/* 10 * 96 + 10 * 900 = 9960 bytes: fits once. */
		q = mq_open(qname("l1"), O_RDWR | O_CREAT | O_EXCL, 0600, &a);
		SHOW("first", q);
		a.mq_maxmsg = 1;
		a.mq_msgsize = 1;
		SHOW("second, over the limit",
		     mq_open(qname("l2"), O_RDWR | O_CREAT | O_EXCL, 0600, &a));
		SHOW("unlink first", mq_unlink(qname("l1")));
		SHOW("second while first is open",
		     mq_open(qname("l2"), O_RDWR | O_CREAT | O_EXCL, 0600, &a));
		mq_close(q);
		q2 = mq_open(qname("l2"), O_RDWR | O_CREAT | O_EXCL, 0600, &a);
		SHOW("second after close", q2);
		mq_unlink(qname("l2"));
		_exit(0);
	}
	wait(NULL);
	return 0;
}
