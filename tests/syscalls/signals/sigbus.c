/* SIGBUS: touching a page of a file mapping that lies wholly beyond the end
 * of the file is BUS_ADRERR with si_addr; the tail of the last partial page
 * reads as zeros. */
#include "../common.h"
#include <fcntl.h>
#include <setjmp.h>
#include <sys/mman.h>

static sigjmp_buf jb;
static siginfo_t got;

static void h(int sig, siginfo_t *si, void *uc)
{
	got = *si;
	siglongjmp(jb, 1);
}

int main(void)
{
	struct sigaction sa = { 0 };
	int fd = open(data_path("short.bin"), O_RDONLY);
	volatile char *m;

	sa.sa_sigaction = h;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGBUS, &sa, NULL);
	m = mmap(NULL, 2 * 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	EXPECT(m != MAP_FAILED);
	printf("byte 0 = %c, byte 99 = %c, byte 100 = %d, byte 4095 = %d\n",
	       m[0], m[99], m[100], m[4095]);
	if (sigsetjmp(jb, 1) == 0) {
		(void)m[4096 + 10];
		printf("no fault\n");
	} else {
		printf("signo=%d code=%d (BUS_ADRERR=%d) addr-match=%d\n", got.si_signo,
		       got.si_code, BUS_ADRERR, got.si_addr == (void *)(m + 4096 + 10));
	}
	return 0;
}
