/* A signal taken while every xmm/ymm register is zero: XSAVE then marks
 * SSE as in its init state in the frame's XSTATE_BV. A handler that
 * raises MXCSR flags in that frame still gets them back at sigreturn
 * (XRSTOR loads MXCSR whatever XSTATE_BV says), on every platform. */
#include "../common.h"
#include <ucontext.h>

static void raise_flags(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	uint8_t *fx = (uint8_t *)uc->uc_mcontext.fpregs;

	*(uint32_t *)(fx + 24) = 0x1f80 | 0x3f;
}

int main(void)
{
	struct sigaction sa = { 0 };
	long pid = syscall(SYS_getpid);
	uint32_t m = 0;

	sa.sa_sigaction = raise_flags;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	for (int i = 0; i < 3; i++) {
		asm volatile("vzeroall\n\t"
			     "mov $62, %%eax\n\t"
			     "mov %1, %%rdi\n\t"
			     "mov $10, %%esi\n\t"
			     "syscall\n\t"
			     "stmxcsr %0\n\t"
			     "ldmxcsr %2"
			     : "=m"(m)
			     : "r"(pid), "m"((uint32_t){ 0x1f80 })
			     : "rax", "rdi", "rsi", "rcx", "r11", "memory");
		printf("round %d: mxcsr=%#x\n", i, m);
	}
	return 0;
}
