/* Instructions ring 3 may not run: hlt, cli, sti, in, out, moves to and
 * from control and debug registers, MSR access, descriptor-table loads,
 * cache and TLB control, swapgs, sysret, and loads of kernel segment
 * selectors all raise #GP, which Linux reports as SIGSEGV with SI_KERNEL
 * and si_addr 0, the saved rip at the instruction. Invalid opcodes (ud2,
 * an opcode that does not exist in 64-bit mode, a lock prefix on an
 * instruction that cannot take it) raise #UD: SIGILL/ILL_ILLOPN with
 * si_addr at the instruction. A handler that skips the instruction lets
 * the program go on; without a handler the process dies of the signal. */
#include "faults.h"

uint64_t zero16[2];

#define INSN2(label, len, setup, text)                                            \
	PROBE(label, len, 0,                                                      \
	      asm volatile(setup MARK text : : : "rax", "rcx", "rdx", "rdi", "r11", "memory"))
#define INSN(label, len, text) INSN2(label, len, "", text)

int main(void)
{
	fault_handlers();
	INSN("hlt", 1, "hlt");
	INSN("cli", 1, "cli");
	INSN("sti", 1, "sti");
	INSN("inb $0x80", 2, "inb $0x80, %%al");
	INSN("outb $0x80", 2, "outb %%al, $0x80");
	INSN2("inb (%dx)", 1, "mov $0x3f8, %%edx\n\t", "inb %%dx, %%al");
	INSN2("outl (%dx)", 1, "mov $0xcf8, %%edx\n\t", "outl %%eax, %%dx");
	INSN2("insb", 1, "mov $0x60, %%edx\n\tlea zero16(%%rip), %%rdi\n\t", "insb");
	INSN("mov %cr0, %rax", 3, "mov %%cr0, %%rax");
	INSN2("mov %rax, %cr3", 3, "xor %%eax, %%eax\n\t", "mov %%rax, %%cr3");
	INSN("mov %cr4, %rax", 3, "mov %%cr4, %%rax");
	INSN("mov %dr7, %rax", 3, "mov %%dr7, %%rax");
	INSN2("rdmsr", 2, "mov $0xc0000080, %%ecx\n\t", "rdmsr");
	INSN2("wrmsr", 2, "mov $0xc0000082, %%ecx\n\txor %%eax, %%eax\n\txor %%edx, %%edx\n\t", "wrmsr");
	INSN("lgdt", 7, "lgdt zero16(%%rip)");
	INSN("lidt", 7, "lidt zero16(%%rip)");
	INSN2("ltr", 3, "xor %%eax, %%eax\n\t", "ltr %%ax");
	INSN2("lmsw", 3, "xor %%eax, %%eax\n\t", "lmsw %%ax");
	INSN("clts", 2, "clts");
	INSN("invlpg", 7, "invlpg zero16(%%rip)");
	INSN("invd", 2, "invd");
	INSN("wbinvd", 2, "wbinvd");
	INSN("swapgs", 3, "swapgs");
	INSN("sysretq", 3, "sysretq");
	INSN2("mov kernel CS to %ds", 2, "mov $0x10, %%eax\n\t", "mov %%eax, %%ds");
	INSN2("mov kernel DS to %es", 2, "mov $0x18, %%eax\n\t", "mov %%eax, %%es");
	INSN2("mov selector past the GDT to %fs", 2, "mov $0x1003, %%eax\n\t", "mov %%eax, %%fs");
	INSN("ud2", 2, "ud2");
	INSN("push %es (no such opcode in 64-bit mode)", 1, ".byte 0x06");
	INSN("lock nop", 2, ".byte 0xf0, 0x90");
	INSN("lock mov", 3, ".byte 0xf0, 0x89, 0xc0");

	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		asm volatile("hlt");
		_exit(0);
	}
	reap(pid, "hlt, no handler");
	pid = fork();
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		asm volatile("xor %%eax, %%eax\n\tmov %%rax, %%cr3" : : : "rax");
		_exit(0);
	}
	reap(pid, "mov to cr3, no handler");
	pid = fork();
	if (pid == 0) {
		signal(SIGILL, SIG_DFL);
		asm volatile(".byte 0x06");
		_exit(0);
	}
	reap(pid, "invalid opcode, no handler");
	return 0;
}
