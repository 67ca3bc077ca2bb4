/* Default signal actions, seen through wait status: terminate, core
 * (reported as signaled), ignore (SIGCHLD, SIGWINCH, SIGURG), and a pending
 * blocked fatal signal that kills on unblock. */
#include "../common.h"

static void one(int sig)
{
	pid_t pid = fork();
	char label[32];

	if (pid == 0) {
		signal(sig, SIG_DFL);
		raise(sig);
		_exit(100);
	}
	snprintf(label, sizeof(label), "signal %d", sig);
	reap(pid, label);
}

int main(void)
{
	int sigs[] = { SIGHUP, SIGINT, SIGQUIT, SIGABRT, SIGUSR1, SIGUSR2, SIGPIPE,
		       SIGALRM, SIGTERM, SIGCHLD, SIGWINCH, SIGURG, SIGXCPU, SIGSYS,
		       SIGRTMIN, SIGRTMAX };

	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		one(sigs[i]);

	pid_t pid = fork();
	if (pid == 0) {
		sigset_t s;

		sigemptyset(&s);
		sigaddset(&s, SIGTERM);
		sigprocmask(SIG_BLOCK, &s, NULL);
		raise(SIGTERM);
		write(1, "still alive while blocked\n", 26);
		sigprocmask(SIG_UNBLOCK, &s, NULL);
		_exit(100);
	}
	reap(pid, "blocked then unblocked SIGTERM");
	return 0;
}
