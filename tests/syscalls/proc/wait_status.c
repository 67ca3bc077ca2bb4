/* wait4 status encodings: exit codes (truncated to 8 bits) and deaths by
 * signal, decoded with WIFEXITED/WEXITSTATUS/WIFSIGNALED/WTERMSIG. */
#include "../common.h"

static pid_t spawn(int how)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	signal(SIGTERM, SIG_DFL);
	switch (how) {
	case 0: _exit(0);
	case 1: _exit(255);
	case 2: _exit(256 + 7);
	case 3: raise(SIGTERM); break;
	case 4: raise(SIGKILL); break;
	case 5: abort();
	case 6: pause(); break;
	}
	_exit(99);
}

int main(void)
{
	for (int how = 0; how < 6; how++) {
		pid_t pid = spawn(how);
		int st;

		waitpid(pid, &st, 0);
		printf("case %d: WIFEXITED=%d WEXITSTATUS=%d WIFSIGNALED=%d WTERMSIG=%d\n",
		       how, WIFEXITED(st), WIFEXITED(st) ? WEXITSTATUS(st) : -1,
		       WIFSIGNALED(st), WIFSIGNALED(st) ? WTERMSIG(st) : -1);
	}
	/* Killed by the parent while paused. */
	pid_t pid = spawn(6);
	sleep_ms(20);
	kill(pid, SIGHUP);
	reap(pid, "killed by SIGHUP");
	return 0;
}
