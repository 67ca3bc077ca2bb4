/* Delivery order after unblocking: pending standard signals arrive lowest
 * number first, each once; realtime signals queue every instance, in order,
 * with their values. */
#include "../common.h"

static int order[64], n;
static int vals[64];

static void h(int sig, siginfo_t *si, void *uc)
{
	if (n < 64) {
		vals[n] = si->si_code == SI_QUEUE ? si->si_value.sival_int : -1;
		order[n++] = sig;
	}
}

int main(void)
{
	struct sigaction sa = { 0 };
	sigset_t all, none;
	int sigs[] = { SIGUSR2, SIGHUP, SIGUSR1, SIGTERM, SIGUSR2, SIGWINCH };

	sa.sa_sigaction = h;
	sa.sa_flags = SA_SIGINFO;
	sigfillset(&sa.sa_mask);
	for (int i = 0; i < 6; i++)
		sigaction(sigs[i], &sa, NULL);
	sigaction(SIGRTMIN + 1, &sa, NULL);
	sigaction(SIGRTMIN + 3, &sa, NULL);
	sigfillset(&all);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &all, NULL);
	for (int i = 0; i < 6; i++)
		raise(sigs[i]);
	for (int i = 0; i < 3; i++) {
		sigqueue(getpid(), SIGRTMIN + 3, (union sigval){ .sival_int = 30 + i });
		sigqueue(getpid(), SIGRTMIN + 1, (union sigval){ .sival_int = 10 + i });
	}
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int i = 0; i < n; i++) {
		if (order[i] >= SIGRTMIN)
			printf("SIGRTMIN+%d value %d\n", order[i] - SIGRTMIN, vals[i]);
		else
			printf("signal %d\n", order[i]);
	}
	return 0;
}
