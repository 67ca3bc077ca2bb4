/* A handler that writes garbage into the FP state of its signal frame:
 * reserved MXCSR bits, raised MXCSR flags, scribbled xmm registers, an
 * x87 control word that unmasks everything.
 * The return either restores what it can or kills the process with
 * SIGSEGV, as Linux does; the sandbox survives either way. */
#include "faults.h"

static volatile int mode;

static void scribble(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	uint8_t *fx = (uint8_t *)uc->uc_mcontext.fpregs;
	uint32_t *mxcsr = (uint32_t *)(fx + 24);

	switch (mode) {
	case 0: *mxcsr |= 0xffff0000u; break;        /* reserved bits */
	case 1: *mxcsr = 0x1f80 | 0x3f; break;       /* all flags raised, masked */
	case 2: memset(fx + 160, 0xa5, 256); break;  /* xmm0..15 */
	case 3: *(uint16_t *)fx = 0; break;          /* fcw: all x87 exceptions unmasked */
	}
}

int main(void)
{
	static const char *const what[] = { "reserved MXCSR bits", "MXCSR flags",
					    "xmm registers scribbled", "x87 control word 0" };

	for (mode = 0; mode < 4; mode++) {
		pid_t pid = fork();

		if (pid == 0) {
			struct sigaction sa = { 0 };
			uint32_t m = 0;
			uint8_t x[16] __attribute__((aligned(16)));

			sa.sa_sigaction = scribble;
			sa.sa_flags = SA_SIGINFO;
			sigaction(SIGUSR1, &sa, NULL);
			kill(getpid(), SIGUSR1);
			asm volatile("stmxcsr %0\n\tmovdqa %%xmm0, %1" : "=m"(m), "=m"(x));
			printf("%s: survived, mxcsr=%#x xmm0[0]=%#x\n", what[mode], m, x[0]);
			_exit(0);
		}
		reap(pid, what[mode]);
	}
	return 0;
}
