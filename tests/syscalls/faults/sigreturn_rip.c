/* Hostile register state through sigreturn: a handler that sets the
 * saved rip to an unmapped, kernel-half, sandbox-internal or
 * non-canonical address makes the return fault there (SIGSEGV: a page
 * fault at rip, or SI_KERNEL for a non-canonical rip), with the bad rip
 * in the new frame; one that sets TF in the saved flags single-steps the
 * first instruction after the return (SIGTRAP TRAP_TRACE). */
#include "faults.h"

static volatile uint64_t new_rip, new_efl_or;

static void set_regs(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	if (new_rip)
		uc->uc_mcontext.gregs[REG_RIP] = (greg_t)new_rip;
	uc->uc_mcontext.gregs[REG_EFL] |= (greg_t)new_efl_or;
}

static volatile int traps, trap_code;

static void on_trap(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	traps++;
	trap_code = si->si_code;
	uc->uc_mcontext.gregs[REG_EFL] &= ~0x100L;
}

int main(void)
{
	static const struct { const char *name; uint64_t rip; } cases[] = {
		{ "null", 0x10 },
		{ "user top page", 0x7ffffffff000UL },
		{ "user 0x7fffc0000000", 0x7fffc0000000UL },
		{ "user 0x7fff20000000", 0x7fff20000000UL },
		{ "kernel 0xffffffff81000000", 0xffffffff81000000UL },
		{ "kernel 0xffff800000000000", 0xffff800000000000UL },
		{ "non-canonical 0x800000000000", 0x800000000000UL },
		{ "non-canonical 0x8000000000000000", 0x8000000000000000UL },
	};
	struct sigaction sa = { 0 };

	fault_handlers();
	sa.sa_sigaction = set_regs;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		new_rip = cases[i].rip;
		fault_count = 0;
		if (sigsetjmp(fault_jb, 1) == 0) {
			kill(getpid(), SIGUSR1);
			printf("rip %s: no signal\n", cases[i].name);
		} else {
			printf("rip %s: %s %s addr=%s rip-in-frame=%s\n", cases[i].name,
			       fault_signame(fault_sig), fault_codename(fault_sig, fault_code),
			       (uint64_t)fault_addr == new_rip ? "rip" : fault_addr ? "other" : "0",
			       fault_rip == new_rip ? "the bad rip" : "other");
		}
	}
	new_rip = 0;
	sa.sa_sigaction = on_trap;
	sigaction(SIGTRAP, &sa, NULL);
	new_efl_or = 0x100;
	kill(getpid(), SIGUSR1);
	new_efl_or = 0;
	printf("TF set by sigreturn: traps=%d code=%s\n", traps, fault_codename(SIGTRAP, trap_code));

	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		new_rip = 0xffffffff81000000UL;
		kill(getpid(), SIGUSR1);
		_exit(0);
	}
	reap(pid, "kernel rip, no handler");
	return 0;
}
