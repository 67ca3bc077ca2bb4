/* Window size: zero on a new pair, TIOCSWINSZ on either side is seen on
 * both, a change sends SIGWINCH to the foreground process group of the
 * terminal, setting the same size again sends nothing. */
#include "tty.h"

static volatile sig_atomic_t winch;

static void on_winch(int sig)
{
	winch++;
}

int main(void)
{
	struct winsize ws, got;
	int m, s, p[2], q[2];
	char c;
	pid_t pid;

	if (pty_pair(&m, &s) < 0)
		return 1;
	memset(&got, 0xff, sizeof(got));
	SHOW(ioctl(s, TIOCGWINSZ, &got));
	printf("initial %d %d %d %d\n", got.ws_row, got.ws_col, got.ws_xpixel, got.ws_ypixel);
	ws = (struct winsize){ 24, 80, 640, 480 };
	SHOW(ioctl(m, TIOCSWINSZ, &ws));
	SHOW(ioctl(s, TIOCGWINSZ, &got));
	printf("slave sees %d %d %d %d\n", got.ws_row, got.ws_col, got.ws_xpixel, got.ws_ypixel);
	ws.ws_row = 50;
	SHOW(ioctl(s, TIOCSWINSZ, &ws));
	SHOW(ioctl(m, TIOCGWINSZ, &got));
	printf("master sees %d %d\n", got.ws_row, got.ws_col);
	SHOW(ioctl(s, TIOCSWINSZ, (void *)8));
	close(s);

	pipe(p);
	pipe(q);
	pid = fork();
	if (pid == 0) {
		struct sigaction sa = { .sa_handler = on_winch, .sa_flags = SA_RESTART };
		sigset_t none;

		sigaction(SIGWINCH, &sa, NULL);
		setsid();
		s = open(ptsname(m), O_RDWR);   /* a session leader's first tty */
		write(p[1], "r", 1);
		sigemptyset(&none);
		for (int i = 0; i < 2; i++) {
			read(q[0], &c, 1);
			printf("child: SIGWINCH count %d\n", winch);
			write(p[1], "k", 1);
		}
		_exit(0);
	}
	read(p[0], &c, 1);
	ws.ws_col = 132;
	SHOW(ioctl(m, TIOCSWINSZ, &ws));
	sleep_ms(50);
	write(q[1], "g", 1);
	read(p[0], &c, 1);
	SHOW(ioctl(m, TIOCSWINSZ, &ws));
	sleep_ms(50);
	write(q[1], "g", 1);
	read(p[0], &c, 1);
	reap(pid, "child");
	return 0;
}
