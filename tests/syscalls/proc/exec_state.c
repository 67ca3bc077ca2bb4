/* What execve keeps and resets: the pid, ignored signals, the signal mask
 * and pending signals survive; caught signals are reset to SIG_DFL. */
#include "../common.h"

static void h(int sig)
{
}

int main(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		char pidbuf[16];
		char *argv[] = { "sigstate", pidbuf, NULL };
		char *envp[] = { NULL };
		sigset_t s;

		snprintf(pidbuf, sizeof(pidbuf), "%d", getpid());
		signal(SIGUSR1, h);
		signal(SIGUSR2, SIG_IGN);
		sigemptyset(&s);
		sigaddset(&s, SIGTERM);
		sigprocmask(SIG_BLOCK, &s, NULL);
		raise(SIGTERM);
		execve(helper_path("sigstate"), argv, envp);
		_exit(127);
	}
	reap(pid, "sigstate");
	return 0;
}
