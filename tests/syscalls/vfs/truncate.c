/* truncate, ftruncate and fallocate. */
#include "vfs.h"
#include <linux/falloc.h>

int main(void)
{
	char buf[16];
	int fd, ro;

	scratch_enter();
	put_file("f", "hello world", 0644);
	SHOWOK(truncate("f", 5));
	printf("f: %s\n", get_file("f"));
	SHOWOK(truncate("f", 8));
	fd = open("f", O_RDWR);
	SHOW(read(fd, buf, sizeof(buf)));
	printf("tail zero: %s\n", buf[5] == 0 && buf[7] == 0 ? "yes" : "no");
	SHOWOK(ftruncate(fd, 2));
	show_mode("f");
	SHOW(ftruncate(fd, -1));
	SHOW(truncate("f", -1));
	SHOWOK(mkdir("d", 0755));
	SHOW(truncate("d", 0));
	SHOW(truncate("missing", 0));
	ro = open("f", O_RDONLY);
	SHOW(ftruncate(ro, 0));
	SHOW(fallocate(ro, 0, 0, 10));
	SHOWOK(fallocate(fd, 0, 0, 100));
	show_mode("f");
	SHOWOK(fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 1000));
	show_mode("f");
	SHOW(fallocate(fd, 0, -1, 10));
	SHOW(fallocate(fd, 0, 0, 0));
	SHOW(fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 10));
	SHOWOK(pwrite(fd, "abcdefghij", 10, 0));
	SHOWOK(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 2, 4));
	memset(buf, 'x', sizeof(buf));
	SHOW(pread(fd, buf, 10, 0));
	for (int i = 0; i < 10; i++)
		putchar(buf[i] ? buf[i] : '0');
	putchar('\n');
	show_mode("f");
	{
		int dfd = open("d", O_RDONLY);

		SHOW(fallocate(dfd, 0, 0, 10));
		close(dfd);
	}
	{
		int p[2];

		pipe(p);
		SHOW(fallocate(p[1], 0, 0, 10));
	}
	close(fd);
	close(ro);
	scratch_leave();
	return 0;
}
