/* mq_notify with SIGEV_SIGNAL: the signal comes when a message arrives
 * on an empty queue, with SI_MESGQ, the sender's pid and the sigev
 * value; the registration is then gone; one registration per queue
 * (EBUSY); none while a receiver waits; mq_notify(NULL) removes it. */
#include "mq.h"

static volatile sig_atomic_t got, code, val, frompid;

static void handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got = sig;
	code = si->si_code;
	val = si->si_value.sival_int;
	frompid = si->si_pid;
}

int main(void)
{
	char n[64];

	snprintf(n, sizeof(n), "%s", qname("nt"));
	struct sigevent ev = { 0 };
	struct sigaction sa = { 0 };
	char buf[8192];
	mqd_t q;
	pid_t p;
	int status;

	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	mq_unlink(n);
	q = mq_open(n, O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
	SHOW("create", q);
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGUSR1;
	ev.sigev_value.sival_int = 4242;
	SHOW("notify", mq_notify(q, &ev));
	SHOW("notify again", mq_notify(q, &ev));
	SHOW("send", mq_send(q, "x", 1, 0));
	printf("signal %d code SI_MESGQ %d value %d from self %d\n", (int)got, code == SI_MESGQ,
	       (int)val, frompid == getpid());
	got = 0;
	mq_receive(q, buf, sizeof(buf), NULL);
	SHOW("send unregistered", mq_send(q, "y", 1, 0));
	printf("signal: %d\n", (int)got);
	/* Registered on a non-empty queue: nothing until it empties and
	 * fills again. */
	SHOW("notify non-empty", mq_notify(q, &ev));
	SHOW("send second", mq_send(q, "z", 1, 0));
	printf("signal: %d\n", (int)got);
	mq_receive(q, buf, sizeof(buf), NULL);
	mq_receive(q, buf, sizeof(buf), NULL);
	p = fork();
	if (p == 0) {
		mq_send(q, "c", 1, 0);
		_exit(0);
	}
	waitpid(p, &status, 0);
	printf("signal from child: %d from child %d\n", (int)got, frompid == p);
	got = 0;
	mq_receive(q, buf, sizeof(buf), NULL);

	/* Another process holds the registration: EBUSY; NULL there is a no-op. */
	SHOW("notify", mq_notify(q, &ev));
	p = fork();
	if (p == 0) {
		printf("child notify: %s\n", mq_notify(q, &ev) < 0 ? errname(errno) : "ok");
		printf("child notify NULL: %s\n", mq_notify(q, NULL) < 0 ? errname(errno) : "ok");
		_exit(0);
	}
	waitpid(p, &status, 0);
	SHOW("notify NULL", mq_notify(q, NULL));
	SHOW("send after removal", mq_send(q, "w", 1, 0));
	printf("signal: %d\n", (int)got);
	mq_receive(q, buf, sizeof(buf), NULL);

	/* A receiver waiting takes the message: no notification. */
	SHOW("notify", mq_notify(q, &ev));
	p = fork();
	if (p == 0) {
		ssize_t r = mq_receive(q, buf, sizeof(buf), NULL);

		printf("child received %zd\n", r);
		_exit(0);
	}
	usleep(200000);
	{
		int r = mq_send(q, "v", 1, 0);

		waitpid(p, &status, 0);
		SHOW("send to waiting receiver", r);
	}
	printf("signal: %d\n", (int)got);
	mq_notify(q, NULL);
	mq_unlink(n);
	return 0;
}
