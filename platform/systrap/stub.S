/* The systrap stub: the only code besides the guest's that runs in a
 * systrap address space. Its first thread is the control thread, which
 * performs address-space changes and clones on the sentry's request; every
 * other thread runs guest code, and a seccomp filter turns the guest's
 * syscalls into SIGSYS, caught by the handler here, which hands the trap to
 * the sentry through the thread's message page and resumes with the
 * registers the sentry wrote into the signal frame. No libc, and no
 * control flow through writable memory: return addresses travel in %rbp. */
#include "platform/systrap/systrap.h"

#define SYS_write        1
#define SYS_mmap         9
#define SYS_rt_sigaction 13
#define SYS_rt_sigprocmask 14
#define SYS_rt_sigreturn 15
#define SYS_clone        56
#define SYS_exit         60
#define SYS_sigaltstack  131
#define SYS_prctl        157
#define SYS_arch_prctl   158
#define SYS_futex        202
#define SYS_sched_yield  24
#define SYS_munmap       11
#define SYS_seccomp      317
#define PR_SET_PDEATHSIG 1
#define PR_SET_NO_NEW_PRIVS 38
#define SECCOMP_SET_MODE_FILTER 1
#define ARCH_SET_FS      0x1002
#define ARCH_SET_GS      0x1001
#define FUTEX_WAIT       0
#define FUTEX_WAKE       1
#define CLONE_THREAD     0x10000
#define PROT_READ        1
#define PROT_WRITE       2
#define MAP_SHARED       1
#define MAP_FIXED        0x10
#define SIGKILL          9

	.text
	.globl _start
_start:
	jmp zygote_start

	/* The trampolines. */
	.org SYSTRAP_G_SYS_OFF
g_sys:
	syscall
	jmp *%rbp

	.org SYSTRAP_CTL_SYS_OFF
ctl_sys:
	syscall
	jmp *%rbp

	.org SYSTRAP_SETUP_SYS_OFF
setup_sys:
	syscall
	jmp *%rbp

	/* A new guest thread traps here once, to park in the handler until
	 * the sentry gives it guest registers. */
	.org SYSTRAP_FIRST_OFF
first_trap:
	mov $0xffff, %eax
	syscall
	ud2

/* After a trap is published: wake the sentry if it sleeps, then wait for
 * its answer (spin, yield, sleep on the state word); on to \go with the
 * new state. Host syscalls go through the trampoline \sys; %rbx is the
 * slot, and %rbp, %rcx, %rdx, %rsi, %rdi, %r10, %r13 are clobbered. */
.macro WAIT_ANSWER sys, go
	cmpl $0, MSG_SENTRY_WAITING(%rbx)
	je 70f
	mov $SYS_futex, %eax
	lea MSG_STATE(%rbx), %rdi
	mov $FUTEX_WAKE, %esi
	mov $0x7fffffff, %edx
	lea 70f(%rip), %rbp
	jmp \sys
70:	mov MSG_SPIN(%rbx), %ecx
	and $0xfffff, %ecx
71:	cmpl $ST_TRAP, MSG_STATE(%rbx)
	jne \go
	pause
	sub $1, %ecx
	jnc 71b
	/* Same-CPU placement: give the CPU to the sentry thread and look
	 * again, a bounded number of times (no wake-up needed either way:
	 * cheaper than a futex sleep while the answer is quick). */
	mov MSG_YIELDS(%rbx), %r13d
	and $0xffff, %r13d
72:	sub $1, %r13d
	jc 74f
	mov $SYS_sched_yield, %eax
	lea 73f(%rip), %rbp
	jmp \sys
73:	cmpl $ST_TRAP, MSG_STATE(%rbx)
	jne \go
	jmp 72b
74:	movl $1, MSG_STUB_WAITING(%rbx)
	mfence
	cmpl $ST_TRAP, MSG_STATE(%rbx)
	jne 75f
	mov $SYS_futex, %eax
	lea MSG_STATE(%rbx), %rdi
	mov $FUTEX_WAIT, %esi
	mov $ST_TRAP, %edx
	lea sleep_ts(%rip), %r10        /* bounded: a guest may clobber the flags */
	lea 75f(%rip), %rbp
	jmp \sys
