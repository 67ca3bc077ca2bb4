/* Syscall site patching (see usertrap.h).
 *
 * A site is 7 bytes ending at, or just before, the `syscall`:
 *   b8 imm32 0f 05               mov $nr, %eax; syscall     (most of libc)
 *   4c 8b 4c 24 d8 0f 05         mov d8(%rsp), %r9; syscall (syscall(2))
 *   48 c7 c0 imm32 0f 05         mov $nr, %rax; syscall     (__restore_rt)
 * Its first 7 bytes become `jmp *ADDR` (ff 24 25 ADDR32), ADDR an entry
 * of a table in the guest's [usertrap] area (at a fixed low address);
 * the entry points to the site's trampoline in the same area, which does
 * the replaced instruction, loads the return address into %rcx and jumps
 * to the platform's entry with %eax = the number, as a real syscall
 * leaves %rcx and %r11 to the kernel.
 *
 * Concurrency: other threads may run the code being patched. The first
 * byte becomes 0x06 (invalid in 64-bit mode) before the other six are
 * written and the jump's opcode last, so a thread sees the old
 * instructions, the new jump, or a SIGILL at the site, which restarts it.
 * In the first two forms the table address puts 06 00 where the
 * `syscall` was: a thread that had already run the instruction before it
 * (or jumps there) gets SIGILL at site + 5, which is answered as the
 * syscall it was about to make, with its own registers. The third form
 * leaves the `syscall` in place.
 *
 * A guest can read the patched bytes, and a guest that maps over the
 * [usertrap] area breaks its own patched sites; the host sees nothing of
 * either. Sites are only patched in private, executable, non-writable
 * mappings of files (JIT code in anonymous memory keeps trapping), in
 * one cache line each when other threads may run them. */
#include "sentry/usertrap.h"
#include "sentry/task.h"
#include "sentry/mm.h"
#include "sentry/log.h"
#include "platform/platform.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define UT_BASE   0x60000UL
#define UT_SITES  2048
#define UT_TABLE  UT_BASE
#define UT_CODE   (UT_BASE + UT_SITES * 8UL)
#define UT_CHUNK  64
#define UT_LEN    (UT_SITES * 8UL + UT_SITES * (uint64_t)UT_CHUNK)

_Static_assert(((UT_TABLE + UT_SITES * 8UL - 1) >> 16) == 0x6, "table address bytes 2-3 must be 06 00");

static bool in_table(uint32_t a)
{
	return a >= UT_TABLE && a < UT_TABLE + UT_SITES * 8UL && !(a & 7);
}

/* Site patched over its `syscall` (see usertrap_patch): remember where a
 * thread that returns from it must go instead. */
static bool add_ret(struct mm *mm, uint64_t ret, uint64_t cont)
{
	struct usertrap_ret *r;
	uint32_t n = mm->usertrap_nrets, i;

	r = realloc(mm->usertrap_rets, (n + 1) * sizeof(*r));
	if (!r)
		return false;
	mm->usertrap_rets = r;
	for (i = n; i > 0 && r[i - 1].ret > ret; i--)
		r[i] = r[i - 1];
	r[i] = (struct usertrap_ret){ ret, cont };
	mm->usertrap_nrets = n + 1;
	return true;
}

void usertrap_resume(struct task *t)
{
	const struct mm *mm = t->mm;
	uint64_t rip = t->regs.r.rip;
	uint32_t lo = 0, hi = mm->usertrap_nrets;

	if (rip - UT_BASE < UT_LEN)
		return;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;

		if (mm->usertrap_rets[mid].ret == rip) {
			t->regs.r.rip = mm->usertrap_rets[mid].cont;
			return;
		}
		if (mm->usertrap_rets[mid].ret < rip)
			lo = mid + 1;
		else
			hi = mid;
	}
}

static uint64_t entry_addr(void)
{
	const struct platform_ops *ops = the_platform->ops;

	return ops->syscall_entry ? ops->syscall_entry(the_platform) : 0;
}

/* The [usertrap] area, made on first use where nothing else is mapped. */
static bool area_ready(struct mm *mm, struct context *ctx)
{
	long r;

	if (mm->usertrap_state)
		return mm->usertrap_state > 0;
	r = mm_mmap(mm, ctx, UT_BASE, UT_LEN, PROT_READ | PROT_EXEC,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, NULL, 0, "[usertrap]");
	mm->usertrap_state = r == (long)UT_BASE ? 1 : -1;
	return mm->usertrap_state > 0;
}

