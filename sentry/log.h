/* Sentry logging and fatal errors. Log lines go to the debug log (stderr
 * unless --debug-log names a directory); a fatal error prints a libunwind
 * backtrace of every sentry thread, kills the stubs and exits. */
#ifndef SENTRY_LOG_H
#define SENTRY_LOG_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Exit status of a sentry that crashed; runsc reports it as such. */
#define SENTRY_CRASH_STATUS 125

extern int log_level; /* 0 = warnings only, 1 = info, 2 = debug */
extern int log_fd;

void slog(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define swarn(...) slog(0, __VA_ARGS__)
#define sinfo(...) slog(1, __VA_ARGS__)
#define sdebug(...) slog(2, __VA_ARGS__)

/* Print a backtrace of every thread, kill the stubs, exit with
 * SENTRY_CRASH_STATUS. Safe to call from any sentry thread. */
void sentry_panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* Install handlers that turn SIGSEGV/SIGBUS/SIGABRT/... in the sentry into
 * sentry_panic(). */
void crash_install_handlers(void);
/* Register a callback run by sentry_panic() before exiting (kills stubs). */
void crash_set_cleanup(void (*fn)(void));
/* Sentry threads register to be included in crash backtraces. */
int crash_register_thread(void);
void crash_unregister_thread(int slot);
/* Print backtraces of every sentry thread to fd. */
void crash_dump_all_stacks(int fd);

/* An on/off switch from the environment, on unless name is set to "0"
 * (to measure what an optimisation saves); read once into *cache, which
 * starts at -1. */
static inline bool env_switch_on(const char *name, int *cache)
{
	if (*cache < 0) {
		const char *e = getenv(name);

		*cache = !(e && !strcmp(e, "0"));
	}
	return *cache;
}

#define BUG_ON(cond)                                                    \
	do {                                                            \
		if (__builtin_expect(!!(cond), 0))                      \
			sentry_panic("BUG at %s:%d: %s", __FILE__,      \
				     __LINE__, #cond);                  \
	} while (0)

#endif
