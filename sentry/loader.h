/* The ELF loader: static, static-PIE and dynamically linked x86-64 ELF
 * (PT_INTERP) and #! scripts, building a fresh address space with the
 * initial stack (argv, envp, auxv) and the sentry's vDSO. Files are read
 * through exec_file_ops so the sentry does not depend on the VFS. */
#ifndef SENTRY_LOADER_H
#define SENTRY_LOADER_H

#include <stdint.h>
#include <sys/types.h>

#include "sentry/task.h"

/* What exec needs of the file it runs for set-user-ID and set-group-ID:
 * its mode and owner, and whether its mount is nosuid. */
struct exec_file_id {
	uint32_t mode, uid, gid;
	bool nosuid;
};

struct exec_file_ops {
	/* Open path for execution (checks it is a regular executable file).
	 * Returns 0 and *h, or -errno. */
	int (*open)(struct task *t, const char *path, void **h);
	ssize_t (*pread)(void *h, void *buf, size_t n, uint64_t off);
	/* Optional: the file's resolved path, for /proc/pid/exe. */
	const char *(*path)(void *h);
	/* The file's page cache object, with a new reference. */
	struct memobj *(*memobj)(void *h);
	void (*close)(void *h);
	/* Optional: the file's mode, owner and mount's nosuid (no id: the
	 * set-ID bits are not honoured). */
	int (*id)(void *h, struct exec_file_id *id);
};

struct exec_image {
	struct mm *mm;          /* new address space, owns a platform AS */
	struct arch_regs regs;  /* initial registers */
	char comm[16];
	char *exe_path;
	struct cred *cred;      /* the credentials after exec (owned) */
	bool secure;            /* AT_SECURE: a privilege-changing exec */
	bool keep_as;           /* mm->as comes from the old image at commit */
};

/* Build the image of path with argv/envp into *img. Nothing of t changes;
 * the caller commits with task_exec_commit(). */
int loader_load(struct task *t, const struct exec_file_ops *ops, const char *path,
		char *const argv[], char *const envp[], struct exec_image *img);
/* Point of no return: t becomes img (other threads must be gone). */
void task_exec_commit(struct task *t, struct exec_image *img);
/* The vDSO image object (shared by every process). */
struct memobj *vdso_memobj(void);

#endif
