/* SIGSEGV: an access to an unmapped page is SEGV_MAPERR, a write to a
 * read-only page SEGV_ACCERR, both with si_addr the faulting address; the
 * handler can recover with siglongjmp, repeatedly. */
#include "../common.h"
#include <setjmp.h>
#include <sys/mman.h>

static sigjmp_buf jb;
static siginfo_t got;

static void h(int sig, siginfo_t *si, void *uc)
{
	got = *si;
	siglongjmp(jb, 1);
}

static void probe(const char *label, volatile char *p, int write)
{
	memset(&got, 0, sizeof(got));
	if (sigsetjmp(jb, 1) == 0) {
		if (write)
			*p = 1;
		else
			(void)*p;
		printf("%s: no fault\n", label);
		return;
	}
	printf("%s: signo=%d code=%d addr-match=%d\n", label, got.si_signo, got.si_code,
	       got.si_addr == (void *)p);
}

int main(void)
{
	struct sigaction sa = { 0 };
	char *m;

	sa.sa_sigaction = h;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	m = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(m + 4096, 4096);
	mprotect(m + 8192, 4096, PROT_READ);
	printf("SEGV_MAPERR=%d SEGV_ACCERR=%d\n", SEGV_MAPERR, SEGV_ACCERR);
	probe("read unmapped", m + 4096 + 123, 0);
	probe("write unmapped", m + 4096 + 7, 1);
	probe("write read-only", m + 8192 + 5, 1);
	probe("read read-only", m + 8192 + 5, 0);
	probe("write NULL+16", (char *)16, 1);
	probe("write mapped", m + 1, 1);
	/* Default action, in a child. */
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		*(volatile int *)(m + 4096) = 1;
		_exit(0);
	}
	reap(pid, "unhandled fault");
	return 0;
}
