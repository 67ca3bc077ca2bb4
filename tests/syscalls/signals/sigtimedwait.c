/* rt_sigtimedwait: takes a pending blocked signal with its info, times out
 * with EAGAIN, returns at once for a zero timeout, and a signal sent later
 * by another process wakes it. */
#include "../common.h"

int main(void)
{
	sigset_t set;
	siginfo_t si;
	struct timespec zero = { 0, 0 }, t50 = { 0, 50000000 }, t5 = { 5, 0 };
	double t0;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &set, NULL);

	raise(SIGUSR1);
	memset(&si, 0, sizeof(si));
	SHOW(sigtimedwait(&set, &si, &zero));
	printf("si_signo=%d si_code=%d\n", si.si_signo, si.si_code);
	SHOW(sigtimedwait(&set, &si, &zero));
	t0 = now_mono();
	SHOW(sigtimedwait(&set, &si, &t50));
	EXPECT(now_mono() - t0 >= 0.049);

	sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 77 });
	EXPECT(sigwaitinfo(&set, &si) == SIGRTMIN);
	printf("value=%d code=%d\n", si.si_value.sival_int, si.si_code);

	pid_t pid = fork();
	if (pid == 0) {
		sleep_ms(50);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	SHOW(sigtimedwait(&set, &si, &t5));
	printf("from child: code=%d pid-match=%d\n", si.si_code, si.si_pid == pid);
	reap(pid, "sender");
	struct timespec bad = { 0, 2000000000L };
	SHOW(sigtimedwait(&set, &si, &bad));
	return 0;
}
