/* Fixed layout of the ptrace stub binary (platform/ptrace/stub.S). The
 * stub is linked at STUB_BASE; the guest can never map at or above it. */
#ifndef PLATFORM_PTRACE_STUB_H
#define PLATFORM_PTRACE_STUB_H

#define STUB_BASE          0x7ffffff00000UL
#define STUB_SIZE          0x20000UL /* text, rodata, batch table */
/* Offsets of labels inside the stub's text, checked at build time by the
 * linker script placing .text at STUB_BASE. */
#define STUB_SYSCALL_OFF   0x100UL /* syscall; int3 */
#define STUB_CLONE_OFF     0x110UL /* syscall; test; jnz; spin */
#define STUB_SPIN_OFF      0x120UL /* pause(2) in a loop */
#define STUB_BATCH_OFF     0x140UL /* loop over the batch table */
/* Batch table: read-only in the stub, written by the sentry; entries of
 * 8 quads (nr, a0..a5, unused). */
#define STUB_BATCH_ADDR    (STUB_BASE + 0x10000UL)
#define STUB_BATCH_SIZE    0x10000UL
#define STUB_BATCH_FD      6
#define STUB_MEMFD         3
#define STUB_READY_FD      4

#endif
