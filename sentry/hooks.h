/* Resources the sentry core carries for each task but that belong to
 * upper layers (fd tables and cwd/root from fs/). The core calls them
 * through this table, filled by fs/ at start-up, so that sentry/ never
 * includes fs/. */
#ifndef SENTRY_HOOKS_H
#define SENTRY_HOOKS_H

#include <stdbool.h>

struct files;
struct fs_ctx;
struct task;
struct thread_group;

struct task_hooks {
	struct files *(*files_dup)(struct files *f);
	void (*files_get)(struct files *f);
	void (*files_put)(struct files *f);
	void (*files_close_on_exec)(struct files *f);
	struct fs_ctx *(*fs_dup)(struct fs_ctx *fs);
	void (*fs_get)(struct fs_ctx *fs);
	void (*fs_put)(struct fs_ctx *fs);
	/* clone(CLONE_NEWNS): a copy of fs in a copy of its mount namespace. */
	struct fs_ctx *(*fs_dup_newns)(struct fs_ctx *fs);
	/* A session leader with a controlling terminal exited (fs/tty.c):
	 * SIGHUP to the terminal's foreground group, the session loses it. */
	void (*session_leader_exit)(struct thread_group *tg);
};

extern struct task_hooks task_hooks;

#endif
