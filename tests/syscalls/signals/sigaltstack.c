/* sigaltstack: an SA_ONSTACK handler runs on the alternate stack and sees
 * SS_ONSTACK; too small a stack is ENOMEM; changing it while on it is
 * EPERM; a stack overflow can be handled on the alternate stack. */
#include "../common.h"
#include <setjmp.h>

static char *alt;
static size_t altsz = 64 * 1024;
static volatile int on_alt, flags_in_handler, eperm;
static sigjmp_buf jb;

static void h(int sig)
{
	char local;
	stack_t ss, cur;

	on_alt = &local >= alt && &local < alt + altsz;
	sigaltstack(NULL, &cur);
	flags_in_handler = cur.ss_flags;
	ss.ss_sp = alt;
	ss.ss_size = altsz;
	ss.ss_flags = 0;
	eperm = sigaltstack(&ss, NULL) < 0 ? errno : 0;
	if (sig == SIGSEGV)
		siglongjmp(jb, 1);
}

#pragma GCC diagnostic ignored "-Winfinite-recursion"
static int recurse(int n)
{
	volatile char buf[1024];

	buf[0] = n;
	return recurse(n + 1) + buf[0];
}

int main(void)
{
	stack_t ss = { 0 }, old;
	struct sigaction sa = { 0 };

	alt = malloc(altsz);
	SHOW(sigaltstack(NULL, &old));
	printf("initial flags: %d (SS_DISABLE=%d)\n", old.ss_flags, SS_DISABLE);
	ss.ss_sp = alt;
	ss.ss_size = 1024;
	SHOW(sigaltstack(&ss, NULL));
	ss.ss_size = altsz;
	ss.ss_flags = 12345;
	SHOW(sigaltstack(&ss, NULL));
	ss.ss_flags = 0;
	SHOW(sigaltstack(&ss, NULL));
	sa.sa_handler = h;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	raise(SIGUSR1);
	printf("on alt stack: %d, flags in handler: %d (SS_ONSTACK=%d), change: %s\n",
	       on_alt, flags_in_handler, SS_ONSTACK, errname(eperm));
	sigaltstack(NULL, &old);
	printf("flags after: %d\n", old.ss_flags);
	on_alt = 0;
	if (sigsetjmp(jb, 1) == 0)
		recurse(0);
	printf("stack overflow handled on alt stack: %d\n", on_alt);
	return 0;
}