/* Write the 7-byte jump at site, 0x06 first and its opcode last. */
static void write_jump(struct mm *mm, struct context *ctx, uint64_t site, uint64_t slot_addr,
		       uint8_t first)
{
	uint8_t jmp[7] = { 0xff, 0x24, 0x25, (uint8_t)slot_addr, (uint8_t)(slot_addr >> 8),
			   (uint8_t)(slot_addr >> 16), (uint8_t)(slot_addr >> 24) };
	uint8_t bad = 0x06;

	if (mm_poke(mm, ctx, site, &bad, 1) < 0)
		return;
	if (mm_poke(mm, ctx, site + 1, jmp + 1, 6) < 0) {
		mm_poke(mm, ctx, site, &first, 1);
		return;
	}
	mm_poke(mm, ctx, site, jmp, 1);
}

/* Patching costs host requests (the site's page gets a private copy,
 * mapped at once; the [usertrap] pages fault in on first use): a site
 * is patched on its RUNSC_SYSTRAP_PATCH_AFTER-th slow trap (default 3),
 * so that code run once or twice is left alone, and not before its
 * address space has taken UT_WARMUP slow syscall traps in all: a
 * short-lived process (a static binary's start-up and exit make 13) has
 * no site that pays for itself. In a fork+exec+wait of one, the brk site
 * was patched on its third call, one before the last: 50-70 us of host
 * requests to save one trap of 13. Counts live in a small hash that
 * forgets on collisions. */
#define UT_SEEN 256
#define UT_WARMUP 24
static unsigned int patch_after;

/* The count of site rip (NULL without memory): a hash slot, taken over
 * by another site on a collision. */
#define UT_NEVER UINT32_MAX  /* tried, and it cannot be patched */
static struct usertrap_seen *seen(struct mm *mm, uint64_t rip)
{
	struct usertrap_seen *e;

	if (!patch_after) {
		const char *v = getenv("RUNSC_SYSTRAP_PATCH_AFTER");

		patch_after = v && atoi(v) > 0 ? (unsigned int)atoi(v) : 3;
	}
	if (!mm->usertrap_seen) {
		mm->usertrap_seen = calloc(UT_SEEN, sizeof(*mm->usertrap_seen));
		if (!mm->usertrap_seen)
			return NULL;
	}
	e = &mm->usertrap_seen[(rip ^ (rip >> 9)) % UT_SEEN];
	if (e->rip != rip) {
		e->rip = rip;
		e->n = 0;
	}
	return e;
}

