/* mq_notify's argument checks: SIGEV_NONE registers (and shows in the
 * queue's status line), unknown sigev_notify and signal numbers are
 * EINVAL before the fd is looked at, a non-queue fd is EBADF. */
#include "mq.h"

static void status_line(const char *what, mqd_t q)
{
	char buf[128];
	ssize_t r = pread(q, buf, sizeof(buf) - 1, 0);

	if (r < 0) {
		printf("%s: read %s\n", what, errname(errno));
		return;
	}
	buf[r] = 0;
	/* NOTIFY_PID is a pid: say only whether it is ours. */
	{
		char *p = strstr(buf, "NOTIFY_PID:");
		int pid = p ? atoi(p + 11) : -1;

		if (p)
			*p = 0;
		printf("%s: [%s] pid %s\n", what, buf, pid == 0 ? "0" : pid == getpid() ? "self" : "other");
	}
}

int main(void)
{
	char n[64];

	snprintf(n, sizeof(n), "%s", qname("na"));
	struct sigevent ev = { 0 };
	int pfd[2];
	mqd_t q;

	mq_unlink(n);
	q = mq_open(n, O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
	SHOW("create", q);
	status_line("fresh", q);
	ev.sigev_notify = SIGEV_NONE;
	SHOW("notify SIGEV_NONE", mq_notify(q, &ev));
	status_line("SIGEV_NONE", q);
	mq_send(q, "hello", 5, 0);
	status_line("after send", q);
	mq_send(q, "abc", 3, 0);
	status_line("two messages", q);
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGUSR2;
	SHOW("notify SIGEV_SIGNAL", mq_notify(q, &ev));
	status_line("SIGEV_SIGNAL", q);
	SHOW("notify NULL", mq_notify(q, NULL));
	ev.sigev_notify = 77;
	SHOW("sigev_notify 77", mq_notify(q, &ev));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = 65;
	SHOW("signo 65", mq_notify(q, &ev));
	ev.sigev_signo = -1;
	SHOW("signo -1", mq_notify(q, &ev));
	ev.sigev_notify = 77;
	SHOW("bad notify on bad fd", mq_notify(999, &ev));
	ev.sigev_notify = SIGEV_NONE;
	SHOW("bad fd", mq_notify(999, &ev));
	pipe(pfd);
	SHOW("pipe fd", mq_notify(pfd[0], &ev));
	SHOW("bad pointer", syscall(SYS_mq_notify, q, 8));
	SHOW("write to queue fd", write(q, "x", 1));
	mq_unlink(n);
	return 0;
}
