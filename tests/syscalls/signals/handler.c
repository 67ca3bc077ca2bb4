/* Signal handlers: sigaction installs a handler that runs on raise/kill,
 * the old action is returned, SIG_IGN discards, SIGKILL/SIGSTOP cannot be
 * caught, and invalid signal numbers are EINVAL. */
#include "../common.h"

static volatile int hits, last;

static void h(int sig)
{
	hits++;
	last = sig;
}

int main(void)
{
	struct sigaction sa = { 0 }, old;

	sa.sa_handler = h;
	SHOW(sigaction(SIGUSR1, &sa, NULL));
	SHOW(raise(SIGUSR1));
	printf("hits=%d last=%d\n", hits, last);
	SHOW(kill(getpid(), SIGUSR1));
	printf("hits=%d last=%d\n", hits, last);
	SHOW(sigaction(SIGUSR1, NULL, &old));
	EXPECT(old.sa_handler == h);
	sa.sa_handler = SIG_IGN;
	SHOW(sigaction(SIGUSR1, &sa, &old));
	SHOW(raise(SIGUSR1));
	printf("hits=%d after SIG_IGN\n", hits);
	sa.sa_handler = h;
	SHOW(sigaction(SIGKILL, &sa, NULL));
	SHOW(sigaction(SIGSTOP, &sa, NULL));
	SHOW(sigaction(0, &sa, NULL));
	SHOW(sigaction(65, &sa, NULL));
	/* signal() keeps working for realtime signals too. */
	SHOW(sigaction(SIGRTMIN + 2, &sa, NULL));
	SHOW(raise(SIGRTMIN + 2));
	printf("hits=%d last-is-rt=%d\n", hits, last == SIGRTMIN + 2);
	return 0;
}
