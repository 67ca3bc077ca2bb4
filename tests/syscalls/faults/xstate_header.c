/* rt_sigreturn checks the frame's XSAVE header as XRSTOR does (Linux's
 * arch/x86/kernel/fpu/signal.c restores straight from the frame, and a
 * #GP there is a bad frame): an XSTATE_BV bit the CPU has not enabled
 * in XCR0, or a non-zero XCOMP_BV in the standard form, kill the
 * process with SIGSEGV. Unknown bits in the software bytes' xfeatures
 * are masked, a wrong first magic restores the legacy area only, and
 * a frame whose xfeatures leave SSE and AVX out resets MXCSR. */
#include "../common.h"
#include <ucontext.h>

enum { SW = 464, BV = 512, COMP = 520 };
enum what { BV_BIT, BV_HIGH, COMP_BV, SW_UNKNOWN, MAGIC1, SW_NO_SSE, MXCSR_RSVD, BV_ONLY };

static volatile enum what what;
static volatile int bit;

static uint64_t xcr0(void)
{
	uint32_t lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (uint64_t)hi << 32 | lo;
}

static void handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	uint8_t *fx = (uint8_t *)uc->uc_mcontext.fpregs;
	uint64_t v;

	switch (what) {
	case BV_BIT:
	case BV_HIGH:
		memcpy(&v, fx + BV, 8);
		v |= 1ull << bit;
		memcpy(fx + BV, &v, 8);
		break;
	case COMP_BV:
		fx[COMP] = 1;
		break;
	case SW_UNKNOWN:
		memcpy(&v, fx + SW + 8, 8);
		v |= 1ull << 62;
		memcpy(fx + SW + 8, &v, 8);
		break;
	case MAGIC1:
		fx[SW] ^= 0xff;
		break;
	case SW_NO_SSE:
		/* xfeatures: x87 only; the handler's MXCSR must not survive. */
		v = 1;
		memcpy(fx + SW + 8, &v, 8);
		*(uint32_t *)(fx + 24) = 0x1f80 | 0x3f;
		break;
	case MXCSR_RSVD:
		*(uint32_t *)(fx + 24) = 0x1f80 | (1u << 20);
		break;
	case BV_ONLY:
		/* Only bits the CPU has: restored normally. */
		memcpy(&v, fx + BV, 8);
		v |= xcr0() & 3;
		memcpy(fx + BV, &v, 8);
		*(uint32_t *)(fx + 24) = 0x1f80 | 0x1;
		break;
	}
}

static void run(const char *label, enum what w, int b)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct sigaction sa = { 0 };
		uint32_t m = 0;

		what = w;
		bit = b;
		sa.sa_sigaction = handler;
		sa.sa_flags = SA_SIGINFO;
		sigaction(SIGUSR1, &sa, NULL);
		raise(SIGUSR1);
		asm volatile("stmxcsr %0" : "=m"(m));
		printf("%s: returned, mxcsr=%#x\n", label, m);
		_exit(0);
	}
	reap(pid, label);
}

int main(void)
{
	uint64_t x = xcr0();
	int missing = -1;

	/* The lowest user feature bit the CPU has not enabled. */
	for (int i = 2; i < 19 && missing < 0; i++)
		if (!(x & (1ull << i)) && i != 8 && i != 10 && !(i >= 11 && i <= 16))
			missing = i;
	run("xstate_bv unknown high bit", BV_HIGH, 62);
	if (missing >= 0)
		run("xstate_bv feature not in xcr0", BV_BIT, missing);
	else
		printf("xstate_bv feature not in xcr0: none to try\n");
	run("xcomp_bv nonzero", COMP_BV, 0);
	run("sw xfeatures unknown bit", SW_UNKNOWN, 0);
	run("magic1 wrong", MAGIC1, 0);
	run("sw xfeatures x87 only", SW_NO_SSE, 0);
	run("mxcsr reserved bit", MXCSR_RSVD, 0);
	run("xstate_bv known bits", BV_ONLY, 0);
	return 0;
}
