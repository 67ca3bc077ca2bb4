/* Blocking: a receiver asleep on an empty queue gets the message sent
 * later by another process; a sender asleep on a full queue goes on once
 * a message is taken; a signal interrupts a blocked receive (EINTR
 * without SA_RESTART). */
#include "mq.h"

static void on_alarm(int sig)
{
	(void)sig;
}

int main(void)
{
	char n[64];

	snprintf(n, sizeof(n), "%s", qname("bl"));
	struct mq_attr a = { .mq_maxmsg = 1, .mq_msgsize = 16 };
	char buf[16];
	unsigned int prio;
	int status;
	mqd_t q;
	pid_t p;

	mq_unlink(n);
	q = mq_open(n, O_RDWR | O_CREAT | O_EXCL, 0600, &a);
	SHOW("create", q);
	p = fork();
	if (p == 0) {
		usleep(100000);
		mq_send(q, "late", 4, 7);
		_exit(0);
	}
	{
		ssize_t r = mq_receive(q, buf, sizeof(buf), &prio);

		printf("blocked receive: %zd \"%.*s\" prio %u\n", r, r > 0 ? (int)r : 0, buf, prio);
	}
	waitpid(p, &status, 0);

	SHOW("fill", mq_send(q, "one", 3, 0));
	p = fork();
	if (p == 0) {
		usleep(100000);
		mq_receive(q, buf, sizeof(buf), NULL);
		_exit(0);
	}
	SHOW("blocked send", mq_send(q, "two", 3, 0));
	waitpid(p, &status, 0);
	{
		ssize_t r = mq_receive(q, buf, sizeof(buf), &prio);

		printf("after blocked send: \"%.*s\"\n", r > 0 ? (int)r : 0, buf);
	}

	{
		struct sigaction sa = { .sa_handler = on_alarm };

		sigaction(SIGALRM, &sa, NULL);
		alarm(1);
		SHOW("receive interrupted", mq_receive(q, buf, sizeof(buf), &prio));
	}
	mq_unlink(n);
	return 0;
}
