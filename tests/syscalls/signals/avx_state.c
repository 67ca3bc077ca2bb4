/* Vector state survives a signal handler that clobbers it: the frame must
 * carry the whole XSAVE area (upper halves of ymm registers), not only
 * the legacy SSE area. */
#include "../common.h"
#include <signal.h>

static void handler(int sig)
{
	/* Clobber ymm1 entirely, as an AVX2 memcpy in a handler would. */
	__asm__ volatile("vpcmpeqb %%ymm1, %%ymm1, %%ymm1" ::: "xmm1");
}

int main(void)
{
	unsigned char in[32], out[32];
	int same = 1;

	if (!__builtin_cpu_supports("avx2")) {
		printf("no avx2\n");
		return 0;
	}
	for (int i = 0; i < 32; i++)
		in[i] = (unsigned char)(i * 7 + 3);
	signal(SIGUSR1, handler);
	__asm__ volatile("vmovdqu (%0), %%ymm1" ::"r"(in) : "xmm1");
	raise(SIGUSR1);
	__asm__ volatile("vmovdqu %%ymm1, (%0)" ::"r"(out) : "memory");
	for (int i = 0; i < 32; i++)
		if (in[i] != out[i])
			same = 0;
	printf("ymm1 preserved across the handler: %s\n", same ? "yes" : "no");
	printf("upper half preserved: %s\n", memcmp(in + 16, out + 16, 16) ? "no" : "yes");
	return 0;
}
