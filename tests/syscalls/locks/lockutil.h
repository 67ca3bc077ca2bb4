/* Helpers of the file-lock tests: a scratch file in a fresh directory under
 * /tmp, struct flock shorthands and a pipe to order parent and child. */
#ifndef LOCKUTIL_H
#define LOCKUTIL_H
#include "../common.h"
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

static char lk_dir[] = "/tmp/locks-XXXXXX";
static char lk_path[64];

static inline int lk_setup(void)
{
	int fd;

	if (!mkdtemp(lk_dir)) {
		printf("mkdtemp: %s\n", errname(errno));
		exit(1);
	}
	snprintf(lk_path, sizeof(lk_path), "%s/f", lk_dir);
	fd = open(lk_path, O_RDWR | O_CREAT, 0644);
	if (fd < 0 || ftruncate(fd, 1000) < 0) {
		printf("create: %s\n", errname(errno));
		exit(1);
	}
	return fd;
}

static inline void lk_cleanup(void)
{
	unlink(lk_path);
	rmdir(lk_dir);
}

static inline int lk(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };

	return fcntl(fd, cmd, &fl);
}

/* F_GETLK-style query, printed: what blocks [start, start+len) for type. */
static inline void lk_show(const char *who, int fd, int cmd, short type, off_t start, off_t len,
			   pid_t expect_pid)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };

	if (fcntl(fd, cmd, &fl) < 0) {
		printf("%s: getlk %s\n", who, errname(errno));
		return;
	}
	if (fl.l_type == F_UNLCK) {
		printf("%s: [%ld,+%ld) free\n", who, (long)start, (long)len);
		return;
	}
	printf("%s: [%ld,+%ld) held %s start=%ld len=%ld pid=%s\n", who, (long)start, (long)len,
	       fl.l_type == F_WRLCK ? "W" : "R", (long)fl.l_start, (long)fl.l_len,
	       fl.l_pid == expect_pid ? "holder" : fl.l_pid == -1 ? "-1" : "other");
}

/* One-byte handshakes over a pipe pair. */
static int lk_p2c[2], lk_c2p[2];
static inline void lk_pipes(void)
{
	if (pipe(lk_p2c) || pipe(lk_c2p))
		exit(1);
}
static inline void lk_tell(int fd)
{
	char c = 1;

	if (write(fd, &c, 1) != 1)
		exit(1);
}
static inline void lk_wait(int fd)
{
	char c;

	if (read(fd, &c, 1) != 1)
		exit(1);
}
#endif
