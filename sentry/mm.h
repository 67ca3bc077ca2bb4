/* The memory manager: a guest address space as VMAs plus a page table of
 * memory-file pages. Guest mmap/munmap/mprotect/brk/mremap update VMAs;
 * pages are materialised lazily on fault, with fault-around, and mapped
 * into the platform's address space. Private pages are copy-on-write
 * after fork. Everything runs under the big kernel lock. */
#ifndef SENTRY_MM_H
#define SENTRY_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sentry/memfile.h"
#include "sentry/memobj.h"

struct context;
struct address_space;
struct as_op;

#define VMA_SHARED    0x1
#define VMA_GROWSDOWN 0x2
#define VMA_ANON      0x4  /* no backing object (private anonymous) */

struct vma {
	uint64_t start, end;
	int prot;
	int flags;
	struct memobj *obj;  /* NULL for private anonymous memory */
	uint64_t pgoff;      /* object page index of start */
	const char *name;    /* "[heap]", "[stack]", "[vdso]" or NULL */
};

struct mm {
	int refs;                  /* tasks sharing it (CLONE_VM), plus pins */
	struct vma *vmas;          /* sorted, non-overlapping */
	int nvma, cap;
	struct pt *pt;             /* guest page number -> pte */
	struct address_space *as;  /* platform address space, NULL until run */
	uint64_t max_addr;
	uint64_t mmap_base;
	uint64_t brk_start, brk;
	uint64_t stack_top;
	uint64_t arg_start, arg_end, env_start, env_end;
	uint64_t auxv[64];
	int auxv_len;
	uint64_t vdso_base;
	char *exe_path;
	uint64_t rss_pages;
	/* The last fault found already resolved (see mm_fault): the same
	 * context faulting again at the same page is a real violation. */
	struct context *stale_ctx;
	uint64_t stale_vpn;
	/* The page after the last anonymous fault-around window: a fault
	 * there means the guest streams through fresh memory. */
	uint64_t stream_vpn;
	/* Patched syscall sites (sentry/usertrap.c): 0 no [usertrap] area
	 * yet, 1 in use, -1 off for this address space; sites used. */
	int usertrap_state;
	uint32_t usertrap_sites;
	/* Sites patched over the syscall itself: a thread resumed at the
	 * old return address (ret) goes to the trampoline's copy of the
	 * instruction there (cont) instead. Sorted by ret. */
	struct usertrap_ret { uint64_t ret, cont; } *usertrap_rets;
	uint32_t usertrap_nrets;
	/* Slow traps seen per site, until it is worth patching (a small
	 * hash by return address; NULL until the first). */
	struct usertrap_seen { uint64_t rip; uint32_t n; } *usertrap_seen;
	uint32_t usertrap_slow; /* slow syscall traps, up to the warm-up */
	/* Pages the host may still map at vpn though the page table has
	 * moved on (copy-on-write broken without a context, by a write
	 * through /proc/PID/mem): each is kept until mm_drop_stale() has
	 * unmapped it. */
	struct mm_stale { uint64_t vpn, pfn; } *stale;
	uint32_t nstale, stale_cap;
};

/* pte layout: pfn << 12 | flags */
#define PTE_PRESENT     0x1UL
#define PTE_SHARED      0x2UL  /* page of a shared object: never COW */
#define PTE_MAPPED      0x4UL  /* currently mapped in the address space */
#define PTE_PROT_SHIFT  3      /* prot it is mapped with, 3 bits */
#define PTE_PFN(p)      ((p) >> 12)

struct mm *mm_new(uint64_t max_addr);
void mm_get(struct mm *mm);
void mm_put(struct mm *mm);
/* Copy-on-write duplicate for fork; ctx is the parent's context, used to
 * write-protect the parent's private pages. */
struct mm *mm_fork(struct mm *parent, struct context *ctx);
/* With inherit, the child's ptes stay marked mapped as the parent's are
 * (after write-protecting the parent's shared pages), for an address
 * space that starts as a copy of the parent's (platform as_fork); the
 * hot pages, copied for the child, are left to its mm_populate(). Without
 * one after all, mm_fork_uninherit() drops the marks. */
