/* arch_prctl: ARCH_GET_FS returns the thread pointer (the TCB points to
 * itself at %fs:0), ARCH_SET_FS moves it (reads via %fs follow), GS can be
 * set and read; unknown codes are EINVAL. Each thread has its own FS. */
#include "../common.h"
#include <asm/prctl.h>
#include <pthread.h>

/* Raw syscall: while FS points elsewhere, glibc's errno (TLS) must not be
 * touched. */
static long arch_prctl(int code, unsigned long addr)
{
	long r;

	asm volatile("syscall" : "=a"(r) : "0"((long)SYS_arch_prctl), "D"((long)code), "S"(addr)
		     : "rcx", "r11", "memory");
	if (r < 0 && r > -4096) {
		errno = -r;
		return -1;
	}
	return r;
}

static unsigned long fs0(void)
{
	unsigned long v;

	asm volatile("mov %%fs:0, %0" : "=r"(v));
	return v;
}

static void *worker(void *arg)
{
	unsigned long fs = 0;

	arch_prctl(ARCH_GET_FS, (unsigned long)&fs);
	return (void *)(fs == fs0() && fs != *(unsigned long *)arg ? 1L : 0L);
}

int main(void)
{
	unsigned long fs = 0, gs = 1, saved;
	static unsigned long block[64];
	pthread_t th;
	void *ret;

	SHOW(arch_prctl(ARCH_GET_FS, (unsigned long)&fs));
	EXPECT(fs == fs0());
	saved = fs;
	block[0] = 0x1122334455667788UL;
	long r1 = arch_prctl(ARCH_SET_FS, (unsigned long)block);
	unsigned long v = fs0();
	long r2 = arch_prctl(ARCH_SET_FS, saved);
	printf("set fs: %ld, restore: %ld\n", r1, r2);
	printf("%%fs:0 via new base = %#lx\n", v);
	SHOW(arch_prctl(ARCH_GET_GS, (unsigned long)&gs));
	printf("initial gs = %lu\n", gs);
	SHOW(arch_prctl(ARCH_SET_GS, (unsigned long)block));
	arch_prctl(ARCH_GET_GS, (unsigned long)&gs);
	EXPECT(gs == (unsigned long)block);
	arch_prctl(ARCH_SET_GS, 0);
	SHOW(arch_prctl(0x9999, 0));
	SHOW(arch_prctl(ARCH_GET_FS, 8));
	SHOW(arch_prctl(ARCH_SET_FS, 1UL << 63));
	pthread_create(&th, NULL, worker, &saved);
	pthread_join(th, &ret);
	printf("thread has its own fs: %ld\n", (long)ret);
	return 0;
}
