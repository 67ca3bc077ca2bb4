/* /dev/tty: ENXIO for a process without a controlling terminal (a new
 * session), the terminal itself once it has one: data written through
 * /dev/tty reaches the master, fstat shows /dev/tty's own node. Opening
 * the slave without O_NOCTTY makes it a session leader's terminal; not
 * for a process that is no session leader or already has one. */
#include "tty.h"
#include <sys/stat.h>
#include <sys/sysmacros.h>

int main(void)
{
	int m, st;
	pid_t pid;

	m = posix_openpt(O_RDWR | O_NOCTTY);
	grantpt(m);
	unlockpt(m);
	pid = fork();
	if (pid == 0) {
		struct stat sb;
		int s, t, pg;

		setsid();
		errno = 0;
		printf("no ctty: /dev/tty %d %s\n", open("/dev/tty", O_RDWR), errname(errno));
		s = open(ptsname(m), O_RDWR | O_NOCTTY);
		errno = 0;
		printf("O_NOCTTY open: TIOCGPGRP %d %s\n", ioctl(s, TIOCGPGRP, &pg), errname(errno));
		close(s);
		s = open(ptsname(m), O_RDWR);
		printf("plain open: TIOCGPGRP %d, is me %d\n", ioctl(s, TIOCGPGRP, &pg),
		       pg == getpid());
		t = open("/dev/tty", O_RDWR);
		printf("/dev/tty opened %d\n", t >= 0);
		printf("write %ld\n", (long)write(t, "via dev tty\n", 12));
		fstat(t, &sb);
		printf("fstat: %u:%u\n", major(sb.st_rdev), minor(sb.st_rdev));
		printf("TIOCGPGRP via /dev/tty %d\n", ioctl(t, TIOCGPGRP, &pg));
		_exit(0);
	}
	reap(pid, "child");
	show_master(m, "master");

	/* A child that is not a session leader does not acquire. */
	pid = fork();
	if (pid == 0) {
		int s, pg;

		setsid();
		if (fork() == 0) {
			s = open(ptsname(m), O_RDWR);
			errno = 0;
			printf("grandchild: TIOCGPGRP %d %s\n", ioctl(s, TIOCGPGRP, &pg),
			       errname(errno));
			_exit(0);
		}
		wait(&st);
		_exit(0);
	}
	reap(pid, "child 2");
	return 0;
}