75:	movl $0, MSG_STUB_WAITING(%rbx)
	cmpl $ST_TRAP, MSG_STATE(%rbx)
	je 74b
	jmp \go
.endm

/* Before resuming: leave on ST_EXIT, mark the thread running, load the
 * fs base the sentry asked for. */
.macro RESUME_PREP sys, exit
	cmpl $ST_EXIT, MSG_STATE(%rbx)
	je \exit
	movl $ST_GUEST, MSG_STATE(%rbx)
	cmpl $0, MSG_SET_FS(%rbx)
	je 77f
	movl $0, MSG_SET_FS(%rbx)
	mov MSG_NEW_FSBASE(%rbx), %rsi
	testl $MSG_F_FSGSBASE, MSG_FLAGS(%rbx)
	jz 76f
	wrfsbase %rsi
	jmp 77f
76:	mov $SYS_arch_prctl, %eax
	mov $ARCH_SET_FS, %edi
	lea 77f(%rip), %rbp
	jmp \sys
77:
.endm

/* The signal handler of guest threads (SIGSYS, faults, the kick), on the
 * thread's signal stack inside its slot: slot = %rsp rounded down. */
	.org SYSTRAP_HANDLER_OFF
handler:
	mov %rsp, %rbx
	and $-SYSTRAP_UNIT, %rbx
	mov %rdx, %r12                  /* our own ucontext, kept in a register */
	mov %rdi, %r14
	mov %rsi, %r15
	/* Signals are blocked in this handler, but not in the fast path: a
	 * kick (si_code <= 0) that lands there is the trap the fast path is
	 * about to report, or must report once the sentry has answered; in
	 * its tail, where guest registers are being loaded, it is a kick of
	 * the guest at the state the sentry wrote. Before the tail a fault
	 * stays a fault (of stub code: a guest broke its own gs base). */
	mov (UC_GREGS + 8 * G_RIP)(%rdx), %rax
	lea fast_begin(%rip), %rcx
	cmp %rcx, %rax
	jb h_trap
	lea fast_end(%rip), %rcx
	cmp %rcx, %rax
	jae h_trap
	lea fast_tail(%rip), %rcx
	cmp %rcx, %rax
	jae 1f
	cmpl $0, 8(%rsi)
	jg h_trap
	movl $1, MSG_KICKED(%rbx)
	jmp h_sigreturn
1:	/* The tail: a kick, or a fault of the resume itself (a
	 * non-canonical %rip), happens to the guest at its new state. */
	movl $0, MSG_KICKED(%rbx)
	lea FAST_GREGS(%rbx), %rsi
	lea UC_GREGS(%r12), %rdi
	mov $G_NSAVED, %ecx
	rep movsq
h_trap:
	/* Only now: a trap the fast path published may not be taken yet. */
	mov %r14, MSG_SIGNO(%rbx)
	mov %r15, MSG_INFO(%rbx)
	mov %r12, MSG_UC(%rbx)
	testl $MSG_F_FSGSBASE, MSG_FLAGS(%rbx)
	jz 1f
	rdfsbase %rax
	mov %rax, MSG_FSBASE(%rbx)
1:	mov $ST_TRAP, %eax
	xchg %eax, MSG_STATE(%rbx)      /* publish, full barrier */
	WAIT_ANSWER g_sys, h_go
h_go:
	RESUME_PREP g_sys, h_exit
h_sigreturn:
	mov %r12, %rsp                  /* rt_sigreturn reads the frame at %rsp - 8 */
	mov $SYS_rt_sigreturn, %eax
	jmp g_sys
h_exit:
	mov $SYS_exit, %eax
	xor %edi, %edi
	jmp g_sys

/* The control thread: waits for a request in the read-only control page,
 * runs its ops in order, stores each result in the reply page and answers
 * with one message whose length is 1 + the number of ops that succeeded
 * (the sentry trusts the length, which the guest cannot forge). */
	.org SYSTRAP_CTL_OFF
