/* Truncation on tmpfs: shrinking drops data (growing back reads zeros,
 * also through a mapping), open(O_TRUNC) empties, and the block count
 * follows. */
#include "tmpfsutil.h"
#include <sys/mman.h>

static void show(int fd)
{
	struct stat s;

	fstat(fd, &s);
	printf("size=%ld blocks=%ld\n", (long)s.st_size, (long)s.st_blocks);
}

static void body(const char *dir)
{
	char p[128], buf[8200];
	char *m;
	int fd;

	tf_path(p, sizeof(p), "t");
	fd = open(p, O_CREAT | O_RDWR, 0644);
	memset(buf, 'q', sizeof(buf));
	SHOW(write(fd, buf, 8200));
	show(fd);
	m = mmap(NULL, 12288, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	SHOW(m != MAP_FAILED);
	SHOW(ftruncate(fd, 10));
	show(fd);
	SHOW(ftruncate(fd, 8200));
	show(fd);
	SHOW(pread(fd, buf, 8200, 0));
	printf("byte9=%c byte10=%d byte5000=%d byte8199=%d\n", buf[9], buf[10], buf[5000], buf[8199]);
	printf("mapped byte9=%c byte10=%d\n", m[9], m[10]);
	m[4096] = 'M';
	SHOW(pread(fd, buf, 1, 4096));
	printf("via read %c\n", buf[0]);
	close(fd);
	fd = open(p, O_RDWR | O_TRUNC);
	show(fd);
	SHOW(truncate(p, 3));
	show(fd);
	SHOW(truncate(p, -1));
	SHOW(truncate(dir, 0));
	munmap(m, 12288);
	close(fd);
}

int main(void)
{
	return tf_run("size=1m", body);
}
