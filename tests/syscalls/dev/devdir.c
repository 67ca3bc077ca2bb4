/* The /dev directory: the standard links (fd, stdin, stdout, stderr)
 * and what they lead to, the terminal nodes (tty 5:0, console 5:1, ptmx
 * 5:2), pts/ and shm/ directories, and a nonexistent name. */
#include "../common.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static void link_(const char *path)
{
	char buf[256];
	long n = readlink(path, buf, sizeof(buf) - 1);

	if (n < 0) {
		printf("%s: %s\n", path, errname(errno));
		return;
	}
	buf[n] = 0;
	printf("%s -> %s\n", path, buf);
}

static void node(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		printf("%s: %s\n", path, errname(errno));
		return;
	}
	printf("%s: type %o perm %o rdev %u:%u\n", path, st.st_mode & S_IFMT, st.st_mode & 07777,
	       major(st.st_rdev), minor(st.st_rdev));
}

int main(void)
{
	link_("/dev/fd");
	link_("/dev/stdin");
	link_("/dev/stdout");
	link_("/dev/stderr");
	node("/dev/tty");
	node("/dev/console");
	node("/dev/ptmx");
	node("/dev/pts");
	node("/dev/shm");
	node("/dev/nonexistent");
	return 0;
}