struct mm *mm_fork_hot(struct mm *parent, struct context *ctx, const uint64_t *hot, int nhot,
		       bool inherit);
void mm_fork_uninherit(struct mm *mm);
/* Unmap the stale pages (see struct mm) with ctx, a context of mm's,
 * and let them go: before any task of mm resumes. */
void mm_drop_stale(struct mm *mm, struct context *ctx);

/* Returns the address or -errno. obj may be NULL (anonymous). */
long mm_mmap(struct mm *mm, struct context *ctx, uint64_t addr, uint64_t len,
	     int prot, int flags, struct memobj *obj, uint64_t pgoff, const char *name);
int mm_munmap(struct mm *mm, struct context *ctx, uint64_t addr, uint64_t len);
int mm_mprotect(struct mm *mm, struct context *ctx, uint64_t addr, uint64_t len, int prot);
long mm_mremap(struct mm *mm, struct context *ctx, uint64_t old, uint64_t old_len,
	       uint64_t new_len, int flags, uint64_t new_addr);
long mm_brk(struct mm *mm, struct context *ctx, uint64_t brk);
int mm_madvise(struct mm *mm, struct context *ctx, uint64_t addr, uint64_t len, int advice);
int mm_mincore(struct mm *mm, uint64_t addr, uint64_t len, uint8_t *vec);
int mm_msync(struct mm *mm, uint64_t addr, uint64_t len, int flags);
struct vma *mm_find_vma(struct mm *mm, uint64_t addr);
/* A free range of len bytes (top-down from mmap_base), or -ENOMEM. */
long mm_get_unmapped_area(struct mm *mm, uint64_t hint, uint64_t len, bool fixed);

/* Resolve a guest fault at addr. code is SEGV_MAPERR or SEGV_ACCERR as the
 * host reported it. Returns 0 when handled, else the signal to deliver
 * (SIGSEGV/SIGBUS) with *si_code set. */
int mm_fault(struct mm *mm, struct context *ctx, uint64_t addr, int code, int *si_code);

/* Map every present page into the address space in one batch (after
 * fork or exec, so the new process does not fault its way in). With
 * adopt_cache, pages of private file mappings already in the page cache
 * become present first. With scrub, the batch first unmaps [0, max_addr)
 * (an exec that keeps the old image's address space). */
int mm_populate(struct mm *mm, struct context *ctx, bool adopt_cache, bool scrub);
/* What mm_populate(mm, ctx, false, false) would map, as ops (*ops, to be
 * freed; returns their number or -errno), for a platform to apply on its
 * own; mm_mark_mapped() then records them as applied. */
int mm_populate_ops(struct mm *mm, struct as_op **ops);
void mm_mark_mapped(struct mm *mm, const struct as_op *ops, int n);

/* The only ways the sentry touches guest memory. 0 or -EFAULT. */
int mm_copy_in(struct mm *mm, struct context *ctx, void *dst, uint64_t src, size_t n);
int mm_copy_out(struct mm *mm, struct context *ctx, uint64_t dst, const void *src, size_t n);
int mm_zero_out(struct mm *mm, struct context *ctx, uint64_t dst, size_t n);
/* Copies a NUL-terminated string of at most max bytes including the NUL.
 * Returns its length, -EFAULT, or -ENAMETOOLONG. */
long mm_strncpy_in(struct mm *mm, struct context *ctx, char *dst, uint64_t src, size_t max);

/* Write n bytes of a private mapping whatever its protection, as a
 * debugger's poke does: the pages get private copies first, so no file
 * and no other address space sees the change. 0, -EFAULT (unmapped) or
 * -EPERM (shared mapping, or the range spans two mappings). */
int mm_poke(struct mm *mm, struct context *ctx, uint64_t addr, const void *src, size_t n);

/* Print /proc/pid/maps-style lines into buf; returns length. */
size_t mm_format_maps(struct mm *mm, char *buf, size_t size);

#endif