/* Patch the site of t's syscall trap; false when it cannot be. */
static bool patch_site(struct task *t, uint64_t entry)
{
	struct mm *mm = t->mm;
	const struct user_regs_struct *r = &t->regs.r;
	uint64_t rip = r->rip, site, ret = rip, slot_addr, chunk_addr, cont = 0, after = 0;
	uint8_t b[9], f[8], chunk[UT_CHUNK];
	int plen = 0, clen = 0, i, n;
	struct vma *v;

	if (copy_from_guest(t, b, rip - 9, 9) < 0 || b[7] != 0x0f || b[8] != 0x05)
		return false;
	if (b[2] == 0xb8 && !(r->rax >> 32) &&
	    (uint32_t)(b[3] | b[4] << 8 | b[5] << 16 | (uint32_t)b[6] << 24) == (uint32_t)r->rax) {
		site = rip - 7;
		plen = 5;
	} else if (b[2] == 0x4c && b[3] == 0x8b && b[4] == 0x4c && b[5] == 0x24) {
		uint64_t v9;

		if (copy_from_guest(t, &v9, r->rsp + (uint64_t)(int64_t)(int8_t)b[6], 8) < 0 ||
		    v9 != r->r9)
			return false;
		site = rip - 7;
		plen = 5;
	} else if (b[0] == 0x48 && b[1] == 0xc7 && b[2] == 0xc0 &&
		   (uint64_t)(int64_t)(int32_t)(b[3] | b[4] << 8 | b[5] << 16 |
						(uint32_t)b[6] << 24) == r->rax) {
		site = rip - 9;
		plen = 7;
	} else if (mm->refs == 1 && copy_from_guest(t, f, rip - 2, 8) == 0 &&
		   ((f[2] == 0x48 && f[3] == 0x3d) || f[2] == 0x3d)) {
		/* `syscall; cmp $imm32, %rax` (or %eax), as libc checks
		 * for an error: the jump covers the syscall and the cmp,
		 * whose copy in the trampoline runs after the call. A
		 * thread returning from this site (the caller, or one of
		 * its signal frames) is redirected by usertrap_resume();
		 * none can be executing here, as the mm has one user. */
		site = rip - 2;
		clen = f[2] == 0x48 ? 6 : 5;
		after = site + 2 + (uint64_t)clen;
	} else {
		return false;
	}
	/* Where other threads may run the site, it must not span two cache
	 * lines (whose new bytes another CPU could fetch at different
	 * times). */
	if (plen && (site & 63) + 7 > 64)
		return false;
	v = mm_find_vma(mm, site);
	/* Code from a file (not JIT output in anonymous memory, which its
	 * owner may read back or rewrite), privately mapped, not writable. */
	if (!v || !v->obj || (after ? after : rip) > v->end || (v->flags & VMA_SHARED) ||
	    !(v->prot & PROT_EXEC) || (v->prot & PROT_WRITE))
		return false;
	if (mm->usertrap_sites >= UT_SITES) {
		mm->usertrap_state = -1;
		return false;
	}
	if (!area_ready(mm, t->ctx))
		return false;
	i = (int)mm->usertrap_sites;
	slot_addr = UT_TABLE + 8UL * (uint64_t)i;
	chunk_addr = UT_CODE + (uint64_t)UT_CHUNK * (uint64_t)i;

	/* The trampoline: [the replaced instruction;] movabs $ret, %rcx;
	 * movabs $entry, %r11; jmp *%r11. With a cmp after the site:
	 * `syscall` (where a restarted call goes back to), then the cmp
	 * (ret points there) and jmp *0(%rip) to the instruction after. */
	memset(chunk, 0xcc, sizeof(chunk));
	n = 0;
	if (plen) {
		memcpy(chunk, b + 9 - 2 - plen, (size_t)plen);
		n = plen;
	} else {
		/* rcx and the sentry see the real return address, as after
		 * a real syscall; usertrap_resume() sends the thread on to
		 * the copy of the cmp. */
		cont = chunk_addr + 25;
	}
	chunk[n++] = 0x48;
	chunk[n++] = 0xb9;
	memcpy(chunk + n, &ret, 8);
	n += 8;
	chunk[n++] = 0x49;
	chunk[n++] = 0xbb;
	memcpy(chunk + n, &entry, 8);
	n += 8;
	chunk[n++] = 0x41;
	chunk[n++] = 0xff;
	chunk[n++] = 0xe3;
	if (!plen) {
		chunk[n++] = 0x0f;
		chunk[n++] = 0x05;
		memcpy(chunk + n, f + 2, (size_t)clen);
		n += clen;
		chunk[n++] = 0xff;
		chunk[n++] = 0x25;
		memset(chunk + n, 0, 4);
		n += 4;
		memcpy(chunk + n, &after, 8);
	}
	if (mm_poke(mm, t->ctx, chunk_addr, chunk, sizeof(chunk)) < 0 ||
	    mm_poke(mm, t->ctx, slot_addr, &chunk_addr, 8) < 0) {
		mm->usertrap_state = -1;
		return false;
	}
	if (!plen && !add_ret(mm, rip, cont))
		return false;
	mm->usertrap_sites++;
	write_jump(mm, t->ctx, site, slot_addr, plen ? b[9 - 2 - plen] : 0x0f);
	sdebug("usertrap: site %d at %#lx (syscall %d%s)", i, (unsigned long)site, t->syscall_nr,
	       plen ? "" : ", over the syscall");
	return true;
}

/* Sites are tried on their patch_after-th slow trap, and one that cannot
 * be patched is not looked at again: this runs on every such trap. */
void usertrap_patch(struct task *t)
{
	struct mm *mm = t->mm;
	uint64_t rip = t->regs.r.rip, entry;
	struct usertrap_seen *e;

	if (!mm || mm->usertrap_state < 0 || !(entry = entry_addr()))
		return;
	if (mm->usertrap_slow < UT_WARMUP)
		mm->usertrap_slow++;
	if (rip < 9 || rip - UT_BASE < UT_LEN + 9 || !(e = seen(mm, rip)) || e->n == UT_NEVER ||
	    ++e->n < patch_after || mm->usertrap_slow < UT_WARMUP)
		return;
	if (!patch_site(t, entry))
		e->n = UT_NEVER;
}

int usertrap_sigill(struct task *t)
{
	struct user_regs_struct *r = &t->regs.r;
	uint8_t b[7];
	uint32_t a;

	if (!t->mm || t->mm->usertrap_state <= 0)
		return 0;
	/* At site + 5, behind a patched site's jump. */
	if (copy_from_guest(t, b, r->rip - 5, 7) == 0 && b[0] == 0xff && b[1] == 0x24 &&
	    b[2] == 0x25) {
		memcpy(&a, b + 3, 4);
		if (in_table(a)) {
			sdebug("usertrap: syscall %d behind the site at %#lx", (int)r->rax,
			       (unsigned long)(r->rip - 5));
			r->orig_rax = r->rax;
			r->rip += 2;
			return 1;
		}
	}
	/* At the site itself, patched while this thread fetched it. */
	if (copy_from_guest(t, b, r->rip, 7) == 0 && b[0] == 0xff && b[1] == 0x24 &&
	    b[2] == 0x25) {
		memcpy(&a, b + 3, 4);
		if (in_table(a))
			return 2;
	}
	return 0;
}
