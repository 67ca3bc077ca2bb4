/* Shared-mapping write-back seen from the host while the container runs
 * (tests/e2e/gofer.sh): stores then msync, stores then munmap (the file
 * still open), each followed by a flag file the host waits for, then the
 * process sleeps until it is killed.
 *   gofer_mmap FILE FLAGDIR */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void flag(const char *dir, const char *name)
{
	char p[512];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_WRONLY | O_CREAT, 0644);
	close(fd);
}

int main(int argc, char **argv)
{
	char *m;
	int fd;

	if (argc != 3)
		return 2;
	fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, 8192) < 0)
		return 1;
	m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return 1;
	memcpy(m, "msync-data", 10);
	if (msync(m, 8192, MS_SYNC) < 0)
		return 1;
	flag(argv[2], "m1.flag");
	memcpy(m + 4096, "munmap-data", 11);
	if (munmap(m, 8192) < 0)
		return 1;
	flag(argv[2], "m2.flag");
	for (;;)
		pause();
}
