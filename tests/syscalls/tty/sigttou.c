/* Background output: with TOSTOP a background process writing to its
 * terminal is stopped by SIGTTOU (allowed when SIGTTOU is ignored or
 * blocked); without TOSTOP it writes. tcsetattr from the background
 * also gets SIGTTOU. */
#include "tty.h"

int main(void)
{
	int m, st;
	pid_t leader;

	m = posix_openpt(O_RDWR | O_NOCTTY);
	grantpt(m);
	unlockpt(m);
	leader = fork();
	if (leader == 0) {
		struct termios t;
		pid_t bg;
		int s;

		setsid();
		s = open(ptsname(m), O_RDWR);
		bg = fork();
		if (bg == 0) {
			sigset_t set;

			setpgid(0, 0);
			printf("bg: write without tostop %ld\n", (long)write(s, "a", 1));
			tcgetattr(s, &t);
			/* tcsetattr in the background: stopped by SIGTTOU until
			 * the leader hands over the terminal. */
			t.c_lflag |= TOSTOP;
			tcsetattr(s, TCSANOW, &t);
			printf("bg: tcsetattr done in the foreground\n");
			tcsetpgrp(s, getppid());
			printf("bg: write with tostop %ld\n", (long)write(s, "b", 1));
			tcsetpgrp(s, getppid());
			signal(SIGTTOU, SIG_IGN);
			printf("bg: write, SIGTTOU ignored %ld\n", (long)write(s, "c", 1));
			signal(SIGTTOU, SIG_DFL);
			sigemptyset(&set);
			sigaddset(&set, SIGTTOU);
			sigprocmask(SIG_BLOCK, &set, NULL);
			printf("bg: write, SIGTTOU blocked %ld\n", (long)write(s, "d", 1));
			_exit(0);
		}
		waitpid(bg, &st, WUNTRACED);
		printf("leader: bg %s\n", wstatus(st));
		tcsetpgrp(s, bg);
		kill(bg, SIGCONT);
		waitpid(bg, &st, WUNTRACED);
		printf("leader: bg %s\n", wstatus(st));
		signal(SIGTTOU, SIG_IGN);
		tcsetpgrp(s, bg);
		kill(bg, SIGCONT);
		waitpid(bg, &st, WUNTRACED);
		printf("leader: bg %s\n", wstatus(st));
		_exit(0);
	}
	reap(leader, "leader");
	show_master(m, "master");
	return 0;
}
