/* Fault probing shared by the mm tests: probe_read/probe_write report
 * "ok", or the signal and si_code of the fault, without dying. */
#include <setjmp.h>
#include <sys/mman.h>

static sigjmp_buf probe_jb_;
static siginfo_t probe_si_;

static void probe_handler_(int sig, siginfo_t *si, void *uc)
{
	probe_si_ = *si;
	siglongjmp(probe_jb_, 1);
}

static void probe_setup(void)
{
	struct sigaction sa = { 0 };

	sa.sa_sigaction = probe_handler_;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

/* Returns a static string: "ok" or "SIGSEGV/1" style. */
static const char *probe(volatile char *p, int write, char *val)
{
	static char buf[8][32];
	static int n;
	char *b = buf[n++ & 7];

	if (sigsetjmp(probe_jb_, 1) == 0) {
		if (write)
			*p = val ? *val : 1;
		else if (val)
			*val = *p;
		else
			(void)*p;
		return "ok";
	}
	snprintf(b, 32, "%s/%d%s", probe_si_.si_signo == SIGSEGV ? "SIGSEGV" : "SIGBUS",
		 probe_si_.si_code, probe_si_.si_addr == (void *)p ? "" : " (wrong addr)");
	return b;
}
#define PROBE_R(p) probe((volatile char *)(p), 0, NULL)
#define PROBE_W(p) probe((volatile char *)(p), 1, NULL)
