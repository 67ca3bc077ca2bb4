/* Writing to a pipe with no reader raises SIGPIPE (default: death); with
 * SIGPIPE ignored the write fails with EPIPE. */
#include "../common.h"

int main(void)
{
	int p[2];
	pid_t pid;

	pipe(p);
	close(p[0]);
	pid = fork();
	if (pid == 0) {
		write(p[1], "x", 1);
		_exit(0);
	}
	reap(pid, "writer with default SIGPIPE");
	signal(SIGPIPE, SIG_IGN);
	SHOW(write(p[1], "x", 1));
	return 0;
}
