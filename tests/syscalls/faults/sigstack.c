/* Signal delivery with a hostile stack: a fault taken with a misaligned
 * rsp still gets a handler entered with rsp 16-byte aligned minus 8 (as
 * after a call) and the misaligned rsp saved in the frame; the same on a
 * sigaltstack whose base and size are odd; an alternate stack smaller
 * than MINSIGSTKSZ is refused; a fault whose frame cannot be written
 * (rsp in unmapped memory) kills the process with SIGSEGV even though a
 * handler is installed; so does a frame that does not fit on the
 * alternate stack. */
#include "faults.h"
#include <sys/mman.h>

volatile uint64_t entry_rsp, saved_rsp, hits;
volatile uint64_t bad_rsp;

/* Handler entry in assembly: record rsp before any prologue. */
void raw_handler(int, siginfo_t *, void *);
asm(".text\n"
    ".globl raw_handler\n"
    "raw_handler:\n\t"
    "mov %rsp, entry_rsp(%rip)\n\t"
    "jmp c_handler\n");

void c_handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	saved_rsp = (uint64_t)uc->uc_mcontext.gregs[REG_RSP];
	uc->uc_mcontext.gregs[REG_RIP] += 2; /* ud2 */
	hits++;
}

/* ud2 with rsp = (16-aligned) - off, then the old rsp back. */
static void ud2_with_rsp_off(int off)
{
	asm volatile("mov %%rsp, %%rbx\n\t"
		     "and $-16, %%rsp\n\t"
		     "sub $64, %%rsp\n\t"
		     "sub %0, %%rsp\n\t"
		     "mov %%rsp, bad_rsp(%%rip)\n\t"
		     "ud2\n\t"
		     "mov %%rbx, %%rsp"
		     : : "r"((uint64_t)off) : "rbx", "memory");
}

static void probe_alignment(const char *where_)
{
	for (int off = 0; off < 16; off += 3) {
		hits = 0;
		ud2_with_rsp_off(off);
		printf("%s, rsp%%16=%d: hits=%d entry rsp%%16=%d saved rsp %s\n", where_,
		       (int)(bad_rsp & 15), (int)hits, (int)(entry_rsp & 15),
		       saved_rsp == bad_rsp ? "matches" : "differs");
	}
}

int main(void)
{
	struct sigaction sa = { 0 };
	stack_t ss = { 0 };
	static char alt[65536 + 64] __attribute__((aligned(16)));
	int r;

	sa.sa_sigaction = raw_handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGILL, &sa, NULL);
	probe_alignment("own stack");

	ss.ss_sp = alt + 7;
	ss.ss_size = 65536 - 13;
	r = sigaltstack(&ss, NULL);
	printf("sigaltstack odd base and size: %d\n", r);
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigaction(SIGILL, &sa, NULL);
	probe_alignment("alt stack");
	printf("handler ran on the alt stack: %d\n",
	       entry_rsp >= (uint64_t)alt + 7 && entry_rsp < (uint64_t)alt + 7 + 65536 - 13);

	/* The kernel's MINSIGSTKSZ (glibc's may be larger, from sysconf). */
	ss.ss_size = 2047;
	r = sigaltstack(&ss, NULL);
	printf("sigaltstack of 2047 bytes: %d %s\n", r, r ? errname(errno) : "");

	/* The frame cannot be written: SIGSEGV kills despite the handler. */
	pid_t pid = fork();
	if (pid == 0) {
		struct sigaction s2 = { 0 };

		s2.sa_sigaction = raw_handler;
		s2.sa_flags = SA_SIGINFO;
		sigaction(SIGILL, &s2, NULL);
		sigaction(SIGSEGV, &s2, NULL);
		asm volatile("mov $0x10000, %%rsp\n\tud2" : : : "memory");
		_exit(0);
	}
	reap(pid, "fault with rsp in unmapped memory");
	pid = fork();
	if (pid == 0) {
		struct sigaction s2 = { 0 };
		char *p = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		s2.sa_sigaction = raw_handler;
		s2.sa_flags = SA_SIGINFO;
		sigaction(SIGILL, &s2, NULL);
		asm volatile("mov %0, %%rsp\n\tud2" : : "r"(p + 8192) : "memory");
		_exit(0);
	}
	reap(pid, "fault with rsp in read-only memory");
	pid = fork();
	if (pid == 0) {
		/* An alternate stack of 2048 bytes (if accepted), then a fault
		 * whose frame carries the whole XSAVE state: it fits or is
		 * SIGSEGV, as the host's frame size says. */
		char *p = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		struct sigaction s2 = { 0 };
		stack_t s3 = { .ss_sp = p + 65536 - 2048, .ss_size = 2048 };

		hits = 0;
		munmap(p, 65536 - 2048);
		if (sigaltstack(&s3, NULL) < 0)
			_exit(2);
		s2.sa_sigaction = raw_handler;
		s2.sa_flags = SA_SIGINFO | SA_ONSTACK;
		sigaction(SIGILL, &s2, NULL);
		asm volatile("ud2");
		_exit(hits == 1 ? 0 : 1);
	}
	reap(pid, "fault on a 2048-byte alt stack");
	return 0;
}
