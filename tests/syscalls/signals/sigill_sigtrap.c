/* SIGILL from ud2 (ILL_ILLOPN, si_addr at the instruction) and SIGTRAP
 * from int3 (SI_KERNEL, execution resumes after the int3). The SIGILL
 * handler skips the 2-byte ud2 by editing the saved RIP. */
#include "../common.h"
#include <ucontext.h>

static siginfo_t got;
static volatile int traps;
static void *ud2_addr;

static void ill(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	got = *si;
	uc->uc_mcontext.gregs[REG_RIP] += 2;
}

static void trap(int sig, siginfo_t *si, void *ucv)
{
	got = *si;
	traps++;
}

int main(void)
{
	struct sigaction sa = { 0 };

	sa.sa_flags = SA_SIGINFO;
	sa.sa_sigaction = ill;
	sigaction(SIGILL, &sa, NULL);
	sa.sa_sigaction = trap;
	sigaction(SIGTRAP, &sa, NULL);

	asm volatile("lea 1f(%%rip), %0\n1: ud2" : "=r"(ud2_addr));
	printf("ud2: signo=%d code=%d (ILL_ILLOPN=%d) addr-match=%d\n", got.si_signo,
	       got.si_code, ILL_ILLOPN, got.si_addr == ud2_addr);
	asm volatile("int3");
	asm volatile("int3");
	printf("int3: traps=%d signo=%d code=%d (SI_KERNEL=%d)\n", traps, got.si_signo,
	       got.si_code, SI_KERNEL);
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGILL, SIG_DFL);
		asm volatile("ud2");
		_exit(0);
	}
	reap(pid, "unhandled ud2");
	pid = fork();
	if (pid == 0) {
		signal(SIGTRAP, SIG_DFL);
		asm volatile("int3");
		_exit(0);
	}
	reap(pid, "unhandled int3");
	return 0;
}