ctl_loop:
	mov $SYSTRAP_CTL_REQ, %rcx
	mov CTL_SEQ(%rcx), %eax
	cmp %eax, %r15d
	jne ctl_run
	mov $SYS_futex, %eax
	mov $(SYSTRAP_CTL_REQ + CTL_SEQ), %rdi
	mov $FUTEX_WAIT, %esi
	mov %r15d, %edx
	xor %r10d, %r10d
	lea ctl_loop(%rip), %rbp
	jmp ctl_sys
ctl_run:
	mov %eax, %r15d
	mov CTL_NOPS(%rcx), %r14d
	cmp $CTL_MAX_OPS, %r14d
	jbe 1f
	mov $CTL_MAX_OPS, %r14d
1:	mov $(SYSTRAP_CTL_REQ + CTL_OPS), %rbx
	xor %r13d, %r13d
ctl_op:
	cmp %r14, %r13
	jae ctl_ack
	mov 0(%rbx), %rax
	mov 8(%rbx), %rdi
	mov 16(%rbx), %rsi
	mov 24(%rbx), %rdx
	mov 32(%rbx), %r10
	mov 40(%rbx), %r8
	mov 48(%rbx), %r9
	lea 2f(%rip), %rbp
	jmp ctl_sys
2:	cmpq $SYS_clone, 0(%rbx)
	jne 3f
	test %rax, %rax
	jz clone_child
3:	mov $SYSTRAP_CTL_RESP, %rcx
	mov %rax, (%rcx,%r13,8)
	cmp $-4095, %rax
	jae ctl_ack
	inc %r13
	add $64, %rbx
	jmp ctl_op
ctl_ack:
	mov $SYS_write, %eax
	mov %r12d, %edi                 /* SYSTRAP_ACKFD, or ZACKFD in the zygote */
	mov $SYSTRAP_BASE, %rsi
	lea 1(%r13), %rdx
	lea ctl_loop(%rip), %rbp
	bt $32, %r12                    /* a fork's first request (clone_child) */
	jnc ctl_sys
	/* Answered with our hello: the nonce, then 1 + the ops that
	 * succeeded more bytes of this page. */
	mov $(SYSTRAP_CTL_REQ + CTL_HELLO), %rsi
	add $8, %rdx
	mov $SYSTRAP_ACKFD, %r12d       /* and every answer after on the common one */
	jmp ctl_sys

clone_child:
	test $CLONE_THREAD, %edi
	jnz thread_child
	/* A new address space, forked from the zygote or from another
	 * address space's control thread: take over our own control pages
	 * (offset in extra), drop the forker's thread slots, say hello where
	 * the forker answers, serve requests. */
	mov %r12d, %r14d
	mov 56(%rbx), %r12
	mov $SYS_prctl, %eax
	mov $PR_SET_PDEATHSIG, %edi
	mov $SIGKILL, %esi
	lea 1f(%rip), %rbp
	jmp ctl_sys
1:	mov $SYS_mmap, %eax
	mov $SYSTRAP_CTL_REQ, %rdi
	mov $SYSTRAP_CTL_REQ_LEN, %esi
	mov $PROT_READ, %edx
	mov $(MAP_SHARED | MAP_FIXED), %r10d
	mov $SYSTRAP_SHMFD, %r8d
	mov %r12, %r9
	lea 2f(%rip), %rbp
	jmp ctl_sys
2:	mov $SYSTRAP_CTL_REQ, %rcx
	cmp %rcx, %rax
	jne die
	mov $SYS_mmap, %eax
	mov $SYSTRAP_CTL_RESP, %rdi
	mov $SYSTRAP_PAGE, %esi
	mov $(PROT_READ | PROT_WRITE), %edx
	mov $(MAP_SHARED | MAP_FIXED), %r10d
	mov $SYSTRAP_SHMFD, %r8d
	lea SYSTRAP_CTL_REQ_LEN(%r12), %r9
	lea 3f(%rip), %rbp
	jmp ctl_sys
3:	mov $SYSTRAP_CTL_RESP, %rcx
	cmp %rcx, %rax
	jne die
	/* The forker's slots (message pages, signal stacks) are its own:
	 * none may stay mapped here. The guest pages a fork inherits are
	 * the sentry's business (mm_fork_inherit). */
	mov $SYS_munmap, %eax
	mov $SYSTRAP_SLOTS, %rdi
	mov $(SYSTRAP_END - SYSTRAP_SLOTS), %rsi
	lea 5f(%rip), %rbp
	jmp ctl_sys
