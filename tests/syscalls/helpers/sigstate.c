/* Exec target: prints the signal state inherited across execve (handled
 * signals reset to default, ignored stay ignored, mask and pending signals
 * kept) and whether the pid is the one given in argv[1]. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char *disp(int sig)
{
	struct sigaction sa;

	sigaction(sig, NULL, &sa);
	if (sa.sa_handler == SIG_DFL)
		return "default";
	if (sa.sa_handler == SIG_IGN)
		return "ignored";
	return "handler";
}

int main(int argc, char **argv)
{
	sigset_t mask, pend;

	sigprocmask(SIG_SETMASK, NULL, &mask);
	sigpending(&pend);
	printf("pid kept: %d\n", argc > 1 && atoi(argv[1]) == getpid());
	printf("SIGUSR1 %s, SIGUSR2 %s, SIGHUP %s\n", disp(SIGUSR1), disp(SIGUSR2), disp(SIGHUP));
	printf("SIGTERM blocked %d pending %d\n", sigismember(&mask, SIGTERM),
	       sigismember(&pend, SIGTERM));
	return 0;
}
