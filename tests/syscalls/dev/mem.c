/* /dev/null, /dev/zero and /dev/full: reads (EOF, zeros), writes
 * (swallowed, ENOSPC on full), seeks (always 0), the nodes' types and
 * numbers, poll, ioctl ENOTTY, and mmap of /dev/zero (shared between
 * processes, private copy-on-write) while /dev/null cannot be mapped. */
#include "../common.h"
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static void node(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		printf("%s: %s\n", path, errname(errno));
		return;
	}
	printf("%s: chr %d mode %o rdev %u:%u\n", path, S_ISCHR(st.st_mode), st.st_mode & 07777,
	       major(st.st_rdev), minor(st.st_rdev));
}

int main(void)
{
	char buf[100000];
	int fd, zero, all = 1;
	struct pollfd pf;

	node("/dev/null");
	node("/dev/zero");
	node("/dev/full");

	fd = open("/dev/null", O_RDWR);
	SHOW(read(fd, buf, sizeof(buf)));
	SHOW(write(fd, buf, sizeof(buf)));
	SHOW(lseek(fd, 1234, SEEK_SET));
	SHOW(lseek(fd, 5, SEEK_END));
	SHOW(ioctl(fd, TCGETS, buf));
	pf = (struct pollfd){ .fd = fd, .events = POLLIN | POLLOUT };
	SHOW(poll(&pf, 1, 0));
	printf("revents %#x\n", pf.revents);
	SHOW((long)mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0) == -1 ? -1 : 0);
	close(fd);

	zero = open("/dev/zero", O_RDWR);
	memset(buf, 'x', sizeof(buf));
	SHOW(read(zero, buf, sizeof(buf)));
	for (size_t i = 0; i < sizeof(buf); i++)
		all &= buf[i] == 0;
	printf("all zero %d\n", all);
	SHOW(write(zero, buf, 100));
	SHOW(lseek(zero, 100, SEEK_SET));

	/* A shared mapping of /dev/zero is shared memory across fork. */
	char *sh = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, zero, 0);
	char *pr = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, zero, 0);
	printf("mapped %d %d, zero %d %d\n", sh != MAP_FAILED, pr != MAP_FAILED, sh[100], pr[5000]);
	pid_t pid = fork();
	if (pid == 0) {
		sh[0] = 'S';
		pr[0] = 'P';
		_exit(0);
	}
	reap(pid, "writer");
	printf("shared sees %c, private sees %d\n", sh[0], pr[0]);

	fd = open("/dev/full", O_RDWR);
	SHOW(write(fd, "x", 1));
	SHOW(read(fd, buf, 10));
	SHOW(lseek(fd, 7, SEEK_CUR));
	close(fd);
	fd = open("/dev/full", O_WRONLY | O_APPEND);
	SHOW(write(fd, "y", 1));
	return 0;
}
