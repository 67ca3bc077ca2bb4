/* Bad page-table walks: reads, writes and jumps to unmapped user memory,
 * to the kernel half, to non-canonical addresses, and to the top of the
 * user half where a sandbox may keep supervisor-only pages of its own
 * (page tables, descriptor tables, ring-0 code): all are SIGSEGV with
 * Linux's si_code, si_addr and saved rip, and the process goes on. */
#include "faults.h"
#include <sys/mman.h>

static void rd(uint64_t a)
{
	asm volatile(MARK "movb (%0), %%al" : : "r"(a) : "rax", "r11", "memory");
}

static void wr(uint64_t a)
{
	asm volatile(MARK "movb %%al, (%0)" : : "r"(a) : "rax", "r11", "memory");
}

static void jmp(uint64_t a)
{
	asm volatile(MARK "call *%0" : : "r"(a) : "r11", "memory");
}

/* A page that is free in this process (mapped then unmapped). */
static uint64_t hole(void)
{
	char *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	munmap(p, 3 * 4096);
	return (uint64_t)p + 4096;
}

/* An address at which this process has no mapping, per /proc/self/maps
 * when it is readable; the probe is skipped (same output) otherwise. */
static int unmapped(uint64_t a)
{
	unsigned char v;

	/* mincore fails with ENOMEM on an unmapped page. */
	return mincore((void *)(a & ~4095UL), 4096, &v) < 0 && errno == ENOMEM;
}

int main(void)
{
	static const struct { const char *name; uint64_t a; } addrs[] = {
		{ "null", 0 },
		{ "null+0x10", 0x10 },
		{ "hole", 0 }, /* filled in */
		{ "user top page", 0x7ffffffff000UL },
		{ "user 0x7fff20000000", 0x7fff20000000UL },
		{ "user 0x7fffc0000000", 0x7fffc0000000UL },
		{ "user 0x7fffc0001000", 0x7fffc0001000UL },
		{ "user 0x7fffc0200000", 0x7fffc0200000UL },
		{ "non-canonical 0x800000000000", 0x800000000000UL },
		{ "non-canonical 0x8000000000000000", 0x8000000000000000UL },
		{ "non-canonical 0xfff7000000000000", 0xfff7000000000000UL },
		{ "kernel 0xffff800000000000", 0xffff800000000000UL },
		{ "kernel 0xffffffff81000000", 0xffffffff81000000UL },
		{ "kernel 0xffffffffff000000", 0xffffffffff000000UL },
	};
	char label[96];

	fault_handlers();
	for (unsigned i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		uint64_t a = addrs[i].a;

		if (!strcmp(addrs[i].name, "hole"))
			a = hole() + 0x123;
		if (a < 0x800000000000UL && a > 0x10 && !unmapped(a)) {
			printf("%s: mapped here, skipped\n", addrs[i].name);
			continue;
		}
		snprintf(label, sizeof(label), "read %s", addrs[i].name);
		PROBE(label, 2, a, rd(a));
		snprintf(label, sizeof(label), "write %s", addrs[i].name);
		PROBE(label, 2, a, wr(a));
		snprintf(label, sizeof(label), "jump %s", addrs[i].name);
		/* A jump faults on the fetch at the target (rip = target),
		 * or on the jump itself when the target is non-canonical. */
		fault_count = 0;
		if (sigsetjmp(fault_jb, 1) == 0) {
			jmp(a);
			printf("%s: no signal\n", label);
		} else {
			printf("%s: %s %s addr=%s rip=%s\n", label, fault_signame(fault_sig),
			       fault_codename(fault_sig, fault_code),
			       (uint64_t)fault_addr == a ? "target" : fault_addr ? "other" : "0",
			       fault_rip == a ? "target" :
			       fault_rip == insn_addr ? "call" : "other");
		}
	}
	/* A fault with no handler kills with SIGSEGV; the parent sees it. */
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		rd(0xffff800000000000UL);
		_exit(0);
	}
	reap(pid, "kernel-half read, no handler");
	pid = fork();
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		rd(0x8000000000000000UL);
		_exit(0);
	}
	reap(pid, "non-canonical read, no handler");
	return 0;
}
