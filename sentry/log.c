/* Sentry logging and the crash path: backtraces with libunwind of every
 * sentry thread, then stub cleanup and a distinct exit status. */
#define _GNU_SOURCE
#define UNW_LOCAL_ONLY
#include "sentry/log.h"

#include <dlfcn.h>
#include <pthread.h>
#include <libunwind.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int log_level;
int log_fd = 2;
static void (*crash_cleanup)(void);
static volatile int crashing;
static volatile int stacks_pending;

#define SIG_DUMPSTACK (SIGRTMIN + 3)

void slog(int level, const char *fmt, ...)
{
	char buf[1024];
	struct timespec ts;
	va_list ap;
	int n;

	if (level > log_level)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	n = snprintf(buf, sizeof(buf), "[%5ld.%06ld %d] ", (long)ts.tv_sec,
		     ts.tv_nsec / 1000, (int)syscall(SYS_gettid));
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(log_fd, buf, (size_t)n) < 0) {
		/* Nothing sensible to do when the log itself fails. */
	}
}

/* Async-signal-safe enough: libunwind local unwinding and write(2). */
static void dump_stack(int fd)
{
	unw_cursor_t cur;
	unw_context_t uc;
	char line[512], name[256];
	int depth = 0;

	unw_getcontext(&uc);
	if (unw_init_local(&cur, &uc) < 0)
		return;
	snprintf(line, sizeof(line), "thread %d:\n", (int)syscall(SYS_gettid));
	if (write(fd, line, strlen(line)) < 0)
		return;
	do {
		unw_word_t ip = 0, off = 0;

		Dl_info di;

		unw_get_reg(&cur, UNW_REG_IP, &ip);
		/* libunwind finds names through /proc/<getpid()>/maps, which is
		 * wrong inside our own pid namespace; the dynamic linker's view
		 * (the binary is linked -rdynamic) is right. */
		memset(&di, 0, sizeof(di));
		if (dladdr((void *)(ip - (depth ? 1 : 0)), &di) && di.dli_sname) {
			snprintf(name, sizeof(name), "%s", di.dli_sname);
			off = ip - (unw_word_t)di.dli_saddr;
		} else if (unw_get_proc_name(&cur, name, sizeof(name), &off) < 0) {
			strcpy(name, "??");
			off = 0;
		}
		snprintf(line, sizeof(line), "  #%-2d 0x%016lx %s+0x%lx (%s+0x%lx)\n", depth,
			 (unsigned long)ip, name, (unsigned long)off,
			 di.dli_fname ? di.dli_fname : "?",
			 (unsigned long)(ip - (unw_word_t)di.dli_fbase));
		if (write(fd, line, strlen(line)) < 0)
			return;
	} while (unw_step(&cur) > 0 && ++depth < 64);
}

static void on_dumpstack(int sig)
{
	(void)sig;
	dump_stack(log_fd);
	__atomic_sub_fetch(&stacks_pending, 1, __ATOMIC_SEQ_CST);
}

/* Sentry threads that want their stack in a crash report. */
#define MAX_THREADS 4096
static pthread_t threads[MAX_THREADS];
static volatile char thread_used[MAX_THREADS];
static pthread_mutex_t threads_lock = PTHREAD_MUTEX_INITIALIZER;

int crash_register_thread(void)
{
	pthread_mutex_lock(&threads_lock);
	for (int i = 0; i < MAX_THREADS; i++) {
		if (!thread_used[i]) {
			threads[i] = pthread_self();
			thread_used[i] = 1;
			pthread_mutex_unlock(&threads_lock);
			return i;
		}
	}
	pthread_mutex_unlock(&threads_lock);
	return -1;
}

void crash_unregister_thread(int slot)
{
	if (slot >= 0 && slot < MAX_THREADS)
		thread_used[slot] = 0;
}

void crash_dump_all_stacks(int fd)
{
	pthread_t self = pthread_self();
	int saved = log_fd;

	log_fd = fd;
	dump_stack(fd);
	/* No lock: this may run in a signal handler of a thread that holds
	 * it. A slot being reused concurrently only costs one report. */
	for (int i = 0; i < MAX_THREADS; i++) {
		if (!thread_used[i] || pthread_equal(threads[i], self))
			continue;
		__atomic_add_fetch(&stacks_pending, 1, __ATOMIC_SEQ_CST);
		if (pthread_kill(threads[i], SIG_DUMPSTACK)) {
			__atomic_sub_fetch(&stacks_pending, 1, __ATOMIC_SEQ_CST);
			continue;
		}
		/* Wait (bounded) for that thread to print its stack. */
		for (int k = 0; k < 200 && stacks_pending; k++)
			usleep(1000);
	}
	log_fd = saved;
}

void crash_set_cleanup(void (*fn)(void))
{
	crash_cleanup = fn;
}

void sentry_panic(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	if (__atomic_exchange_n(&crashing, 1, __ATOMIC_SEQ_CST)) {
		/* Another thread is already crashing: let it finish. */
		for (;;)
			pause();
	}
	n = snprintf(buf, sizeof(buf), "sentry: fatal error: ");
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(log_fd, buf, (size_t)n) < 0) {
		/* fall through to the backtrace */
	}
	crash_dump_all_stacks(log_fd);
	if (crash_cleanup)
		crash_cleanup();
	_exit(SENTRY_CRASH_STATUS);
}

static void on_fatal_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	sentry_panic("signal %d (%s) at address %p", sig, strsignal(sig), si->si_addr);
}

void crash_install_handlers(void)
{
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
	static char altstack[64 * 1024];
	struct sigaction sa;
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };

	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fatal_signal;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		sigaction(fatal[i], &sa, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_dumpstack;
	sa.sa_flags = SA_RESTART;
	sigaction(SIG_DUMPSTACK, &sa, NULL);
}
