/* Closing the master hangs the slave up: reads return 0, writes and
 * termios ioctls fail with EIO, poll reports POLLHUP|POLLERR, the
 * session leader whose terminal it was gets SIGHUP (then SIGCONT), and
 * pts/N goes away. Closing every slave makes the master read EIO and
 * poll POLLHUP; the slave can be opened again while the master lives. */
#include "tty.h"

static volatile sig_atomic_t hup, cont;

static void on_sig(int sig)
{
	if (sig == SIGHUP)
		hup++;
	else
		cont++;
}

int main(void)
{
	struct pollfd pf;
	struct termios t;
	char buf[64], name[64], c;
	int m, s, p[2], q[2];
	pid_t pid;

	if (pty_pair(&m, &s) < 0)
		return 1;
	strcpy(name, ptsname(m));
	close(s);
	pf = (struct pollfd){ .fd = m, .events = POLLIN | POLLOUT };
	SHOW(poll(&pf, 1, 0));
	printf("master revents after slave close %#x\n", pf.revents);
	SHOW(read(m, buf, sizeof(buf)));
	SHOW(write(m, "hi\n", 3));
	s = open(name, O_RDWR | O_NOCTTY);
	SHOWOK(s);
	wait_input(s);
	show_read(s, "reopened slave reads", 100);
	close(s);
	close(m);
	SHOW(open(name, O_RDWR | O_NOCTTY));

	m = posix_openpt(O_RDWR | O_NOCTTY);
	grantpt(m);
	unlockpt(m);
	strcpy(name, ptsname(m));
	pipe(p);
	pipe(q);
	pid = fork();
	if (pid == 0) {
		struct sigaction sa = { .sa_handler = on_sig };

		/* Only the parent holds the master: its close is the hangup. */
		close(m);
		sigaction(SIGHUP, &sa, NULL);
		sigaction(SIGCONT, &sa, NULL);
		setsid();
		s = open(name, O_RDWR);
		printf("child: ctty %d\n", tcgetpgrp(s) == getpid());
		write(p[1], "r", 1);
		read(q[0], &c, 1);
		printf("child: SIGHUP %d SIGCONT %d\n", hup, cont);
		{
			long r;

			errno = 0;
			r = (long)read(s, buf, sizeof(buf));
			printf("child: read %ld %s\n", r, r < 0 ? errname(errno) : "");
			errno = 0;
			r = (long)write(s, "x", 1);
			printf("child: write %ld %s\n", r, r < 0 ? errname(errno) : "");
			errno = 0;
			r = tcgetattr(s, &t);
			printf("child: tcgetattr %ld %s\n", r, r < 0 ? errname(errno) : "");
			errno = 0;
			r = tcgetpgrp(s);
			printf("child: tcgetpgrp %ld %s\n", r, r < 0 ? errname(errno) : "");
			pf = (struct pollfd){ .fd = s, .events = POLLIN | POLLOUT };
			poll(&pf, 1, 0);
			printf("child: revents %#x\n", pf.revents);
			errno = 0;
			r = open("/dev/tty", O_RDWR);
			printf("child: /dev/tty %ld %s\n", r, r < 0 ? errname(errno) : "");
		}
		_exit(0);
	}
	read(p[0], &c, 1);
	close(m);
	sleep_ms(100);
	write(q[1], "g", 1);
	reap(pid, "child");
	return 0;
}