5:	test %rax, %rax
	jnz die
	xor %r15d, %r15d
	xor %r13d, %r13d
	/* A request already waiting (a fork of an address space: its own
	 * mappings and first thread): run it, and answer it with the hello
	 * (ctl_ack), on the forker's socket: one message, one wake-up of
	 * the sentry, where a hello then an answer took two. Bit 32 of
	 * %r12 says so; the fd is its low half. */
	mov $SYSTRAP_CTL_REQ, %rcx
	mov CTL_SEQ(%rcx), %eax
	test %eax, %eax
	jz 6f
	mov %r14d, %r12d
	bts $32, %r12
	jmp ctl_run
6:	/* Hello, with the nonce of our new control page, on the socket
	 * the forker answers on (the one its requester waits on), then
	 * every answer on the common one. */
	mov $SYS_write, %eax
	mov %r14d, %edi
	mov $(SYSTRAP_CTL_REQ + CTL_HELLO), %rsi
	mov $8, %edx
	lea 4f(%rip), %rbp
	jmp ctl_sys
4:	mov $SYSTRAP_ACKFD, %r12d
	jmp ctl_loop

thread_child:
	/* A new guest thread: signal stack in its slot, signals unblocked,
	 * the guest filter on top of the inherited one, then park. */
	mov $SYS_sigaltstack, %eax
	mov $(SYSTRAP_CTL_REQ + CTL_ALTSTACK), %rdi
	xor %esi, %esi
	lea 1f(%rip), %rbp
	jmp setup_sys
1:	test %rax, %rax
	jnz thread_die
	mov $SYS_rt_sigprocmask, %eax
	mov $2, %edi                    /* SIG_SETMASK */
	lea emptymask(%rip), %rsi
	xor %edx, %edx
	mov $8, %r10d
	lea 2f(%rip), %rbp
	jmp setup_sys
2:	/* gs base = our slot: the fast path finds its frame through it
	 * (before the guest filter, which does not allow this). */
	mov $SYS_arch_prctl, %eax
	mov $ARCH_SET_GS, %edi
	mov $(SYSTRAP_CTL_REQ + CTL_ALTSTACK), %rsi
	mov (%rsi), %rsi
	sub $SYSTRAP_PAGE, %rsi
	lea 4f(%rip), %rbp
	jmp setup_sys
4:	test %rax, %rax
	jnz thread_die
	mov $SYS_seccomp, %eax
	mov $SECCOMP_SET_MODE_FILTER, %edi
	xor %esi, %esi
	mov $(SYSTRAP_CTL_REQ + CTL_FPROG_B), %rdx
	lea 3f(%rip), %rbp
	jmp setup_sys
3:	test %rax, %rax
	jnz thread_die
	jmp first_trap
thread_die:
	mov $SYS_exit, %eax
	mov $1, %edi
	lea thread_die(%rip), %rbp
	jmp setup_sys

die:
	ud2

/* The zygote: exec'd once by the sentry. Every address space is a fork
 * of it, so none inherits anything but the stub. */
zygote_start:
	mov $SYS_rt_sigaction, %eax
	mov $17, %edi                   /* SIGCHLD ignored: forks are reaped */
	lea sigign(%rip), %rsi
	xor %edx, %edx
	mov $8, %r10d
	syscall
	lea sigs(%rip), %rbx
1:	movzbl (%rbx), %edi
	test %edi, %edi
	jz 2f
	mov $SYS_rt_sigaction, %eax
	lea sighandler(%rip), %rsi
	xor %edx, %edx
	mov $8, %r10d
	syscall
	test %rax, %rax
	jnz die
	inc %rbx
	jmp 1b
