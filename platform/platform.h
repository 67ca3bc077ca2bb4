/* The platform interface: how guest code runs and traps. The sentry sees
 * only this; platform/<name>/ fills struct platform_ops.
 *
 * Address-space operations take the calling task's context because a
 * ptrace address space can only be changed through one of its own traced
 * threads; other platforms may ignore it. */
#ifndef PLATFORM_PLATFORM_H
#define PLATFORM_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

/* Guest register file: the host's x86-64 user_regs_struct layout. */
struct arch_regs {
	struct user_regs_struct r;
};

/* FPU/SSE/AVX state for signal frames: an XSAVE area in the standard
 * (non-compacted) format, whose first 512 bytes are the legacy FXSAVE
 * area. size is the bytes used: 512 when a platform only provides the
 * legacy area (or leaves size 0), the XSAVE size otherwise. */
#define ARCH_XSAVE_MAX 8192
struct arch_fpstate {
	union {
		uint8_t fx[512];
		uint8_t xsave[ARCH_XSAVE_MAX];
	};
	uint32_t size;
} __attribute__((aligned(64)));

/* XRSTOR (a native sigreturn) loads MXCSR whenever SSE or AVX is
 * requested, even when XSTATE_BV marks SSE as in its init state, and then
 * zeroes the xmm registers. PTRACE_SETREGSET and KVM_SET_XSAVE take MXCSR
 * only when XSTATE_BV has SSE or AVX set, so MXCSR written by a signal
 * handler into a frame saved with all-zero xmm registers would be lost.
 * On an XSAVE image (size > 576) mark SSE present with zeroed xmm
 * registers, which is what XRSTOR makes of it. */
static inline void arch_xstate_keep_mxcsr(uint8_t *xsave, uint32_t size)
{
	enum { XSTATE_BV = 512, XMM = 160, XMM_LEN = 256, SSE = 2, YMM = 4 };
	uint64_t bv;

	if (size <= XSTATE_BV + 64)
		return;
	__builtin_memcpy(&bv, xsave + XSTATE_BV, sizeof(bv));
	if (bv & (SSE | YMM))
		return;
	__builtin_memset(xsave + XMM, 0, XMM_LEN);
	bv |= SSE;
	__builtin_memcpy(xsave + XSTATE_BV, &bv, sizeof(bv));
}

enum trap_kind {
	TRAP_SYSCALL,   /* guest executed syscall; nr in regs.orig_rax */
	TRAP_FAULT,     /* memory fault: addr, write, code (SEGV_MAPERR/ACCERR) */
	TRAP_SIGNAL,    /* synchronous exception: signo, code, addr */
	TRAP_INTERRUPT, /* kicked by platform->interrupt() */
	TRAP_EXIT,      /* the host thread died under us (killed from outside) */
};

struct trap_info {
	enum trap_kind kind;
	int signo;
	int code;
	uint64_t addr;
	bool write;
	bool int80; /* syscall came through int $0x80 (32-bit ABI) */
	bool fast;  /* syscall came through a patched site (see sentry/usertrap.c) */
};

struct platform;
struct address_space;
struct context;

/* One address-space change, for batches. */
enum as_op_kind { AS_MAP, AS_UNMAP, AS_PROTECT };
struct as_op {
	enum as_op_kind kind;
	int prot;
	uint64_t addr, len;
	uint64_t memfile_off; /* AS_MAP */
	int flags;            /* AS_F_* hints; a platform may ignore them */
};
/* AS_MAP: the guest is about to touch the whole range (a sequential
 * stream of faults): fill the host page tables now rather than take one
 * host fault per page. */
#define AS_F_POPULATE 1

struct platform_ops {
	const char *name;
	int (*init)(struct platform *p, int memfd);
	/* A new, empty address space. creator is the calling task's context
	 * in some other address space (NULL for the first one). The new space
	 * comes with one spare thread for context_new(). */
	struct address_space *(*as_new)(struct platform *p, struct context *creator);
	void (*as_release)(struct address_space *as);
	/* exec by a task that is the only user of ctx's address space: may
	 * the new image keep the space, and ctx? True when ctx is the space's
	 * only thread; the caller then unmaps every guest mapping ([0,
	 * max_addr)) before it maps the new image, and loads the initial FP
	 * state. Saves making a space and killing the old one. May be NULL
	 * (never). */
	bool (*as_exec_keep)(struct context *ctx);
	/* A new address space for a fork child of ctx's task, whose host
	 * mappings start as a copy of ctx's space's guest mappings as they
	 * are now (mm_fork_hot() with inherit keeps the child's ptes marked
	 * mapped to match), then ops[n] (the pages that differ for the
	 * child, see mm_populate_ops), all applied before its first thread
	 * exists. Saves mapping the child's pages one run at a time. May be
	 * NULL or fail (E2BIG: too many ops; call again with none and map
	 * them later). */
	struct address_space *(*as_fork)(struct context *ctx, const struct as_op *ops, int n);
	/* Map memory-file pages [off, off+len) at addr with prot. */
	int (*as_map)(struct context *ctx, uint64_t addr, uint64_t len,
		      uint64_t memfile_off, int prot);
	int (*as_unmap)(struct context *ctx, uint64_t addr, uint64_t len);
	int (*as_protect)(struct context *ctx, uint64_t addr, uint64_t len, int prot);
	/* Apply ops in order, in as few host round trips as the platform
	 * can; returns 0 or the first error. May be NULL (ops applied one
	 * by one, see platform_as_batch()). */
	int (*as_batch)(struct context *ctx, const struct as_op *ops, int n);
	/* Prepare a spare thread in ctx's address space for a new task that
	 * shares it (CLONE_VM). */
	int (*as_spawn_thread)(struct context *ctx);
	/* Claim a spare thread of as for the calling host thread. */
	struct context *(*context_new)(struct platform *p, struct address_space *as);
	void (*context_release)(struct context *ctx);
	/* Run guest code with *regs until it traps; fills *regs and *trap.
	 * Returns 0, or -errno when the context is dead. */
	int (*switch_to)(struct context *ctx, struct arch_regs *regs,
			 struct trap_info *trap);
	/* Kick a guest running in ctx back to the sentry (any thread). */
	void (*interrupt)(struct context *ctx);
	int (*get_fpstate)(struct context *ctx, struct arch_fpstate *fp);
	int (*set_fpstate)(struct context *ctx, const struct arch_fpstate *fp);
	/* Highest guest address + 1. */
	uint64_t (*max_addr)(struct platform *p);
	/* Where a patched guest syscall site may jump to hand the call over
	 * without a host trap, with %eax = the number and %rcx = the return
	 * address; 0 (or NULL) when the platform has no such entry. */
	uint64_t (*syscall_entry)(struct platform *p);
};

struct platform {
	const struct platform_ops *ops;
	int memfd;
	void *priv;
	/* A task about to sleep in task_sleep() first spins this long with
	 * the BKL dropped (0: never), at most sleep_spinners tasks at once:
	 * set by platforms where waking a sleeping thread on an idle CPU
	 * costs more than the spin. */
	unsigned int sleep_spin_ns;
	unsigned int sleep_spinners;
};

extern struct platform *the_platform;

/* Apply ops with the platform's as_batch, or one by one. */
int platform_as_batch(struct context *ctx, const struct as_op *ops, int n);

/* Select a platform by name ("ptrace"); NULL if unknown. */
const struct platform_ops *platform_lookup(const char *name);

#endif
