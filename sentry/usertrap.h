/* Syscall site patching for platforms with a fast syscall entry
 * (systrap): a guest `syscall` that trapped the slow way is rewritten, in
 * the guest's private copy of its code, into a jump to a trampoline that
 * enters the platform without a host trap. */
#ifndef SENTRY_USERTRAP_H
#define SENTRY_USERTRAP_H

struct task;

/* Called on a syscall trap that did not come through a patched site,
 * before the call runs: patch its site if it is one we know how to. */
void usertrap_patch(struct task *t);

/* Called before a task whose mm has sites patched over their `syscall`
 * resumes: a return address inside such a site becomes the trampoline's
 * copy of what followed the syscall. */
void usertrap_resume(struct task *t);

/* Called on SIGILL: 1 when it is a syscall at a patched site (a thread
 * that had executed the instruction before `syscall` when the site was
 * patched; t->regs now describe the syscall trap), 2 when the thread
 * found a site half-patched and must just run again, 0 otherwise. */
int usertrap_sigill(struct task *t);

#endif
