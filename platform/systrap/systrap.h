/* Fixed layout shared by the systrap stub (stub.S) and the sentry side
 * (systrap.c): stub addresses, trampoline offsets, the control page and
 * the per-thread message page. Included from assembly and from C. */
#ifndef PLATFORM_SYSTRAP_SYSTRAP_H
#define PLATFORM_SYSTRAP_SYSTRAP_H

/* The stub owns [SYSTRAP_BASE, SYSTRAP_END); the guest gets everything
 * below SYSTRAP_BASE and can never map at or above it. */
#define SYSTRAP_BASE        0x7fff00000000UL
#define SYSTRAP_UNIT        0x10000UL  /* allocation unit of the shared file */
#define SYSTRAP_PAGE        0x1000UL
/* Control pages of the address space: requests (read-only in the stub)
 * and replies (read-write). */
#define SYSTRAP_CTL_REQ     (SYSTRAP_BASE + 0x10000UL)
#define SYSTRAP_CTL_REQ_LEN 0x2000UL
#define SYSTRAP_CTL_RESP    (SYSTRAP_BASE + 0x12000UL)
/* Per-thread slots: one unit each, a message page then the signal stack. */
#define SYSTRAP_SLOTS       (SYSTRAP_BASE + 0x100000UL)
#define SYSTRAP_MAX_SLOTS   4096
#define SYSTRAP_END         (SYSTRAP_SLOTS + SYSTRAP_MAX_SLOTS * SYSTRAP_UNIT)
#define SYSTRAP_TOP         0x7ffffffff000UL

/* File descriptors in every stub process. */
#define SYSTRAP_MEMFD       3   /* the memory file (guest RAM) */
#define SYSTRAP_SHMFD       4   /* control pages and thread slots */
#define SYSTRAP_ACKFD       5   /* seqpacket socket: replies to the sentry */
#define SYSTRAP_ZACKFD      7   /* another: the zygote's replies and the hello
                                 * of each process it forks */

/* Offsets in the stub text. Each trampoline is `syscall; jmp *%rbp`: the
 * return address travels in a register, never on a stack the guest could
 * write. The seccomp filters allow host syscalls only at these addresses
 * (the instruction pointer they see is the one after `syscall`). */
#define SYSTRAP_G_SYS_OFF     0x100 /* guest threads' handler: futex, sigreturn, ... */
#define SYSTRAP_CTL_SYS_OFF   0x110 /* control thread: mmap, munmap, clone, ... */
#define SYSTRAP_SETUP_SYS_OFF 0x120 /* new guest thread set-up */
#define SYSTRAP_FIRST_OFF     0x130 /* a new thread's first trap */
#define SYSTRAP_HANDLER_OFF   0x200
#define SYSTRAP_CTL_OFF       0x600
/* The fast path (see stub.S): its own trampoline first, then the entry
 * that patched guest syscall sites jump to. Everything from here to the
 * end of the fast code is "the fast region" for the signal handler. */
#define SYSTRAP_FAST_OFF      0x1000
#define SYSTRAP_FAST_SYS_OFF  SYSTRAP_FAST_OFF
#define SYSTRAP_FAST_ENTRY_OFF (SYSTRAP_FAST_OFF + 0x10)

/* Control request page (read-only in the stub). */
#define CTL_SEQ        0     /* u32: bumped by the sentry for each request */
#define CTL_NOPS       4     /* u32 */
#define CTL_OPS        64    /* ops, 64 bytes each: nr, a0..a5, extra */
#define CTL_MAX_OPS    60
#define CTL_ALTSTACK   0xf80 /* stack_t for the thread being created */
#define CTL_HELLO      0xfc0 /* u64: nonce a new address space says hello with */
#define CTL_FPROG_A    0x1000 /* struct sock_fprog: control + set-up filter */
#define CTL_FPROG_B    0x1010 /* struct sock_fprog: guest-thread filter */
#define CTL_FILTERS    0x1020 /* the instructions of both */
#define CTL_FILTER_MAX 240    /* instructions, both filters together */

/* Message page at the start of each thread slot (read-write in the stub:
 * any guest thread can scribble on it, so the sentry trusts nothing in it). */
