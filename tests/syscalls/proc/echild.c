/* ECHILD: waiting with no children, for a pid that is not our child, and
 * for our own pid; EINVAL for bad options. */
#include "../common.h"

int main(void)
{
	int st;
	siginfo_t si;

	SHOW(wait(&st));
	SHOW(waitpid(-1, &st, WNOHANG));
	SHOW(waitpid(getpid(), &st, 0));
	SHOW(waitpid(1, &st, 0));
	SHOW(waitid(P_ALL, 0, &si, WEXITED));
	SHOW(waitpid(-1, &st, 0x40000000 /* unknown */ | 0x1000));
	/* A reaped child is gone. */
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	waitpid(pid, &st, 0);
	SHOW(waitpid(pid, &st, 0));
	return 0;
}
