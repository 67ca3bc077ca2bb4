/* sigsuspend: atomically replaces the mask and sleeps until a handled
 * signal arrives, returns EINTR, and restores the old mask. */
#include "../common.h"

static volatile int hits;

static void h(int sig)
{
	hits++;
}

int main(void)
{
	sigset_t block, empty, cur;
	pid_t pid;

	signal(SIGUSR1, h);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	pid = fork();
	if (pid == 0) {
		sleep_ms(50);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	sigemptyset(&empty);
	SHOW(sigsuspend(&empty));
	printf("hits=%d\n", hits);
	sigprocmask(SIG_SETMASK, NULL, &cur);
	printf("mask restored (SIGUSR1 blocked): %d\n", sigismember(&cur, SIGUSR1));
	reap(pid, "sender");

	/* Already pending: sigsuspend returns at once. */
	raise(SIGUSR1);
	SHOW(sigsuspend(&empty));
	printf("hits=%d\n", hits);
	return 0;
}
