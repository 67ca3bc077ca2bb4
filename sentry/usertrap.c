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
 * mappings, in one cache line each. */
#include "sentry/usertrap.h"
#include "sentry/task.h"
#include "sentry/mm.h"
#include "sentry/log.h"
#include "platform/platform.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#define UT_BASE   0x60000UL
#define UT_SITES  2048
#define UT_TABLE  UT_BASE
#define UT_CODE   (UT_BASE + UT_SITES * 8UL)
#define UT_CHUNK  32
#define UT_LEN    (UT_SITES * 8UL + UT_SITES * (uint64_t)UT_CHUNK)

_Static_assert(((UT_TABLE + UT_SITES * 8UL - 1) >> 16) == 0x6, "table address bytes 2-3 must be 06 00");

static bool in_table(uint32_t a)
{
	return a >= UT_TABLE && a < UT_TABLE + UT_SITES * 8UL && !(a & 7);
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

void usertrap_patch(struct task *t)
{
	struct mm *mm = t->mm;
	const struct user_regs_struct *r = &t->regs.r;
	uint64_t entry, rip = r->rip, site, ret = rip, slot_addr, chunk_addr;
	uint8_t b[9], chunk[UT_CHUNK], jmp[7], bad = 0x06;
	int plen, i;
	struct vma *v;

	if (!mm || mm->usertrap_state < 0 || !(entry = entry_addr()))
		return;
	if (rip < UT_BASE + UT_LEN + 9 || copy_from_guest(t, b, rip - 9, 9) < 0 ||
	    b[7] != 0x0f || b[8] != 0x05)
		return;
	if (b[2] == 0xb8 && !(r->rax >> 32) &&
	    (uint32_t)(b[3] | b[4] << 8 | b[5] << 16 | (uint32_t)b[6] << 24) == (uint32_t)r->rax) {
		site = rip - 7;
		plen = 5;
	} else if (b[2] == 0x4c && b[3] == 0x8b && b[4] == 0x4c && b[5] == 0x24) {
		uint64_t v9;

		if (copy_from_guest(t, &v9, r->rsp + (uint64_t)(int64_t)(int8_t)b[6], 8) < 0 ||
		    v9 != r->r9)
			return;
		site = rip - 7;
		plen = 5;
	} else if (b[0] == 0x48 && b[1] == 0xc7 && b[2] == 0xc0 &&
		   (uint64_t)(int64_t)(int32_t)(b[3] | b[4] << 8 | b[5] << 16 |
						(uint32_t)b[6] << 24) == r->rax) {
		site = rip - 9;
		plen = 7;
	} else {
		return;
	}
	if ((site & 63) + 7 > 64)
		return;
	v = mm_find_vma(mm, site);
	if (!v || rip > v->end || (v->flags & VMA_SHARED) || !(v->prot & PROT_EXEC) ||
	    (v->prot & PROT_WRITE))
		return;
	if (mm->usertrap_sites >= UT_SITES) {
		mm->usertrap_state = -1;
		return;
	}
	if (!area_ready(mm, t->ctx))
		return;
	i = (int)mm->usertrap_sites;
	slot_addr = UT_TABLE + 8UL * (uint64_t)i;
	chunk_addr = UT_CODE + (uint64_t)UT_CHUNK * (uint64_t)i;

	/* The trampoline: the replaced instruction; movabs $ret, %rcx;
	 * movabs $entry, %r11; jmp *%r11. */
	memset(chunk, 0xcc, sizeof(chunk));
	memcpy(chunk, b + 9 - 2 - plen, (size_t)plen);
	chunk[plen] = 0x48;
	chunk[plen + 1] = 0xb9;
	memcpy(chunk + plen + 2, &ret, 8);
	chunk[plen + 10] = 0x49;
	chunk[plen + 11] = 0xbb;
	memcpy(chunk + plen + 12, &entry, 8);
	chunk[plen + 20] = 0x41;
	chunk[plen + 21] = 0xff;
	chunk[plen + 22] = 0xe3;
	if (mm_poke(mm, t->ctx, chunk_addr, chunk, sizeof(chunk)) < 0 ||
	    mm_poke(mm, t->ctx, slot_addr, &chunk_addr, 8) < 0) {
		mm->usertrap_state = -1;
		return;
	}
	mm->usertrap_sites++;

	jmp[0] = 0xff;
	jmp[1] = 0x24;
	jmp[2] = 0x25;
	jmp[3] = (uint8_t)slot_addr;
	jmp[4] = (uint8_t)(slot_addr >> 8);
	jmp[5] = (uint8_t)(slot_addr >> 16);
	jmp[6] = (uint8_t)(slot_addr >> 24);
	if (mm_poke(mm, t->ctx, site, &bad, 1) < 0)
		return;
	if (mm_poke(mm, t->ctx, site + 1, jmp + 1, 6) < 0) {
		mm_poke(mm, t->ctx, site, b + 9 - 2 - plen, 1);
		return;
	}
	mm_poke(mm, t->ctx, site, jmp, 1);
	sdebug("usertrap: site %d at %#lx (syscall %d)", i, (unsigned long)site, t->syscall_nr);
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