#define MSG_STATE          0  /* u32: ST_* */
#define MSG_STUB_WAITING   4  /* u32: the stub sleeps on MSG_STATE */
#define MSG_SENTRY_WAITING 8  /* u32: the sentry sleeps on MSG_STATE */
#define MSG_TID            12 /* u32: set and cleared by clone */
#define MSG_SIGNO          16 /* u64 */
#define MSG_INFO           24 /* u64: siginfo_t * (stub address) */
#define MSG_UC             32 /* u64: ucontext_t * (stub address) */
#define MSG_FSBASE         40 /* u64: fs base at the trap (with FSGSBASE) */
#define MSG_NEW_FSBASE     48 /* u64: fs base to load before resuming */
#define MSG_SET_FS         56 /* u32 */
#define MSG_FLAGS          60 /* u32: MSG_F_* */
#define MSG_SPIN           64 /* u32: spin iterations before sleeping */
#define MSG_YIELDS         68 /* u32: then sched_yield calls before sleeping */
#define MSG_SELF           72 /* u64: the slot's address, the thread's gs base */
#define MSG_KICKED         80 /* u32: a kick hit the fast path: trap again */
#define MSG_XMASK          88 /* u64: XSAVE feature mask of the fast path */
#define MSG_F_FSGSBASE     1

/* The fast path's frame, at the bottom of the thread's signal stack (the
 * kernel's frames grow down from its top): a ucontext as the kernel
 * writes one, two siginfos (a syscall, a kick) and an XSAVE area, so the
 * sentry reads and writes it exactly as a signal frame. */
#define FAST_UC            0x1000
#define FAST_GREGS         (FAST_UC + 40)
#define FAST_SI_SYS        0x1140
#define FAST_SI_KICK       0x11c0
#define FAST_XSAVE         0x1240
#define UC_GREGS           40     /* offsetof(ucontext_t, uc_mcontext.gregs) */
#define UC_FPREGS          224    /* offsetof(ucontext_t, uc_mcontext.fpregs) */
#define G_R8  0
#define G_R9  1
#define G_R10 2
#define G_R11 3
#define G_R12 4
#define G_R13 5
#define G_R14 6
#define G_R15 7
#define G_RDI 8
#define G_RSI 9
#define G_RBP 10
#define G_RBX 11
#define G_RDX 12
#define G_RAX 13
#define G_RCX 14
#define G_RSP 15
#define G_RIP 16
#define G_EFL 17
#define G_CSGSFS 18
#define G_NSAVED 18                /* R8 .. EFL: what a trap saves */

#define ST_GUEST 0 /* running guest code */
#define ST_TRAP  1 /* in the handler, trap reported, waiting for the sentry */
#define ST_RUN   2 /* sentry wrote the registers: resume */
#define ST_EXIT  3 /* sentry asks the thread to exit */

#ifndef __ASSEMBLER__
#include <stdint.h>

struct systrap_msg {
	uint32_t state, stub_waiting, sentry_waiting, tid;
	uint64_t signo, info, uc, fs_base, new_fs_base;
	uint32_t set_fs, flags, spin, yields;
	uint64_t self;
	uint32_t kicked, pad;
	uint64_t xmask;
};

struct systrap_ctl_op {
	uint64_t nr, a[6], extra;
};

_Static_assert(__builtin_offsetof(struct systrap_msg, spin) == MSG_SPIN, "msg layout");
_Static_assert(__builtin_offsetof(struct systrap_msg, yields) == MSG_YIELDS, "msg layout");
_Static_assert(__builtin_offsetof(struct systrap_msg, new_fs_base) == MSG_NEW_FSBASE, "msg layout");
_Static_assert(__builtin_offsetof(struct systrap_msg, self) == MSG_SELF, "msg layout");
_Static_assert(__builtin_offsetof(struct systrap_msg, kicked) == MSG_KICKED, "msg layout");
_Static_assert(__builtin_offsetof(struct systrap_msg, xmask) == MSG_XMASK, "msg layout");
_Static_assert(sizeof(struct systrap_ctl_op) == 64, "op layout");
_Static_assert(CTL_OPS + CTL_MAX_OPS * 64 <= CTL_ALTSTACK, "ops overlap");
#endif

#endif
