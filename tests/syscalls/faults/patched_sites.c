/* Syscall sites as systrap patches them (sentry/usertrap.c): each form of
 * site keeps every register but rax, rcx and r11, the flags and the SSE
 * state, and rcx gets the return address, on the first call (a trap) and
 * after (through the patched jump); many threads call one site while it
 * is patched; a jump straight to the `syscall` of a patched site makes the
 * call in %eax; sites patched over the syscall (`syscall; cmp`) return
 * right, also into a signal handler and through a restarted call.
 * Natively nothing is patched: the outputs must agree (the sandbox's
 * --debug log names each site it patches). A site is patched on its
 * third slow trap once the process has taken 24 slow traps in all: main
 * makes 32 calls first, then each site is called five times before what
 * depends on it. */
#include "../common.h"
#include <pthread.h>
#include <sys/time.h>

/* long check_NAME(long nr): sets known values, makes the call through one
 * site form, returns a bit per register that changed (bit 20: CF, bit 21:
 * rcx is not the return address, bit 22: xmm0, bit 23: xmm15). */
#define SET_REGS                                                     \
	"push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15\n" \
	"sub $8, %rsp\n"                                             \
	"mov %rdi, %rax\n"                                           \
	"movabs $0x1111111111111111, %rbx\n"                         \
	"movabs $0x2222222222222222, %rbp\n"                         \
	"movabs $0x3333333333333333, %r12\n"                         \
	"movabs $0x4444444444444444, %r13\n"                         \
	"movabs $0x5555555555555555, %r14\n"                         \
	"movabs $0x6666666666666666, %r15\n"                         \
	"movabs $0x0101010101010101, %rdi\n"                         \
	"movabs $0x0202020202020202, %rsi\n"                         \
	"movabs $0x0303030303030303, %rdx\n"                         \
	"movabs $0x0404040404040404, %r10\n"                         \
	"movabs $0x0505050505050505, %r8\n"                          \
	"movabs $0x0606060606060606, %r9\n"                          \
	"mov %r9, (%rsp)\n"                                          \
	"movq %rbx, %xmm0\n"                                         \
	"movq %rbp, %xmm15\n"                                        \
	"stc\n"
#define CHECK_REGS(ret)                                              \
	"pushfq\n"                                                   \
	"pop %rax\n"                                                 \
	"and $1, %rax\n"                                             \
	"xor $1, %rax\n"                                             \
	"shl $20, %rax\n"                                            \
	"lea " ret "(%rip), %r11\n"                                  \
	"cmp %r11, %rcx\n"                                           \
	"je 8f\n"                                                    \
	"bts $21, %rax\n"                                            \
	"8:\n"                                                       \
	"movabs $0x1111111111111111, %rcx; cmp %rcx, %rbx; je 8f; bts $0, %rax; 8:\n" \
	"movabs $0x2222222222222222, %rcx; cmp %rcx, %rbp; je 8f; bts $1, %rax; 8:\n" \
	"movabs $0x3333333333333333, %rcx; cmp %rcx, %r12; je 8f; bts $2, %rax; 8:\n" \
	"movabs $0x4444444444444444, %rcx; cmp %rcx, %r13; je 8f; bts $3, %rax; 8:\n" \
	"movabs $0x5555555555555555, %rcx; cmp %rcx, %r14; je 8f; bts $4, %rax; 8:\n" \
	"movabs $0x6666666666666666, %rcx; cmp %rcx, %r15; je 8f; bts $5, %rax; 8:\n" \
	"movabs $0x0101010101010101, %rcx; cmp %rcx, %rdi; je 8f; bts $6, %rax; 8:\n" \
	"movabs $0x0202020202020202, %rcx; cmp %rcx, %rsi; je 8f; bts $7, %rax; 8:\n" \
	"movabs $0x0303030303030303, %rcx; cmp %rcx, %rdx; je 8f; bts $8, %rax; 8:\n" \
	"movabs $0x0404040404040404, %rcx; cmp %rcx, %r10; je 8f; bts $9, %rax; 8:\n" \
	"movabs $0x0505050505050505, %rcx; cmp %rcx, %r8; je 8f; bts $10, %rax; 8:\n" \
	"movabs $0x0606060606060606, %rcx; cmp %rcx, %r9; je 8f; bts $11, %rax; 8:\n" \
	"movq %xmm0, %rcx; cmp %rcx, %rbx; je 8f; bts $22, %rax; 8:\n" \
	"movq %xmm15, %rcx; cmp %rcx, %rbp; je 8f; bts $23, %rax; 8:\n" \
	"add $8, %rsp\n"                                             \
	"pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx\n" \
	"ret\n"

long check_imm32(long nr);
long check_r9(long nr);
long check_movq(long nr);
long call_site(long nr, long jump);
long check_fwd(long nr);
long fwd_call(long nr, long a0, long a1, long a2);