2:	/* The control thread keeps every signal blocked, for good. */
	mov $SYS_rt_sigprocmask, %eax
	mov $2, %edi
	lea fullmask(%rip), %rsi
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
	mov $SYS_prctl, %eax
	mov $PR_SET_PDEATHSIG, %edi
	mov $SIGKILL, %esi
	syscall
	/* Our control pages are the first unit of the shared file. */
	mov $SYS_mmap, %eax
	mov $SYSTRAP_CTL_REQ, %rdi
	mov $SYSTRAP_CTL_REQ_LEN, %esi
	mov $PROT_READ, %edx
	mov $(MAP_SHARED | MAP_FIXED), %r10d
	mov $SYSTRAP_SHMFD, %r8d
	xor %r9d, %r9d
	syscall
	mov $SYSTRAP_CTL_REQ, %rcx
	cmp %rcx, %rax
	jne die
	mov $SYS_mmap, %eax
	mov $SYSTRAP_CTL_RESP, %rdi
	mov $SYSTRAP_PAGE, %esi
	mov $(PROT_READ | PROT_WRITE), %edx
	mov $(MAP_SHARED | MAP_FIXED), %r10d
	mov $SYSTRAP_SHMFD, %r8d
	mov $SYSTRAP_CTL_REQ_LEN, %r9d
	syscall
	mov $SYSTRAP_CTL_RESP, %rcx
	cmp %rcx, %rax
	jne die
	/* Drop everything exec gave us besides the stub: stack, vDSO. */
	mov $SYS_munmap, %eax
	xor %edi, %edi
	mov $SYSTRAP_BASE, %rsi
	syscall
	mov $SYS_munmap, %eax
	mov $SYSTRAP_END, %rdi
	mov $(SYSTRAP_TOP - SYSTRAP_END), %rsi
	syscall
	mov $SYS_seccomp, %eax
	mov $SECCOMP_SET_MODE_FILTER, %edi
	xor %esi, %esi
	mov $(SYSTRAP_CTL_REQ + CTL_FPROG_A), %rdx
	syscall
	test %rax, %rax
	jnz die
	xor %r15d, %r15d
	xor %r13d, %r13d
	mov $SYSTRAP_ZACKFD, %r12d      /* the zygote answers on its own socket */
	jmp ctl_ack


/* The fast path. A guest syscall site that the sentry has patched jumps
 * (through a trampoline in the guest's [usertrap] area) to fast_entry
 * with %eax = the syscall number and %rcx = the address after the
 * syscall; %r11 is free, as after a real syscall. No signal, no host
 * syscall: the registers go into the frame at the bottom of the slot's
 * signal stack (found through %gs), the FP state by XSAVE, and the trap
 * is handed over as the handler does; the answer is loaded back by
 * XRSTOR and plain moves. The handler treats a kick that lands anywhere
 * in [fast_begin, fast_end) specially (see there). */
	.org SYSTRAP_FAST_OFF
fast_begin:
fast_sys:
	syscall
	jmp *%rbp

	.org SYSTRAP_FAST_ENTRY_OFF
fast_entry:
	mov %rsp, %gs:FAST_GREGS + 8 * G_RSP
	mov %gs:MSG_SELF, %rsp
	lea FAST_UC(%rsp), %rsp         /* a few words of stack: the top of the message page */
	pushfq
	pop %r11
	mov %r11, %gs:FAST_GREGS + 8 * G_EFL
	mov %r11, %gs:FAST_GREGS + 8 * G_R11
	mov %rcx, %gs:FAST_GREGS + 8 * G_RIP
	mov %rcx, %gs:FAST_GREGS + 8 * G_RCX
	mov %rax, %gs:FAST_GREGS + 8 * G_RAX
	mov %rdi, %gs:FAST_GREGS + 8 * G_RDI
	mov %rsi, %gs:FAST_GREGS + 8 * G_RSI
	mov %rdx, %gs:FAST_GREGS + 8 * G_RDX
	mov %r10, %gs:FAST_GREGS + 8 * G_R10
	mov %r8, %gs:FAST_GREGS + 8 * G_R8
	mov %r9, %gs:FAST_GREGS + 8 * G_R9
	mov %rbx, %gs:FAST_GREGS + 8 * G_RBX
	mov %rbp, %gs:FAST_GREGS + 8 * G_RBP
	mov %r12, %gs:FAST_GREGS + 8 * G_R12
	mov %r13, %gs:FAST_GREGS + 8 * G_R13
	mov %r14, %gs:FAST_GREGS + 8 * G_R14
	mov %r15, %gs:FAST_GREGS + 8 * G_R15
	mov %gs:MSG_SELF, %rbx
	mov MSG_XMASK(%rbx), %eax
	mov (MSG_XMASK + 4)(%rbx), %edx
	xsave64 FAST_XSAVE(%rbx)
	lea FAST_SI_SYS(%rbx), %rax
	mov %rax, MSG_INFO(%rbx)
	movq $31, MSG_SIGNO(%rbx)
