/* memfds are unlinked tmpfs inodes: nlink 0, fallocate and SEEK_DATA as on
 * tmpfs, seals that also stop fallocate and truncation, record locks. */
#include "../common.h"
#include <fcntl.h>
#include <linux/falloc.h>
#include <sys/mman.h>
#include <sys/stat.h>

static void st(int fd)
{
	struct stat s;

	fstat(fd, &s);
	printf("nlink=%ld size=%ld blocks=%ld mode=%o\n", (long)s.st_nlink, (long)s.st_size,
	       (long)s.st_blocks, s.st_mode);
}

int main(void)
{
	int fd = memfd_create("m", MFD_ALLOW_SEALING);
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_len = 10 };
	char link[64];
	ssize_t n;

	st(fd);
	SHOW(fallocate(fd, 0, 0, 8192));
	st(fd);
	SHOW(lseek(fd, 0, SEEK_DATA));
	SHOW(pwrite(fd, "d", 1, 4096));
	SHOW(lseek(fd, 0, SEEK_DATA));
	SHOW(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4096));
	st(fd);
	SHOW(fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 4096));
	SHOW(fallocate(fd, FALLOC_FL_ZERO_RANGE, 0, 4096));
	SHOW(fcntl(fd, F_SETLK, &fl));
	SHOW(fcntl(fd, F_GETLK, &fl));
	SHOW(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW));
	SHOW(fallocate(fd, 0, 0, 100000));
	SHOW(fallocate(fd, 0, 0, 100));
	SHOW(ftruncate(fd, 100000));
	SHOW(ftruncate(fd, 100));
	SHOW(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_WRITE));
	SHOW(ftruncate(fd, 10));
	SHOW(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 10));
	SHOW(write(fd, "x", 1));
	st(fd);
	n = readlink("/proc/self/fd/3", link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = 0;
	printf("fd link %s\n", link);
	return 0;
}
