/* Signal characters: a child makes a new session, takes the slave as its
 * controlling terminal with TIOCSCTTY and waits; ^C, ^\ and ^Z typed on
 * the master signal its foreground process group, the echo shows ^C,
 * pending input is flushed (and kept with NOFLSH). */
#include "tty.h"

static volatile sig_atomic_t got[65];

static void on_sig(int sig)
{
	got[sig]++;
}

int main(void)
{
	int m, s, p[2], q[2];
	char c;
	pid_t pid;

	m = posix_openpt(O_RDWR | O_NOCTTY);
	grantpt(m);
	unlockpt(m);
	pipe(p);
	pipe(q);
	pid = fork();
	if (pid == 0) {
		struct sigaction sa = { .sa_handler = on_sig };
		char buf[64];
		long n;

		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGQUIT, &sa, NULL);
		sigaction(SIGTSTP, &sa, NULL);
		setsid();
		s = open(ptsname(m), O_RDWR | O_NOCTTY);
		printf("child: TIOCSCTTY %d\n", ioctl(s, TIOCSCTTY, 0));
		printf("child: tcgetpgrp is mine %d\n", tcgetpgrp(s) == getpgrp());
		write(p[1], "r", 1);
		/* Each signal interrupts the read (no SA_RESTART). */
		for (int i = 0; i < 3; i++) {
			n = read(s, buf, sizeof(buf));
			printf("child: read %ld %s\n", n, n < 0 ? errname(errno) : "");
			write(p[1], "s", 1);
		}
		printf("child: SIGINT %d SIGQUIT %d SIGTSTP %d\n", got[SIGINT], got[SIGQUIT],
		       got[SIGTSTP]);
		/* NOFLSH keeps the typed text across ^C. */
		struct termios t;
		tcgetattr(s, &t);
		t.c_lflag |= NOFLSH;
		tcsetattr(s, TCSANOW, &t);
		write(p[1], "n", 1);
		n = read(s, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			n = read(s, buf, sizeof(buf));
		show_bytes("child: after noflsh ^C", buf, n);
		_exit(0);
	}
	read(p[0], &c, 1);
	sleep_ms(100);
	write(m, "lost\003", 5);
	read(p[0], &c, 1);
	sleep_ms(100);
	write(m, "\034", 1);
	read(p[0], &c, 1);
	sleep_ms(100);
	write(m, "\032", 1);
	read(p[0], &c, 1);
	read(p[0], &c, 1);
	show_master(m, "echo");
	sleep_ms(100);
	write(m, "kept\003", 5);
	sleep_ms(100);
	write(m, "\n", 1);
	reap(pid, "child");
	show_master(m, "echo");
	return 0;
}