f_publish:
	lea FAST_UC(%rbx), %rax
	mov %rax, MSG_UC(%rbx)
	testl $MSG_F_FSGSBASE, MSG_FLAGS(%rbx)
	jz 1f
	rdfsbase %rax
	mov %rax, MSG_FSBASE(%rbx)
1:	movl $0, MSG_KICKED(%rbx)       /* this trap answers any kick so far */
	mov $ST_TRAP, %eax
	xchg %eax, MSG_STATE(%rbx)
	WAIT_ANSWER fast_sys, f_go
f_go:
	RESUME_PREP fast_sys, f_exit
	mov MSG_XMASK(%rbx), %eax
	mov (MSG_XMASK + 4)(%rbx), %edx
	xrstor64 FAST_XSAVE(%rbx)
	jmp f_check
f_kicked:
	/* Kicked while the sentry worked: report the kick at the state it
	 * wrote (registers in the frame, FP state just loaded from it). */
	lea FAST_SI_KICK(%rbx), %rax
	mov %rax, MSG_INFO(%rbx)
	movq $12, MSG_SIGNO(%rbx)
	jmp f_publish
f_exit:
	mov $SYS_exit, %eax
	xor %edi, %edi
	jmp fast_sys
f_check:
	cmpl $0, MSG_KICKED(%rbx)
fast_tail:
	jne f_kicked
	push (FAST_GREGS + 8 * G_EFL)(%rbx)
	popfq
	mov (FAST_GREGS + 8 * G_R8)(%rbx), %r8
	mov (FAST_GREGS + 8 * G_R9)(%rbx), %r9
	mov (FAST_GREGS + 8 * G_R10)(%rbx), %r10
	mov (FAST_GREGS + 8 * G_R11)(%rbx), %r11
	mov (FAST_GREGS + 8 * G_R12)(%rbx), %r12
	mov (FAST_GREGS + 8 * G_R13)(%rbx), %r13
	mov (FAST_GREGS + 8 * G_R14)(%rbx), %r14
	mov (FAST_GREGS + 8 * G_R15)(%rbx), %r15
	mov (FAST_GREGS + 8 * G_RDI)(%rbx), %rdi
	mov (FAST_GREGS + 8 * G_RSI)(%rbx), %rsi
	mov (FAST_GREGS + 8 * G_RBP)(%rbx), %rbp
	mov (FAST_GREGS + 8 * G_RDX)(%rbx), %rdx
	mov (FAST_GREGS + 8 * G_RAX)(%rbx), %rax
	mov (FAST_GREGS + 8 * G_RCX)(%rbx), %rcx
	mov (FAST_GREGS + 8 * G_RSP)(%rbx), %rsp
	mov (FAST_GREGS + 8 * G_RBX)(%rbx), %rbx
	jmp *%gs:FAST_GREGS + 8 * G_RIP
fast_end:

	.section .rodata
	.balign 8
sigign:
	.quad 1  /* SIG_IGN */
	.quad 0
	.quad 0
	.quad 0
sighandler:
	.quad SYSTRAP_BASE + SYSTRAP_HANDLER_OFF
	.quad 0x0c000004 /* SA_SIGINFO | SA_ONSTACK | SA_RESTORER */
	.quad SYSTRAP_BASE + SYSTRAP_G_SYS_OFF /* never used: we sigreturn ourselves */
	.quad -1         /* every signal blocked while the handler runs */
sleep_ts:
	.quad 1, 0
fullmask:
	.quad -1
emptymask:
	.quad 0
sigs:	/* SIGSYS, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGUSR2 (the kick) */
	.byte 31, 11, 7, 8, 4, 5, 12, 0
