/* A process group whose members have no parent in another group of the
 * same session is orphaned: a background read from the controlling
 * terminal there fails with EIO instead of stopping, and so does a
 * background tcsetattr; a plain write (no TOSTOP) still works. */
#include "tty.h"
#include <sys/prctl.h>

int main(void)
{
	int m, p[2];
	pid_t leader;

	m = posix_openpt(O_RDWR | O_NOCTTY);
	grantpt(m);
	unlockpt(m);
	pipe(p);
	/* The orphan is reparented to us (outside its session). */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	leader = fork();
	if (leader == 0) {
		char line[256];
		long n;
		int s;

		setsid();
		s = open(ptsname(m), O_RDWR);
		if (fork() == 0) {
			pid_t mid = getpid();

			if (fork() == 0) {
				struct termios t;
				char buf[4];
				long r;

				setpgid(0, 0);
				while (getppid() == mid)
					sleep_ms(10);
				errno = 0;
				r = read(s, buf, sizeof(buf));
				n = snprintf(line, sizeof(line), "orphan: read %ld %s\n", r,
					     errname(errno));
				write(p[1], line, (size_t)n);
				tcgetattr(s, &t);
				errno = 0;
				r = tcsetattr(s, TCSANOW, &t);
				n = snprintf(line, sizeof(line), "orphan: tcsetattr %ld %s\n", r,
					     errname(errno));
				write(p[1], line, (size_t)n);
				r = write(s, "w", 1);
				n = snprintf(line, sizeof(line), "orphan: write %ld\n", r);
				write(p[1], line, (size_t)n);
				_exit(0);
			}
			_exit(0);
		}
		close(p[1]);
		wait(NULL);
		while ((n = read(p[0], line, sizeof(line))) > 0)
			fwrite(line, 1, (size_t)n, stdout);
		fflush(stdout);
		_exit(0);
	}
	close(p[1]);
	close(p[0]);
	reap(leader, "leader");
	while (wait(NULL) > 0)
		;
	show_master(m, "master");
	return 0;
}
