/* waitid: siginfo fields for exited and killed children, WNOWAIT leaves the
 * child waitable, P_ALL, and invalid arguments. */
#include "../common.h"

static void show_info(const char *label, siginfo_t *si, pid_t pid)
{
	printf("%s: signo=%d code=%d status=%d pid-match=%d\n", label, si->si_signo,
	       si->si_code, si->si_status, si->si_pid == pid);
}

int main(void)
{
	siginfo_t si;
	pid_t pid;

	pid = fork();
	if (pid == 0)
		_exit(13);
	memset(&si, 0, sizeof(si));
	SHOW(waitid(P_PID, pid, &si, WEXITED | WNOWAIT));
	show_info("WNOWAIT exited", &si, pid);
	memset(&si, 0, sizeof(si));
	SHOW(waitid(P_ALL, 0, &si, WEXITED));
	show_info("P_ALL exited", &si, pid);

	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	/* Nothing has happened yet: WNOHANG leaves si_pid zero. */
	memset(&si, 0, sizeof(si));
	SHOW(waitid(P_PID, pid, &si, WEXITED | WNOHANG));
	printf("WNOHANG si_pid zero: %d\n", si.si_pid == 0);
	kill(pid, SIGKILL);
	memset(&si, 0, sizeof(si));
	SHOW(waitid(P_PID, pid, &si, WEXITED));
	show_info("killed", &si, pid);

	SHOW(waitid(P_PID, 0, &si, 0));
	SHOW(waitid(7, 0, &si, WEXITED));
	SHOW(waitid(P_ALL, 0, &si, WEXITED));
	return 0;
}
