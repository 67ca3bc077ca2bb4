/* Alignment check: with EFLAGS.AC set in ring 3 (Linux runs with CR0.AM),
 * a misaligned load raises #AC, which Linux reports as SIGBUS BUS_ADRALN
 * with si_addr 0 and rip at the load; the saved flags still have AC. The
 * handler clears AC in the frame and skips the load. Aligned loads with
 * AC set do not trap. */
#include "faults.h"

static volatile int ac_sig, ac_code, ac_count;
static void *volatile ac_addr;
static volatile uint64_t ac_rip, ac_flags;

static void ac_handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	/* Nothing here may touch misaligned memory: AC may still be set. */
	ac_sig = si->si_signo;
	ac_code = si->si_code;
	ac_addr = si->si_addr;
	ac_rip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
	ac_flags = (uint64_t)uc->uc_mcontext.gregs[REG_EFL];
	uc->uc_mcontext.gregs[REG_EFL] &= ~0x40000L;
	uc->uc_mcontext.gregs[REG_RIP] += 2; /* movl (%rdi), %eax */
	ac_count++;
}

uint64_t buf8[4];

static void load_with_ac(uint64_t addr)
{
	asm volatile("pushf\n\torl $0x40000, (%%rsp)\n\tpopf\n\t"
		     "lea 1f(%%rip), %%r11\n\tmov %%r11, insn_addr(%%rip)\n\t"
		     "1: movl (%%rdi), %%eax\n\t"
		     "pushf\n\tandl $~0x40000, (%%rsp)\n\tpopf"
		     : : "D"(addr) : "rax", "r11", "memory", "cc");
}

int main(void)
{
	struct sigaction sa = { 0 };

	sa.sa_sigaction = ac_handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGBUS, &sa, NULL);
	load_with_ac((uint64_t)buf8);
	printf("aligned load with AC: signals=%d\n", ac_count);
	load_with_ac((uint64_t)buf8 + 1);
	printf("misaligned load with AC: signals=%d %s %s addr=%s rip=%s AC-in-frame=%d\n",
	       ac_count, fault_signame(ac_sig), fault_codename(ac_sig, ac_code),
	       ac_addr ? "set" : "0", ac_rip == insn_addr ? "insn" : "other",
	       !!(ac_flags & 0x40000));
	load_with_ac((uint64_t)buf8 + 4);
	printf("4-aligned 4-byte load with AC: signals=%d\n", ac_count);
	load_with_ac((uint64_t)buf8 + 6);
	printf("misaligned again: signals=%d\n", ac_count);
	{
		uint64_t fl;

		asm volatile("pushf\n\tpop %0" : "=r"(fl));
		printf("AC after: %d\n", !!(fl & 0x40000));
	}
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGBUS, SIG_DFL);
		load_with_ac((uint64_t)buf8 + 3);
		_exit(0);
	}
	reap(pid, "misaligned load with AC, no handler");
	return 0;
}
