/* sigprocmask: blocked signals stay pending (sigpending) until unblocked,
 * then are delivered once; SIGKILL/SIGSTOP cannot be blocked; bad "how"
 * is EINVAL. */
#include "../common.h"

static volatile int hits;

static void h(int sig)
{
	hits++;
}

int main(void)
{
	sigset_t set, old, pend;

	signal(SIGUSR1, h);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	SHOW(sigprocmask(SIG_BLOCK, &set, &old));
	EXPECT(!sigismember(&old, SIGUSR1));
	raise(SIGUSR1);
	raise(SIGUSR1);
	printf("hits while blocked: %d\n", hits);
	sigpending(&pend);
	printf("pending SIGUSR1=%d SIGUSR2=%d\n", sigismember(&pend, SIGUSR1),
	       sigismember(&pend, SIGUSR2));
	SHOW(sigprocmask(SIG_UNBLOCK, &set, NULL));
	printf("hits after unblock: %d (standard signals do not queue)\n", hits);
	sigpending(&pend);
	printf("pending after: %d\n", sigismember(&pend, SIGUSR1));

	sigfillset(&set);
	SHOW(sigprocmask(SIG_SETMASK, &set, NULL));
	sigprocmask(SIG_SETMASK, NULL, &old);
	printf("SIGKILL blocked=%d SIGSTOP blocked=%d SIGUSR2 blocked=%d\n",
	       sigismember(&old, SIGKILL), sigismember(&old, SIGSTOP),
	       sigismember(&old, SIGUSR2));
	SHOW(sigprocmask(99, &set, NULL));
	SHOW(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4));
	SHOW(syscall(SYS_rt_sigprocmask, SIG_BLOCK, (void *)8, NULL, 8));
	sigemptyset(&set);
	SHOW(sigprocmask(SIG_SETMASK, &set, NULL));
	return 0;
}
