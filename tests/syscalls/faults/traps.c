/* Software interrupts and debug traps: int3 and `int $3` are SIGTRAP
 * SI_KERNEL with rip after the instruction; `int $n` through a vector
 * with no user gate is a #GP (SIGSEGV SI_KERNEL, rip at the instruction),
 * `int $4` is SIGSEGV too; int1 (icebp) is SIGTRAP; a single step with
 * the trap flag is SIGTRAP TRAP_TRACE after the next instruction. */
#include "faults.h"

static volatile int steps;
static volatile int step_code;
static volatile uint64_t step_rip, step_addr;
extern char step_after[];

static void step_handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	steps++;
	step_code = si->si_code;
	step_rip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
	step_addr = (uint64_t)si->si_addr;
	uc->uc_mcontext.gregs[REG_EFL] &= ~0x100L; /* TF off */
}

#define INSN(label, len, text)                                                \
	PROBE(label, len, 0, asm volatile(MARK text : : : "rax", "r11", "memory"))

int main(void)
{
	struct sigaction sa = { 0 };

	fault_handlers();
	INSN("int3", 1, "int3");
	INSN("int $3", 2, "int $3");
	INSN("int $4", 2, "int $4");
	INSN("int $0", 2, "int $0");
	INSN("int $1", 2, "int $1");
	INSN("int $6", 2, "int $6");
	INSN("int $13", 2, "int $13");
	INSN("int $14", 2, "int $14");
	INSN("int $0x20", 2, "int $0x20");
	INSN("int $0x40", 2, "int $0x40");
	INSN("int $0x81", 2, "int $0x81");
	INSN("int $0xff", 2, "int $0xff");
	INSN("int1 (icebp)", 1, ".byte 0xf1");

	/* Single step: TF set by popf traps after the next instruction. */
	sa.sa_sigaction = step_handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGTRAP, &sa, NULL);
	asm volatile("pushf\n\torq $0x100, (%%rsp)\n\tpopf\n\t"
		     "nop\n"
		     "step_after:\n\t"
		     "nop\n\tnop\n\tnop" : : : "memory", "cc");
	printf("single step: steps=%d code=%s rip=%s addr=%s\n", steps,
	       fault_codename(SIGTRAP, step_code),
	       step_rip == (uint64_t)step_after ? "after the next insn" : "other",
	       step_addr == (uint64_t)step_after ? "rip" : step_addr ? "other" : "0");

	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGTRAP, SIG_DFL);
		asm volatile("int3");
		_exit(0);
	}
	reap(pid, "int3, no handler");
	pid = fork();
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		asm volatile("int $0x40");
		_exit(0);
	}
	reap(pid, "int $0x40, no handler");
	return 0;
}
