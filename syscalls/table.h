/* The syscall table and dispatcher. Handlers live in syscalls/sys_*.c,
 * one file per family; syscalls.def lists every number. */
#ifndef SYSCALLS_TABLE_H
#define SYSCALLS_TABLE_H

#include <stdint.h>
#include <stdio.h>

#include "sentry/task.h"

struct syscall_args {
	uint64_t a[6];
};

enum syscall_status { STATUS_UNIMPLEMENTED, STATUS_PARTIAL, STATUS_SUPPORTED };

struct syscall_entry {
	const char *name;
	long (*fn)(struct task *t, const struct syscall_args *a);
	enum syscall_status status;
	const char *fmt;
};

#define NR_SYSCALLS 470
extern const struct syscall_entry syscall_table[NR_SYSCALLS];

#define DECL_SUPPORTED(name) long sys_##name(struct task *t, const struct syscall_args *a);
#define DECL_PARTIAL(name) DECL_SUPPORTED(name)
#define DECL_UNIMPLEMENTED(name)
#define SYSCALL(nr, name, status, fmt) DECL_##status(name)
#include "syscalls/syscalls.def"
#undef SYSCALL

/* Installs the dispatcher and exec hook into the sentry. */
void syscalls_init(void);
/* Reads test hooks from the environment (RUNSC_TEST_PANIC_SYSCALL). */
void syscalls_init_hooks(void);
long syscall_dispatch(struct task *t, int nr, const uint64_t args[6]);
/* `runsc syscalls`: print the table. */
void syscalls_print_table(FILE *out);

/* Shared helpers for handlers. */
int rlimit_nofile(struct task *t);

#endif
