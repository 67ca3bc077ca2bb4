/* Stack faults: a push with rsp at a non-canonical address or a load
 * through a non-canonical rbp uses the stack segment and raises #SS,
 * which Linux reports as SIGBUS (SI_KERNEL); a push with rsp in
 * unmapped memory is a page fault (SIGSEGV SEGV_MAPERR at rsp - 8).
 * The handlers run on an alternate stack. */
#include "faults.h"

volatile uint64_t saved_rsp;

/* Run insn with rsp = v, then restore rsp (if it ever gets there). */
#define WITH_RSP(v, insn)                                                       \
	asm volatile("mov %%rsp, saved_rsp(%%rip)\n\t"                          \
		     "mov %0, %%rsp\n\t" MARK insn "\n\t"                       \
		     "mov saved_rsp(%%rip), %%rsp"                              \
		     : : "r"((uint64_t)(v)) : "rax", "r11", "memory")

int main(void)
{
	static char alt[65536];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt) };
	struct sigaction sa = { 0 };
	static const int sigs[] = { SIGSEGV, SIGBUS };

	sigaltstack(&ss, NULL);
	sa.sa_sigaction = fault_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	for (int i = 0; i < 2; i++)
		sigaction(sigs[i], &sa, NULL);
	PROBE("push, rsp non-canonical 0x8000000000000000", 1, 0,
	      WITH_RSP(0x8000000000000000UL, "push %%rax"));
	PROBE("push, rsp non-canonical 0x800000000008", 1, 0,
	      WITH_RSP(0x800000000008UL, "push %%rax"));
	PROBE("pop, rsp non-canonical", 1, 0, WITH_RSP(0x9000000000000000UL, "pop %%rax"));
	PROBE("push, rsp unmapped 0x10008", 1, 0x10000, WITH_RSP(0x10008, "push %%rax"));
	PROBE("push, rsp kernel half", 1, 0xffff800000000000UL,
	      WITH_RSP(0xffff800000000008UL, "push %%rax"));
	PROBE("load via non-canonical rbp", 4, 0,
	      asm volatile("mov %0, %%rbp\n\t" MARK "mov (%%rbp), %%rax\n\t"
			   : : "r"(0x8000000000000000UL) : "rax", "r11", "memory"));
	PROBE("load via non-canonical rbx", 3, 0,
	      asm volatile("mov %0, %%rbx\n\t" MARK "mov (%%rbx), %%rax\n\t"
			   : : "r"(0x8000000000000000UL) : "rax", "rbx", "r11", "memory"));
	return 0;
}
