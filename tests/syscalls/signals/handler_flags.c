/* Handler flags: the signal is blocked inside its own handler (plus
 * sa_mask) unless SA_NODEFER; SA_RESETHAND restores SIG_DFL after one
 * delivery; the mask is restored by sigreturn. */
#include "../common.h"

static volatile int self_blocked, usr2_blocked, depth, maxdepth, calls;

static void h(int sig)
{
	sigset_t cur;

	sigprocmask(SIG_SETMASK, NULL, &cur);
	self_blocked = sigismember(&cur, sig);
	usr2_blocked = sigismember(&cur, SIGUSR2);
	if (++depth > maxdepth)
		maxdepth = depth;
	/* Re-raise twice: nested with SA_NODEFER, after return otherwise. */
	if (++calls < 3)
		raise(sig);
	depth--;
}

int main(void)
{
	struct sigaction sa = { 0 }, old;
	sigset_t cur;

	sa.sa_handler = h;
	sigaddset(&sa.sa_mask, SIGUSR2);
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	printf("default: self blocked=%d usr2 blocked=%d maxdepth=%d\n", self_blocked,
	       usr2_blocked, maxdepth);
	sigprocmask(SIG_SETMASK, NULL, &cur);
	printf("after: usr1 blocked=%d usr2 blocked=%d\n", sigismember(&cur, SIGUSR1),
	       sigismember(&cur, SIGUSR2));

	printf("calls=%d\n", calls);
	maxdepth = 0;
	calls = 0;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	printf("SA_NODEFER: self blocked=%d maxdepth=%d calls=%d\n", self_blocked, maxdepth,
	       calls);

	maxdepth = 0;
	calls = 0;
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGUSR2, &sa, NULL);
	pid_t pid = fork();
	if (pid == 0) {
		raise(SIGUSR2);
		_exit(maxdepth);
	}
	reap(pid, "SA_RESETHAND child");
	sigaction(SIGUSR2, NULL, &old);
	printf("parent handler still set: %d\n", old.sa_handler == h);
	pid = fork();
	if (pid == 0) {
		calls = 5;
		raise(SIGUSR2);
		sigaction(SIGUSR2, NULL, &old);
		_exit(old.sa_handler == SIG_DFL ? 10 : 11);
	}
	reap(pid, "handler reset");
	return 0;
}
