/* Helpers of the VFS conformance tests: a fresh scratch directory under
 * /tmp that the test works in (relative paths, so nothing random is
 * printed) and removes at the end. */
#ifndef TESTS_SYSCALLS_VFS_H
#define TESTS_SYSCALLS_VFS_H
#include "../common.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <sys/mount.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Where the scratch directory goes (the gofer family puts it on a host
 * directory). */
#ifndef VFS_SCRATCH_BASE
#define VFS_SCRATCH_BASE "/tmp"
#endif

static char scratch_[64];

static int rm_one_(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	if (flag == FTW_DP || flag == FTW_D)
		return rmdir(p) < 0 ? 0 : 0;
	unlink(p);
	return 0;
}

/* Make the scratch directory and enter it. */
static inline void scratch_enter(void)
{
	strcpy(scratch_, VFS_SCRATCH_BASE "/vfs-XXXXXX");
	if (!mkdtemp(scratch_) || chdir(scratch_) < 0) {
		printf("scratch: %s\n", errname(errno));
		exit(1);
	}
}

static inline void scratch_leave(void)
{
	if (chdir("/") == 0 && scratch_[0]) {
		chmod(scratch_, 0700);
		nftw(scratch_, rm_one_, 16, FTW_DEPTH | FTW_PHYS);
	}
}

static inline void put_file(const char *name, const char *text, mode_t mode)
{
	int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0) {
		printf("put_file %s: %s\n", name, errname(errno));
		return;
	}
	if (text && write(fd, text, strlen(text)) < 0)
		printf("put_file write: %s\n", errname(errno));
	close(fd);
}

/* The file's contents (up to 255 bytes) or the errno name. */
static inline const char *get_file(const char *name)
{
	static char buf[256];
	int fd = open(name, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return errname(errno);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return errname(errno);
	buf[n] = 0;
	return buf;
}

/* Names in a directory, sorted, on one line. */
static inline void list_dir(const char *label, const char *dir)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);

	printf("%s:", label);
	if (n < 0) {
		printf(" %s\n", errname(errno));
		return;
	}
	for (int i = 0; i < n; i++) {
		printf(" %s", ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	printf("\n");
}

static inline void show_mode(const char *name)
{
	struct stat st;

	if (lstat(name, &st) < 0)
		printf("mode %s: %s\n", name, errname(errno));
	else if (S_ISDIR(st.st_mode))
		printf("mode %s: %o nlink %lu\n", name, (unsigned)st.st_mode,
		       (unsigned long)st.st_nlink);
	else
		printf("mode %s: %o nlink %lu size %lld\n", name, (unsigned)st.st_mode,
		       (unsigned long)st.st_nlink, (long long)st.st_size);
}

/* Run fn in a child as uid/gid (no capabilities) and wait for it. */
static inline void as_user(uid_t uid, gid_t gid, void (*fn)(void), const char *label)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 ||
		    setresuid(uid, uid, uid) < 0) {
			printf("setresuid: %s\n", errname(errno));
			_exit(1);
		}
		fn();
		fflush(stdout);
		_exit(0);
	}
	reap(pid, label);
}

/* Run fn in a child in a private mount namespace (the host's mounts stay
 * untouched when run natively as root). */
static inline void in_mount_ns(void (*fn)(void), const char *label)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (unshare(CLONE_NEWNS) < 0) {
			printf("unshare: %s\n", errname(errno));
			_exit(1);
		}
		if (mount("none", "/", NULL, MS_PRIVATE | MS_REC, NULL) < 0) {
			printf("make-private: %s\n", errname(errno));
			_exit(1);
		}
		fn();
		fflush(stdout);
		_exit(0);
	}
	reap(pid, label);
}

#endif
