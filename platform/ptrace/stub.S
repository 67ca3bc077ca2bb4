/* The ptrace stub: the only code the host kernel runs for a guest address
 * space besides the guest's own. It installs a seccomp filter that kills
 * any host syscall not issued from its two trampolines, then spins until a
 * sentry thread seizes it. No libc, no stack use after start-up. */
#include "platform/ptrace/stub.h"

#define SYS_write       1
#define SYS_close       3
#define SYS_rt_sigaction 13
#define SYS_prctl       157
#define SYS_seccomp     317
#define PR_SET_NO_NEW_PRIVS 38
#define SECCOMP_SET_MODE_FILTER 1
#define SIGCHLD 17

	.text
	.globl _start
_start:
	/* SIGCHLD ignored: address spaces forked from this one are reaped by
	 * the kernel when they die. */
	mov $SYS_rt_sigaction, %eax
	mov $SIGCHLD, %edi
	lea sigign(%rip), %rsi
	xor %edx, %edx
	mov $8, %r10d
	syscall
	mov $SYS_prctl, %eax
	mov $PR_SET_NO_NEW_PRIVS, %edi
	mov $1, %esi
	xor %edx, %edx
	xor %r10d, %r10d
	xor %r8d, %r8d
	syscall
	test %rax, %rax
	jnz die
	mov $SYS_seccomp, %eax
	mov $SECCOMP_SET_MODE_FILTER, %edi
	xor %esi, %esi
	lea fprog(%rip), %rdx
	syscall
	test %rax, %rax
	jnz die
	/* Tell the sentry we are armed; fd 4 is the write end of a pipe.
	 * From here on only trampoline syscalls are possible, so the write
	 * goes through the generic trampoline. */
	mov $SYS_write, %eax
	mov $STUB_READY_FD, %edi
	lea readybyte(%rip), %rsi
	mov $1, %edx
	jmp tramp_syscall_nocheck
die:
	ud2

	.org STUB_SYSCALL_OFF
tramp_syscall:
	syscall
	int3
tramp_syscall_nocheck:
	/* Reached once, from _start: the filter allows write(4, ...) from
	 * this one address so the stub can say it is armed. */
	syscall
	jmp spin

	.org STUB_CLONE_OFF
tramp_clone:
	syscall
	test %rax, %rax
	jnz 1f
	jmp spin
1:	int3

	/* Waiting to be seized: sleep in pause(2), which the tracer's
	 * PTRACE_INTERRUPT ends; a busy loop here would take the CPU from
	 * the very sentry thread that is about to seize us. */
	.org STUB_SPIN_OFF
spin:
	mov $34, %eax
	syscall
spin_sys_end:
	jmp spin

	/* rbx = first entry, r12 = count. Stops at int3 with rax = the last
	 * result and r12 = entries not done (0 when all succeeded). */
	.org STUB_BATCH_OFF
tramp_batch:
	mov (%rbx), %rax
	mov 8(%rbx), %rdi
	mov 16(%rbx), %rsi
	mov 24(%rbx), %rdx
	mov 32(%rbx), %r10
	mov 40(%rbx), %r8
	mov 48(%rbx), %r9
	syscall
batch_sys_end:
	cmp $-4095, %rax
	jae 1f
	add $64, %rbx
	dec %r12
	jnz tramp_batch
1:	int3

	.section .rodata
	.balign 8
sigign:
	.quad 1  /* SIG_IGN */
	.quad 0  /* flags */
	.quad 0  /* restorer */
	.quad 0  /* mask */
readybyte:
	.byte 'R'
	.balign 8
fprog:
	.short (filter_end - filter) / 8
	.short 0,0,0
	.quad filter

/* Classic BPF over struct seccomp_data { int nr; u32 arch; u64 ip; u64 args[6]; }.
 * libseccomp cannot express instruction-pointer checks, so this one filter
 * is written by hand. */
#define LD_ABS(off)        .short 0x20; .byte 0, 0; .long off
#define JEQ(k, jt, jf)     .short 0x15; .byte jt, jf; .long k
#define RET(k)             .short 0x06; .byte 0, 0; .long k
#define RET_ALLOW          0x7fff0000
#define RET_KILL_PROCESS   0x80000000
#define AUDIT_ARCH_X86_64  0xc000003e
#define IP_HI              (STUB_BASE >> 32)
#define IP_LO(off)         ((STUB_BASE & 0xffffffff) + (off))
#define IP_LO_SPIN         ((STUB_BASE & 0xffffffff) + (spin_sys_end - _start))
#define IP_LO_BATCH        ((STUB_BASE & 0xffffffff) + (batch_sys_end - _start))
	.balign 8
filter:
	LD_ABS(4)                                  /* arch */
	JEQ(AUDIT_ARCH_X86_64, 1, 0)
	RET(RET_KILL_PROCESS)
	LD_ABS(12)                                 /* ip high */
	JEQ(IP_HI, 1, 0)
	RET(RET_KILL_PROCESS)
	LD_ABS(8)                                  /* ip low */
	/* Jump offsets count instructions to skip; the blocks below are
	 * generic (10 insns), clone (4), ready write (7), spare pause (4). */
	JEQ(IP_LO(STUB_SYSCALL_OFF + 2), 5, 0)
	JEQ(IP_LO_BATCH, 4, 0)
	JEQ(IP_LO(STUB_CLONE_OFF + 2), 14, 0)
	JEQ(IP_LO(STUB_SYSCALL_OFF + 5), 17, 0)    /* the ready write */
	JEQ(IP_LO_SPIN, 23, 0)                     /* pause while spare */
	RET(RET_KILL_PROCESS)
	/* generic trampoline: address-space and exit calls only */
	LD_ABS(0)
	JEQ(9, 8, 0)    /* mmap */
	JEQ(10, 7, 0)   /* mprotect */
	JEQ(11, 6, 0)   /* munmap */
	JEQ(25, 5, 0)   /* mremap */
	JEQ(28, 4, 0)   /* madvise */
	JEQ(60, 3, 0)   /* exit */
	JEQ(231, 2, 0)  /* exit_group */
	JEQ(3, 1, 0)    /* close */
	RET(RET_KILL_PROCESS)
	RET(RET_ALLOW)
	/* clone trampoline: clone only */
	LD_ABS(0)
	JEQ(56, 1, 0)
	RET(RET_KILL_PROCESS)
	RET(RET_ALLOW)
	/* the one start-up write(4, ...) */
	LD_ABS(0)
	JEQ(1, 1, 0)
	RET(RET_KILL_PROCESS)
	LD_ABS(16)                                 /* args[0] low */
	JEQ(STUB_READY_FD, 1, 0)
	RET(RET_KILL_PROCESS)
	RET(RET_ALLOW)
	/* the spare's pause */
	LD_ABS(0)
	JEQ(34, 1, 0)
	RET(RET_KILL_PROCESS)
	RET(RET_ALLOW)
filter_end:
