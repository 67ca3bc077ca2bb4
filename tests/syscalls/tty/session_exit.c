/* When a session leader with a controlling terminal exits, its
 * foreground process group gets SIGHUP and the terminal is free again:
 * a new session can take it. */
#include "tty.h"
#include <sys/prctl.h>

int main(void)
{
	int m, p[2], q[2], st;
	char c;
	pid_t leader;

	m = posix_openpt(O_RDWR | O_NOCTTY);
	grantpt(m);
	unlockpt(m);
	pipe(p);
	pipe(q);
	/* Orphans come to us (as they do to the sandbox's init). */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	leader = fork();
	if (leader == 0) {
		pid_t kid;
		int s;

		setsid();
		s = open(ptsname(m), O_RDWR);
		kid = fork();
		if (kid == 0) {
			/* Same (foreground) group as the leader: gets SIGHUP. */
			write(p[1], "k", 1);
			pause();
			_exit(0);
		}
		read(p[0], &c, 1);
		write(q[1], &kid, sizeof(kid));
		(void)s;
		_exit(0);
	}
	pid_t kid;
	read(q[0], &kid, sizeof(kid));
	reap(leader, "leader");
	reap(kid, "kid in the foreground group");
	leader = fork();
	if (leader == 0) {
		int s, pg;

		setsid();
		s = open(ptsname(m), O_RDWR);
		printf("new session took it %d\n", ioctl(s, TIOCGPGRP, &pg) == 0 && pg == getpid());
		_exit(0);
	}
	reap(leader, "second leader");
	(void)st;
	return 0;
}
