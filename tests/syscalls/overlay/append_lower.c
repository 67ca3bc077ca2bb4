/* O_APPEND on a lower file: the copy-up keeps the data and writes land
 * at the end; lseek and fstat follow the upper copy. */
#include "ovl.h"

int main(void)
{
	struct stat s;
	int fd;

	ovl_setup();
	put(P(L, "log"), "line1\n");
	ovl_mount();

	fd = open(P(M, "log"), O_WRONLY | O_APPEND);
	SHOWOK(fd);
	SHOW(lseek(fd, 0, SEEK_CUR));
	SHOW(write(fd, "line2\n", 6));
	SHOW(lseek(fd, 0, SEEK_CUR));
	SHOW(lseek(fd, 0, SEEK_SET));
	SHOW(write(fd, "line3\n", 6));
	SHOW(lseek(fd, 0, SEEK_CUR));
	fstat(fd, &s);
	printf("fstat size %lld\n", (long long)s.st_size);
	/* Dropping O_APPEND with fcntl: writes go to the position. */
	SHOWOK(fcntl(fd, F_SETFL, 0));
	SHOW(lseek(fd, 0, SEEK_SET));
	SHOW(write(fd, "LINE", 4));
	close(fd);
	cat("merged", P(M, "log"));
	cat("lower", P(L, "log"));

	fd = open(P(M, "new"), O_WRONLY | O_APPEND | O_CREAT, 0600);
	SHOW(write(fd, "a", 1));
	SHOW(pwrite(fd, "b", 1, 0));
	close(fd);
	cat("new", P(M, "new"));
	ovl_cleanup();
	return 0;
}
