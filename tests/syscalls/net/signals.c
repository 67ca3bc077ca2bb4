/* Blocking socket calls and signals: without SA_RESTART a handler makes
 * recv/accept fail with EINTR; with SA_RESTART they restart and complete;
 * a socket with SO_RCVTIMEO is never restarted (EINTR). */
#include "net.h"
#include <sys/time.h>

static void on_alarm(int sig)
{
}

static void arm(int restart)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = restart ? SA_RESTART : 0 };
	struct itimerval it = { { 0, 0 }, { 0, 30000 } };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
}

int main(void)
{
	int sv[2];
	char buf[8];
	struct sockaddr_un a;
	socklen_t alen = abstract_addr(&a, "sig");
	pid_t pid;

	SHOW(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	arm(0);
	SHOW(recv(sv[0], buf, sizeof(buf), 0));
	arm(0);
	SHOW(read(sv[0], buf, sizeof(buf)));

	int ls = socket(AF_UNIX, SOCK_STREAM, 0);
	SHOW(bind(ls, (struct sockaddr *)&a, alen));
	SHOW(listen(ls, 1));
	arm(0);
	SHOW(accept(ls, NULL, NULL));

	/* SA_RESTART: the call restarts and gets the data written later. */
	pid = fork();
	if (pid == 0) {
		sleep_ms(150);
		write(sv[1], "late", 4);
		_exit(0);
	}
	arm(1);
	SHOW(recv(sv[0], buf, sizeof(buf), 0));
	reap(pid, "writer");

	struct timeval tv = { 5, 0 };
	SHOW(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	arm(1);
	SHOW(recv(sv[0], buf, sizeof(buf), 0));
	return 0;
}
