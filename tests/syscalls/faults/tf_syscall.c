/* Single-stepping over a syscall: with TF set by popf just before it,
 * the syscall completes and SIGTRAP (TRAP_TRACE) arrives right after it,
 * with the result already in rax; the handler clears TF. */
#include "faults.h"

static volatile int traps, code;
static volatile long rax_at;

static void on_trap(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	traps++;
	code = si->si_code;
	rax_at = uc->uc_mcontext.gregs[REG_RAX];
	uc->uc_mcontext.gregs[REG_EFL] &= ~0x100L;
}

int main(void)
{
	struct sigaction sa = { 0 };
	long r;

	sa.sa_sigaction = on_trap;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGTRAP, &sa, NULL);
	asm volatile("pushf\n\torq $0x100, (%%rsp)\n\tmov $39, %%eax\n\tpopf\n\tsyscall\n\tnop"
		     : "=a"(r) : : "rcx", "r11", "memory");
	printf("getpid with TF: traps=%d code=%s result-right=%d rax-at-trap-is-result=%d\n", traps,
	       fault_codename(SIGTRAP, code), r == getpid(), rax_at == getpid());
	return 0;
}
