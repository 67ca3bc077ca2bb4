/* Job control on a pty: a session leader takes it with TIOCSCTTY (and
 * not twice, not from another session), TIOCGPGRP/TIOCSPGRP/TIOCGSID
 * and their errors, a background process reading gets SIGTTIN (stopped,
 * then continued), EIO when SIGTTIN is ignored, TIOCNOTTY. */
#include "tty.h"

static int sync_p[2];

/* The result of a call and, when it failed, its errno (read after the
 * call: printf's arguments have no order). */
static void said(const char *what, long r)
{
	int e = errno;

	printf("%s %ld %s\n", what, r, r < 0 ? errname(e) : "");
}

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
	said("bg: read with SIGTTIN ignored", r);
	signal(SIGTTOU, SIG_IGN);
	errno = 0;
	said("bg: tcsetpgrp, SIGTTOU ignored", tcsetpgrp(s, getpgrp()));
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

		said("leader: TIOCSCTTY before setsid", ioctl(s, TIOCSCTTY, 0));
		errno = 0;
		said("leader: TIOCGPGRP without ctty", ioctl(s, TIOCGPGRP, &pg));
		setsid();
		errno = 0;
		said("leader: TIOCGSID before", ioctl(s, TIOCGSID, &sid));
		printf("leader: TIOCSCTTY %d\n", ioctl(s, TIOCSCTTY, 0));
		printf("leader: TIOCSCTTY again %d\n", ioctl(s, TIOCSCTTY, 0));
		ioctl(s, TIOCGPGRP, &pg);
		ioctl(s, TIOCGSID, &sid);
		printf("leader: pgrp is me %d, sid is me %d\n", pg == getpid(), sid == getpid());
		errno = 0;
		pg = -5;
		said("leader: TIOCSPGRP -5", ioctl(s, TIOCSPGRP, &pg));
		pg = 1;
		errno = 0;
		said("leader: TIOCSPGRP other session", ioctl(s, TIOCSPGRP, &pg));
		pg = 999999;
		errno = 0;
		said("leader: TIOCSPGRP no such", ioctl(s, TIOCSPGRP, &pg));
		pid_t me = getpid();

		bg = fork();
		if (bg == 0)
			child_bg(s, me);
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
		said("leader: TIOCGPGRP after", ioctl(s, TIOCGPGRP, &pg));
		errno = 0;
		said("leader: master TIOCGSID", ioctl(m, TIOCGSID, &sid));
		_exit(0);
	}
	reap(leader, "leader");
	return 0;
}
