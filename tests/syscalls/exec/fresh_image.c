/* What a new image starts with after execve, whatever the old one left:
 * the initial FP state (x87 control word 0x37f, MXCSR 0x1f80, zero xmm and
 * ymm registers) and none of the old image's mappings. The old image sets
 * every one of them and execs itself, three times over (an exec chain),
 * from a process that made many syscalls first (on a platform that
 * patches hot syscall sites, the old image's sites are patched). */
#include "../common.h"
#include <cpuid.h>
#include <sys/mman.h>

#define OLD_MAP ((void *)0x3e0000000000UL)

static int have_avx(void)
{
	unsigned int a, b, c, d;
	uint32_t lo, hi;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27)) || !(c & (1u << 28)))
		return 0;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (lo & 6) == 6;
}

static void report(void)
{
	uint32_t mxcsr;
	uint16_t fcw;
	uint64_t x[2], y[4];
	unsigned char vec;
	int nonzero = 0;

	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
	__asm__ volatile("fnstcw %0" : "=m"(fcw));
	printf("mxcsr %#x fcw %#x\n", mxcsr, fcw);
	/* xmm8-15: glibc's start-up code leaves them alone. */
#define XMM(n) __asm__ volatile("movdqu %%xmm" #n ", %0" : "=m"(x)); nonzero += x[0] || x[1];
	XMM(8) XMM(9) XMM(10) XMM(11) XMM(12) XMM(13) XMM(14) XMM(15)
	printf("xmm8-15 nonzero: %d\n", nonzero);
	if (have_avx()) {
		__asm__ volatile("vmovdqu %%ymm15, %0" : "=m"(y));
		printf("ymm15 upper nonzero: %d\n", y[2] != 0 || y[3] != 0);
	} else {
		printf("ymm15 upper nonzero: 0\n");
	}
	errno = 0;
	printf("old mapping: %s\n",
	       mincore(OLD_MAP, 4096, &vec) < 0 && errno == ENOMEM ? "gone" : "still there");
}

/* Dirty everything, then exec path with argv in one asm block: nothing
 * the compiler emits between the loads and the syscall can undo them. */
static void dirty_exec(const char *path, char **argv)
{
	static const uint64_t pat[4] = { 0x1111111122222222UL, 0x3333333344444444UL,
					 0x5555555566666666UL, 0x7777777788888888UL };
	uint32_t mxcsr = 0x7f80 | 0x3f; /* round to zero, sticky flags set */
	uint16_t fcw = 0x027f;           /* 53-bit precision */
	char *envp[] = { NULL };
	long ret;

	if (have_avx())
		__asm__ volatile("vmovdqu %0, %%ymm15" : : "m"(pat) : "xmm15");
	__asm__ volatile(
		"movdqu %[p], %%xmm8\n\tmovdqu %[p], %%xmm9\n\tmovdqu %[p], %%xmm10\n\t"
		"movdqu %[p], %%xmm11\n\tmovdqu %[p], %%xmm12\n\tmovdqu %[p], %%xmm13\n\t"
		"movdqu %[p], %%xmm14\n\t"
		"ldmxcsr %[m]\n\tfldcw %[c]\n\t"
		"syscall"
		: "=a"(ret)
		: "a"((long)SYS_execve), "D"(path), "S"(argv), "d"(envp), [p] "m"(pat),
		  [m] "m"(mxcsr), [c] "m"(fcw)
		: "rcx", "r11", "memory", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13",
		  "xmm14");
	printf("execve: %ld\n", ret);
	_exit(1);
}

int main(int argc, char **argv)
{
	char self[PATH_MAX], depth[12];
	char *nargv[] = { argv[0], depth, NULL };
	int d = argc > 1 ? atoi(argv[1]) : 0;
	void *m;

	if (argc > 1) {
		printf("image %d:\n", d);
		report();
		if (d == 3)
			return 0;
	}
	/* Many syscalls from the same sites, then a mapping with data in it. */
	for (int i = 0; i < 200; i++)
		getppid();
	m = mmap(OLD_MAP, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0);
	if (m != OLD_MAP) {
		printf("mmap: %s\n", strerror(errno));
		return 1;
	}
	memset(m, 0x5a, 4096);
	snprintf(depth, sizeof(depth), "%d", d + 1);
	snprintf(self, sizeof(self), "%s", argv[0]);
	if (d == 0) {
		/* The first exec from a fork child, as a shell does. */
		pid_t pid = fork();

		if (pid == 0)
			dirty_exec(self, nargv);
		reap(pid, "chain");
		return 0;
	}
	dirty_exec(self, nargv);
	return 1;
}
