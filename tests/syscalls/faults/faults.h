/* Shared by the fault tests: one handler for every synchronous signal
 * records what arrived (signal, si_code, si_addr, the saved rip) and
 * jumps back to the probe; the report prints only facts that are the
 * same on every run: names, and where si_addr and rip point relative to
 * the instruction under test. */
#ifndef TESTS_SYSCALLS_FAULTS_H
#define TESTS_SYSCALLS_FAULTS_H
#include "../common.h"
#include <setjmp.h>
#include <ucontext.h>

static sigjmp_buf fault_jb;
static volatile int fault_sig, fault_code, fault_count;
static void *volatile fault_addr;
static volatile uint64_t fault_rip, fault_rsp, fault_efl;
/* Set by the probes just before the instruction under test. */
volatile uint64_t insn_addr;

static void fault_handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	fault_sig = si->si_signo;
	fault_code = si->si_code;
	fault_addr = si->si_addr;
	fault_rip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
	fault_rsp = (uint64_t)uc->uc_mcontext.gregs[REG_RSP];
	fault_efl = (uint64_t)uc->uc_mcontext.gregs[REG_EFL];
	fault_count++;
	siglongjmp(fault_jb, 1);
}

static void fault_handlers(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP };
	struct sigaction sa = { 0 };

	sa.sa_sigaction = fault_handler;
	sa.sa_flags = SA_SIGINFO;
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static const char *fault_signame(int s)
{
	switch (s) {
	case SIGSEGV: return "SIGSEGV";
	case SIGBUS: return "SIGBUS";
	case SIGILL: return "SIGILL";
	case SIGFPE: return "SIGFPE";
	case SIGTRAP: return "SIGTRAP";
	}
	return "other";
}

static const char *fault_codename(int sig, int c)
{
	static char buf[32];

	if (c == SI_KERNEL)
		return "SI_KERNEL";
	if (c == SI_USER)
		return "SI_USER";
	switch (sig) {
	case SIGSEGV:
		if (c == SEGV_MAPERR) return "SEGV_MAPERR";
		if (c == SEGV_ACCERR) return "SEGV_ACCERR";
		break;
	case SIGBUS:
		if (c == BUS_ADRALN) return "BUS_ADRALN";
		if (c == BUS_ADRERR) return "BUS_ADRERR";
		break;
	case SIGILL:
		if (c == ILL_ILLOPN) return "ILL_ILLOPN";
		if (c == ILL_ILLOPC) return "ILL_ILLOPC";
		if (c == ILL_PRVOPC) return "ILL_PRVOPC";
		break;
	case SIGFPE:
		if (c == FPE_INTDIV) return "FPE_INTDIV";
		if (c == FPE_INTOVF) return "FPE_INTOVF";
		if (c == FPE_FLTDIV) return "FPE_FLTDIV";
		if (c == FPE_FLTOVF) return "FPE_FLTOVF";
		if (c == FPE_FLTUND) return "FPE_FLTUND";
		if (c == FPE_FLTRES) return "FPE_FLTRES";
		if (c == FPE_FLTINV) return "FPE_FLTINV";
		break;
	case SIGTRAP:
		if (c == TRAP_BRKPT) return "TRAP_BRKPT";
		if (c == TRAP_TRACE) return "TRAP_TRACE";
		if (c == TRAP_HWBKPT) return "TRAP_HWBKPT";
		break;
	}
	snprintf(buf, sizeof(buf), "code%d", c);
	return buf;
}

static const char *where(uint64_t v, uint64_t insn, uint64_t len, uint64_t data)
{
	static char buf[4][24];
	static int n;

	if (v == insn)
		return "insn";
	if (len && v == insn + len)
		return "next";
	if (v > insn && v < insn + 16) {
		char *b = buf[n++ & 3];

		snprintf(b, sizeof(buf[0]), "insn+%d", (int)(v - insn));
		return b;
	}
	if (data && v == data)
		return "data";
	if (v == 0)
		return "0";
	return "other";
}

/* Report the signal the last probe took. data is the address the
 * instruction touched (0 if none), len its length. */
static void fault_report(const char *label, uint64_t len, uint64_t data)
{
	printf("%s: %s %s addr=%s rip=%s\n", label, fault_signame(fault_sig),
	       fault_codename(fault_sig, fault_code),
	       where((uint64_t)fault_addr, insn_addr, len, data),
	       where(fault_rip, insn_addr, len, 0));
}

/* Run CODE (which sets insn_addr) and print what it raised. */
#define PROBE(label, len, data, ...)                                          \
	do {                                                                  \
		fault_count = 0;                                              \
		if (sigsetjmp(fault_jb, 1) == 0) {                            \
			__VA_ARGS__;                                          \
			printf("%s: no signal\n", label);                     \
		} else {                                                      \
			fault_report(label, len, data);                       \
		}                                                             \
	} while (0)

/* asm fragment: record the address of the next instruction. */
#define MARK "lea 1f(%%rip), %%r11\n\tmov %%r11, insn_addr(%%rip)\n\t1: "

#endif