__asm__(".text\n"
	/* mov $39, %eax; syscall (nr ignored: always getpid) */
	".globl check_imm32\n"
	"check_imm32:\n" SET_REGS
	".p2align 6\n"
	"mov $39, %eax\n"
	"imm32_site:\n"
	"syscall\n"
	"imm32_ret:\n" CHECK_REGS("imm32_ret")
	/* mov 0(%rsp), %r9; syscall, as in syscall(2) */
	".globl check_r9\n"
	"check_r9:\n" SET_REGS
	".p2align 6\n"
	".byte 0x4c, 0x8b, 0x4c, 0x24, 0x00\n" /* mov 0x0(%rsp), %r9 with a disp8 */
	"syscall\n"
	"r9_ret:\n" CHECK_REGS("r9_ret")
	/* mov $39, %rax (7 bytes); syscall, as in __restore_rt */
	".globl check_movq\n"
	"check_movq:\n" SET_REGS
	".p2align 6\n"
	".byte 0x48, 0xc7, 0xc0, 0x27, 0, 0, 0\n"
	"syscall\n"
	"movq_ret:\n" CHECK_REGS("movq_ret")
	/* syscall; cmp $-4095, %rax: patched over the syscall itself */
	".globl check_fwd\n"
	"check_fwd:\n" SET_REGS
	"syscall\n"
	"fwd_ret:\n"
	"cmp $-4095, %rax\n" CHECK_REGS("fwd_ret")
	/* fwd_call(nr, a0, a1, a2) through another such site */
	".globl fwd_call\n"
	"fwd_call:\n"
	"mov %rdi, %rax\n"
	"mov %rsi, %rdi\n"
	"mov %rdx, %rsi\n"
	"mov %rcx, %rdx\n"
	"syscall\n"
	"cmp $-4095, %rax\n"
	"jae 1f\n"
	"ret\n"
	"1: mov $-1, %rax\n"
	"ret\n"
	/* call_site(nr, jump): getpid through the site `mov $39, %eax;
	 * syscall`, or with jump set, nr by a jump to that `syscall`. */
	".globl call_site\n"
	"call_site:\n"
	"mov %rdi, %rax\n"
	"test %rsi, %rsi\n"
	"jnz 2f\n"
	".p2align 6\n"
	"mov $39, %eax\n"
	"2: syscall\n"
	"ret\n");

static volatile int handled;

static void on_signal(int sig)
{
	(void)sig;
	handled++;
}

/* check_imm32 through its site, many threads at once. */
static void *hammer(void *arg)
{
	long bad = 0;

	for (int i = 0; i < 2000; i++)
		bad |= check_imm32(0);
	return (void *)bad;
}

int main(void)
{
	pthread_t th[4];
	long bad = 0;
	void *r;

	for (int i = 0; i < 32; i++)
		getppid();
	for (int i = 0; i < 5; i++) {
		printf("imm32 call %d: changed %#lx\n", i, check_imm32(0));
		printf("r9 call %d: changed %#lx\n", i, check_r9(39));
		printf("movq call %d: changed %#lx\n", i, check_movq(0));
	}
	/* Sites over the syscall are patched only while one thread runs:
	 * first calls here. A signal delivered as a call returns, and a
	 * restarted call, go back through the patched site. */
	{
		struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
		struct itimerval it = { { 0, 0 }, { 0, 50000 } };
		int p[2];
		char c = 0;
		long r;
		pid_t kid;

		for (int i = 0; i < 5; i++) {
			long v = check_fwd(39);

			/* CF comes from the cmp after the call: natively set too. */
			printf("fwd call %d: changed %#lx\n", i, v & ~(1L << 20));
			printf("fwd_call getpid %d: %d\n", i, fwd_call(39, 0, 0, 0) == getpid());
		}
		sigaction(SIGUSR1, &sa, NULL);
		sigaction(SIGALRM, &sa, NULL);
		r = fwd_call(62, getpid(), SIGUSR1, 0);
		printf("fwd_call kill self: %ld, handled %d\n", r, handled);
		if (pipe(p) < 0)
			return 1;
		kid = fork();
		if (kid == 0) {
			usleep(300000);
			(void)!write(p[1], "x", 1);
			_exit(0);
		}
		setitimer(ITIMER_REAL, &it, NULL);
		r = fwd_call(0, p[0], (long)&c, 1);
		printf("fwd_call read across SIGALRM: %ld '%c', handled %d\n", r, c, handled);
		waitpid(kid, NULL, 0);
	}
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, hammer, NULL);
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], &r);
		bad |= (long)r;
	}
	printf("4 threads x 2000 calls: changed %#lx\n", bad);
	/* After the site has been used (and patched), calls that jump to
	 * its `syscall` run the call in %eax: getppid (110), gettid (186). */
	for (int i = 0; i < 5; i++)
		printf("site %d: getpid %d\n", i, call_site(0, 0) == getpid());
	printf("jump to syscall: getppid %d, gettid %d\n", call_site(110, 1) == getppid(),
	       call_site(186, 1) == gettid());
	return 0;
}
