/* Helpers of the tmpfs tests: run a body in a child that has its own mount
 * namespace (mount propagation made private first, so nothing reaches the
 * host) with a tmpfs mounted at a fresh directory. */
#ifndef TMPFSUTIL_H
#define TMPFSUTIL_H
#include "../common.h"
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>

static char tf_dir[] = "/tmp/tmpfs-XXXXXX";

static inline void tf_path(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", tf_dir, name);
}

/* 0 when the body ran; the child's status is printed. */
static inline int tf_run(const char *opts, void (*body)(const char *dir))
{
	pid_t pid;

	if (!mkdtemp(tf_dir)) {
		printf("mkdtemp: %s\n", errname(errno));
		return 1;
	}
	pid = fork();
	if (pid == 0) {
		if (unshare(CLONE_NEWNS) < 0) {
			printf("unshare: %s\n", errname(errno));
			_exit(1);
		}
		if (mount("", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
			printf("make private: %s\n", errname(errno));
			_exit(1);
		}
		if (mount("tmpfs", tf_dir, "tmpfs", 0, opts) < 0) {
			printf("mount: %s\n", errname(errno));
			_exit(1);
		}
		body(tf_dir);
		_exit(0);
	}
	reap(pid, "child");
	rmdir(tf_dir);
	return 0;
}
#endif
