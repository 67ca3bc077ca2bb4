/* Job control on a pty: a session leader takes it with TIOCSCTTY (and
 * not twice, not from another session), TIOCGPGRP/TIOCSPGRP/TIOCGSID
 * and their errors, a background process reading gets SIGTTIN (stopped,
 * then continued), EIO when SIGTTIN is ignored, TIOCNOTTY. */
#include "tty.h"

static int sync_p[2];

static void child_bg(int s, int fg_pgrp)
{
	char buf[8];
	long r;

	/* In the background: reading stops us with SIGTTIN; the leader
	 * hands us the terminal and continues us. */
	setpgid(0, 0);
	write(sync_p[1], "b", 1);
	r = read(s, buf, sizeof(buf));
	printf("bg: read after continue %ld %s\n", r, r < 0 ? errname(errno) : "");
	printf("bg: give the terminal back %d\n", tcsetpgrp(s, fg_pgrp));
	signal(SIGTTIN, SIG_IGN);
	errno = 0;
	r = read(s, buf, sizeof(buf));
	printf("bg: read with SIGTTIN ignored %ld %s\n", r, errname(errno));
	signal(SIGTTOU, SIG_IGN);
	errno = 0;
	printf("bg: tcsetpgrp, SIGTTOU ignored %d %s\n", tcsetpgrp(s, getpgrp()),
	       errname(errno));
	_exit(0);
}

int main(void)
{
	int m, st, pg = -1, sid = -1;
	char c;
	pid_t leader;

	m = posix_openpt(O_RDWR | O_NOCTTY);
	grantpt(m);
	unlockpt(m);
	pipe(sync_p);
	leader = fork();
	if (leader == 0) {
		int s = open(ptsname(m), O_RDWR | O_NOCTTY);
		pid_t bg;

		printf("leader: TIOCSCTTY before setsid %d %s\n", ioctl(s, TIOCSCTTY, 0),
		       errname(errno));
		errno = 0;
		printf("leader: TIOCGPGRP without ctty %d %s\n", ioctl(s, TIOCGPGRP, &pg),
		       errname(errno));
		setsid();
		errno = 0;
		printf("leader: TIOCGSID before %d %s\n", ioctl(s, TIOCGSID, &sid), errname(errno));
		printf("leader: TIOCSCTTY %d\n", ioctl(s, TIOCSCTTY, 0));
		printf("leader: TIOCSCTTY again %d\n", ioctl(s, TIOCSCTTY, 0));
		ioctl(s, TIOCGPGRP, &pg);
		ioctl(s, TIOCGSID, &sid);
		printf("leader: pgrp is me %d, sid is me %d\n", pg == getpid(), sid == getpid());
		errno = 0;
		pg = -5;
		printf("leader: TIOCSPGRP -5 %d %s\n", ioctl(s, TIOCSPGRP, &pg), errname(errno));
		pg = 1;
		errno = 0;
		printf("leader: TIOCSPGRP other session %d %s\n", ioctl(s, TIOCSPGRP, &pg),
		       errname(errno));
		pg = 999999;
		errno = 0;
		printf("leader: TIOCSPGRP no such %d %s\n", ioctl(s, TIOCSPGRP, &pg),
		       errname(errno));
		bg = fork();
		if (bg == 0)
			child_bg(s, getpid());
		read(sync_p[0], &c, 1);
		waitpid(bg, &st, WUNTRACED);
		printf("leader: bg %s\n", wstatus(st));
		printf("leader: tcsetpgrp to bg %d\n", tcsetpgrp(s, bg));
		write(m, "data\n", 5);
		kill(bg, SIGCONT);
		waitpid(bg, &st, 0);
		printf("leader: bg %s\n", wstatus(st));
		/* The leader is now in the background itself. */
		errno = 0;
		printf("leader: TIOCGPGRP is bg %d\n", ioctl(s, TIOCGPGRP, &pg) == 0 && pg == bg);
		signal(SIGTTOU, SIG_IGN);
		printf("leader: tcsetpgrp back %d\n", tcsetpgrp(s, getpgrp()));
		/* TIOCNOTTY from the leader hangs up its foreground group. */
		signal(SIGHUP, SIG_IGN);
		printf("leader: TIOCNOTTY %d\n", ioctl(s, TIOCNOTTY));
		errno = 0;
		printf("leader: TIOCGPGRP after %d %s\n", ioctl(s, TIOCGPGRP, &pg), errname(errno));
		errno = 0;
		printf("leader: master TIOCGSID %d %s\n", ioctl(m, TIOCGSID, &sid), errname(errno));
		_exit(0);
	}
	reap(leader, "leader");
	return 0;
}
