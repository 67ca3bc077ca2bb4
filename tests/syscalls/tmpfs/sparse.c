/* Sparse tmpfs files: holes take no blocks and read as zeros, SEEK_DATA and
 * SEEK_HOLE walk them, fallocate allocates or punches, truncate frees. */
#include "tmpfsutil.h"
#include <linux/falloc.h>

static void blocks(int fd)
{
	struct stat s;

	fstat(fd, &s);
	printf("size=%ld blocks=%ld\n", (long)s.st_size, (long)s.st_blocks);
}

static void body(const char *dir)
{
	char p[128], buf[8];
	int fd;

	tf_path(p, sizeof(p), "s");
	fd = open(p, O_CREAT | O_RDWR, 0644);
	SHOW(pwrite(fd, "a", 1, 0));
	SHOW(pwrite(fd, "b", 1, 1 << 20));
	SHOW(pwrite(fd, "c", 1, (1 << 20) + 8192 + 5));
	blocks(fd);
	SHOW(lseek(fd, 0, SEEK_DATA));
	SHOW(lseek(fd, 0, SEEK_HOLE));
	SHOW(lseek(fd, 100, SEEK_HOLE));
	SHOW(lseek(fd, 5000, SEEK_DATA));
	SHOW(lseek(fd, (1 << 20) + 10, SEEK_DATA));
	SHOW(lseek(fd, (1 << 20) + 10, SEEK_HOLE));
	SHOW(lseek(fd, (1 << 20) + 4096, SEEK_DATA));
	SHOW(lseek(fd, (1 << 20) + 8192 + 5, SEEK_HOLE));
	SHOW(lseek(fd, (1 << 20) + 8192 + 6, SEEK_DATA));
	SHOW(lseek(fd, (1 << 20) + 8192 + 6, SEEK_HOLE));
	SHOW(lseek(fd, -1, SEEK_DATA));
	SHOW(pread(fd, buf, 4, 4096));
	printf("hole bytes %d %d %d %d\n", buf[0], buf[1], buf[2], buf[3]);
	blocks(fd);
	SHOW(fallocate(fd, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE, 1 << 20, 4096));
	blocks(fd);
	SHOW(lseek(fd, 4096, SEEK_DATA));
	SHOW(fallocate(fd, 0, 8192, 8192));
	blocks(fd);
	SHOW(lseek(fd, 4096, SEEK_DATA));
	SHOW(fallocate(fd, FALLOC_FL_KEEP_SIZE, (2 << 20), 4096));
	blocks(fd);
	SHOW(fallocate(fd, 0, (2 << 20), 4096));
	blocks(fd);
	SHOW(fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 4096));
	SHOW(fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, 0, 4096));
	SHOW(fallocate(fd, 0, 0, 0));
	SHOW(fallocate(fd, 0, -1, 10));
	SHOW(ftruncate(fd, 4096));
	blocks(fd);
	SHOW(ftruncate(fd, 1));
	SHOW(ftruncate(fd, 4096));
	SHOW(pread(fd, buf, 2, 0));
	printf("after shrink+grow: %c %d\n", buf[0], buf[1]);
	blocks(fd);
}

int main(void)
{
	return tf_run("size=16m", body);
}
