/* SIGCHLD on child exit carries CLD_EXITED and the status; with SIGCHLD
 * ignored, children are reaped automatically and wait sees ECHILD;
 * SA_NOCLDSTOP suppresses stop notifications. */
#include "../common.h"

static volatile int hits;
static siginfo_t got;

static void h(int sig, siginfo_t *si, void *uc)
{
	got = *si;
	hits++;
}

int main(void)
{
	struct sigaction sa = { 0 };
	sigset_t block, empty;
	pid_t pid;
	int st;

	sa.sa_sigaction = h;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGCHLD, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigemptyset(&empty);
	sigprocmask(SIG_BLOCK, &block, NULL);
	pid = fork();
	if (pid == 0)
		_exit(3);
	while (!hits)
		sigsuspend(&empty);
	printf("SIGCHLD: signo=%d code=%d (CLD_EXITED=%d) status=%d pid-match=%d\n",
	       got.si_signo, got.si_code, CLD_EXITED, got.si_status, got.si_pid == pid);
	reap(pid, "child");

	/* Killed child: CLD_KILLED. */
	hits = 0;
	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	kill(pid, SIGTERM);
	while (!hits)
		sigsuspend(&empty);
	printf("SIGCHLD: code=%d (CLD_KILLED=%d) status=%d\n", got.si_code, CLD_KILLED,
	       got.si_status);
	reap(pid, "killed child");
	sigprocmask(SIG_UNBLOCK, &block, NULL);

	/* SIGCHLD ignored: no zombies. */
	signal(SIGCHLD, SIG_IGN);
	pid = fork();
	if (pid == 0)
		_exit(0);
	errno = 0;
	SHOW(waitpid(pid, &st, 0));
	return 0;
}
