/* Signal frames preserve state: a handler that clobbers registers and the
 * FPU/SSE state does not disturb the interrupted code, and edits to the
 * saved context (here RAX) take effect on return. */
#include "../common.h"
#include <ucontext.h>

static volatile int in;

static void clobber(int sig)
{
	volatile double d = 1.0;

	for (int i = 0; i < 100; i++)
		d = d * 3.7 + 1.1;
	in = (int)d & 1;
}

static void setrax(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	uc->uc_mcontext.gregs[REG_RAX] = 0x1234;
}

int main(void)
{
	struct sigaction sa = { 0 };
	double x = 0.5, acc = 0;
	long rax;

	sa.sa_handler = clobber;
	sigaction(SIGUSR1, &sa, NULL);
	for (int i = 0; i < 20; i++) {
		acc += x * i;
		raise(SIGUSR1);
		acc += x;
	}
	printf("acc = %.3f\n", acc);

	sa.sa_sigaction = setrax;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGTRAP, &sa, NULL);
	asm volatile("mov $7, %%rax\n int3" : "=a"(rax));
	printf("rax after handler = %#lx\n", rax);
	return 0;
}
