/* SIGFPE: integer division by zero is FPE_INTDIV with si_addr at the
 * faulting instruction; INT_MIN / -1 traps the same way. */
#include "../common.h"
#include <setjmp.h>

static sigjmp_buf jb;
static siginfo_t got;

static void h(int sig, siginfo_t *si, void *uc)
{
	got = *si;
	siglongjmp(jb, 1);
}

int main(void)
{
	struct sigaction sa = { 0 };
	volatile int zero = 0, minus1 = -1, big = INT_MIN, r = 0;

	sa.sa_sigaction = h;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGFPE, &sa, NULL);
	if (sigsetjmp(jb, 1) == 0) {
		r = 10 / zero;
		printf("no fault %d\n", r);
	} else {
		printf("div by zero: signo=%d code=%d (FPE_INTDIV=%d)\n", got.si_signo,
		       got.si_code, FPE_INTDIV);
	}
	if (sigsetjmp(jb, 1) == 0) {
		r = big / minus1;
		printf("no fault %d\n", r);
	} else {
		printf("INT_MIN/-1: signo=%d code=%d\n", got.si_signo, got.si_code);
	}
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGFPE, SIG_DFL);
		r = 10 / zero;
		_exit(0);
	}
	reap(pid, "unhandled");
	return 0;
}
