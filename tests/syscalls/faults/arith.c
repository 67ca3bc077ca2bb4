/* Arithmetic exceptions: integer divide errors (#DE: FPE_INTDIV, si_addr
 * and rip at the div), and unmasked x87 (#MF at the next waiting FP
 * instruction) and SSE (#XM at the instruction) exceptions, whose si_code
 * comes from the flags the exception raised that the control word does
 * not mask. The handler's frame carries the FPU state at the fault. */
#include "faults.h"

double zero_d = 0.0, one_d = 1.0, big_d = 1e308, tiny_d = 1e-308, three_d = 3.0;
float zero_f = 0.0f, one_f = 1.0f, big_f = 3e38f, tiny_f = 1e-38f, three_f = 3.0f;
float denorm_f = 1e-40f;
volatile uint64_t fp_status; /* from the signal frame */

static void fp_handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	fp_status = ((uint64_t)uc->uc_mcontext.fpregs->mxcsr << 32) |
		    ((uint64_t)uc->uc_mcontext.fpregs->cwd << 16) | uc->uc_mcontext.fpregs->swd;
	fault_handler(sig, si, ucv);
}

static void reset_fpu(void)
{
	unsigned m = 0x1f80;

	asm volatile("fninit\n\tldmxcsr %0" : : "m"(m));
}

static void x87(const char *label, unsigned short cw, int op)
{
	fp_status = 0;
	PROBE(label, 2, 0, {
		reset_fpu();
		asm volatile("fldcw %0" : : "m"(cw));
		switch (op) {
		case 0: /* 1/0 */
			asm volatile("fld1\n\tfdivl zero_d(%%rip)\n\t" MARK "fwait\n\tfstp %%st(0)"
				     : : : "r11", "memory");
			break;
		case 1: /* 0/0 */
			asm volatile("fldz\n\tfdivl zero_d(%%rip)\n\t" MARK "fwait\n\tfstp %%st(0)"
				     : : : "r11", "memory");
			break;
		case 2: /* big*big, stored as double */
			asm volatile("fldl big_d(%%rip)\n\tfmull big_d(%%rip)\n\tfstpl zero16(%%rip)\n\t"
				     MARK "fwait" : : : "r11", "memory");
			break;
		case 3: /* 1/3 */
			asm volatile("fld1\n\tfdivl three_d(%%rip)\n\t" MARK "fwait\n\tfstp %%st(0)"
				     : : : "r11", "memory");
			break;
		}
	});
	if (fault_count)
		printf("  frame: swd=%#x cwd=%#x\n", (unsigned)(fp_status & 0xffff),
		       (unsigned)((fp_status >> 16) & 0xffff));
	reset_fpu();
}

static void sse(const char *label, unsigned mxcsr, int op)
{
	fp_status = 0;
	PROBE(label, 8, 0, {
		reset_fpu();
		asm volatile("ldmxcsr %0" : : "m"(mxcsr));
		switch (op) {
		case 0:
			asm volatile("movss one_f(%%rip), %%xmm0\n\t" MARK "divss zero_f(%%rip), %%xmm0"
				     : : : "xmm0", "r11", "memory");
			break;
		case 1:
			asm volatile("movss zero_f(%%rip), %%xmm0\n\t" MARK "divss zero_f(%%rip), %%xmm0"
				     : : : "xmm0", "r11", "memory");
			break;
		case 2:
			asm volatile("movss big_f(%%rip), %%xmm0\n\t" MARK "mulss big_f(%%rip), %%xmm0"
				     : : : "xmm0", "r11", "memory");
			break;
		case 3:
			asm volatile("movss tiny_f(%%rip), %%xmm0\n\t" MARK "mulss tiny_f(%%rip), %%xmm0"
				     : : : "xmm0", "r11", "memory");
			break;
		case 4:
			asm volatile("movss one_f(%%rip), %%xmm0\n\t" MARK "divss three_f(%%rip), %%xmm0"
				     : : : "xmm0", "r11", "memory");
			break;
		case 5:
			asm volatile("movss denorm_f(%%rip), %%xmm0\n\t" MARK "addss one_f(%%rip), %%xmm0"
				     : : : "xmm0", "r11", "memory");
			break;
		}
	});
	if (fault_count)
		printf("  frame: mxcsr=%#x\n", (unsigned)(fp_status >> 32));
	reset_fpu();
}

uint64_t zero16[2];

int main(void)
{
	struct sigaction sa = { 0 };
	volatile int z = 0, m1 = -1, imin = INT_MIN;
	volatile long lz = 0, lm1 = -1, lmin = LONG_MIN;
	int r;

	fault_handlers();
	PROBE("idiv by zero", 0, 0, asm volatile(MARK "idivl %1" : "=a"(r) : "m"(z), "a"(7) :
						 "rdx", "r11"));
	PROBE("div by zero (8-bit)", 0, 0, asm volatile(MARK "divb %1" : "=a"(r) : "m"(z), "a"(7) :
							"r11"));
	PROBE("INT_MIN / -1", 0, 0, asm volatile("cltd\n\t" MARK "idivl %1" : "=a"(r) : "m"(m1), "a"(imin) :
						"rdx", "r11"));
	PROBE("LONG_MIN / -1", 0, 0, asm volatile("cqto\n\t" MARK "idivq %1" : "=a"(r) : "m"(lm1), "a"(lmin) :
						 "rdx", "r11"));
	PROBE("divq by zero", 0, 0, asm volatile("xor %%edx, %%edx\n\t" MARK "divq %1" : "=a"(r) : "m"(lz), "a"(1L) :
						"rdx", "r11"));

	sa.sa_sigaction = fp_handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGFPE, &sa, NULL);
	/* x87 control word: 0x37f masks all six; clear a bit to unmask. */
	x87("x87 1/0 masked", 0x37f, 0);
	x87("x87 1/0 ZE unmasked", 0x37f & ~0x04, 0);
	x87("x87 0/0 IE unmasked", 0x37f & ~0x01, 1);
	x87("x87 overflow OE unmasked", 0x37f & ~0x08, 2);
	x87("x87 1/3 PE unmasked", 0x37f & ~0x20, 3);
	x87("x87 1/0 all unmasked", 0x340, 0);
	/* MXCSR: 0x1f80 masks all; mask bits are 7..12. */
	sse("sse 1/0 masked", 0x1f80, 0);
	sse("sse 1/0 ZE unmasked", 0x1f80 & ~0x200, 0);
	sse("sse 0/0 IE unmasked", 0x1f80 & ~0x80, 1);
	sse("sse overflow OE unmasked", 0x1f80 & ~0x400, 2);
	sse("sse underflow UE unmasked", 0x1f80 & ~0x800, 3);
	sse("sse 1/3 PE unmasked", 0x1f80 & ~0x1000, 4);
	sse("sse denormal DE unmasked", 0x1f80 & ~0x100, 5);
	sse("sse overflow all unmasked", 0, 2);

	pid_t pid = fork();
	if (pid == 0) {
		unsigned m = 0x1f80 & ~0x200;

		signal(SIGFPE, SIG_DFL);
		asm volatile("ldmxcsr %0\n\tmovss one_f(%%rip), %%xmm0\n\tdivss zero_f(%%rip), %%xmm0"
			     : : "m"(m) : "xmm0");
		_exit(0);
	}
	reap(pid, "sse 1/0 unmasked, no handler");
	(void)imin; (void)lmin; (void)lz;
	return 0;
}
