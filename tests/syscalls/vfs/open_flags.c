/* open(2) flags: O_APPEND, O_TRUNC, O_DIRECTORY, access modes, F_GETFL. */
#include "vfs.h"

int main(void)
{
	char buf[32];
	int fd;

	scratch_enter();
	put_file("f", "0123456789", 0644);
	SHOWOK(mkdir("d", 0755));
	fd = open("f", O_WRONLY | O_APPEND);
	SHOW(lseek(fd, 0, SEEK_SET));
	SHOW(write(fd, "ab", 2));
	SHOW(lseek(fd, 0, SEEK_CUR));
	SHOW(pwrite(fd, "Z", 1, 0));
	SHOW(fcntl(fd, F_GETFL));
	close(fd);
	printf("f: %s\n", get_file("f"));
	fd = open("f", O_RDONLY | O_TRUNC);
	SHOWOK(fd);
	close(fd);
	show_mode("f");
	SHOW(open("f", O_RDONLY | O_DIRECTORY));
	SHOW(open("d", O_WRONLY));
	SHOW(open("d", O_RDWR));
	SHOW(open("d", O_RDONLY | O_TRUNC));
	fd = open("d", O_RDONLY);
	SHOW(read(fd, buf, 1));
	SHOW(write(fd, buf, 1));
	SHOW(fcntl(fd, F_GETFL));
	close(fd);
	fd = open("f", O_RDWR | O_CREAT | O_NOATIME, 0644);
	SHOW(fcntl(fd, F_GETFL));
	SHOW(write(fd, "hello", 5));
	SHOW(pread(fd, buf, 5, 0));
	SHOW(lseek(fd, 0, SEEK_END));
	SHOW(lseek(fd, 10, SEEK_END));
	SHOW(write(fd, "x", 1));
	show_mode("f");
	SHOW(lseek(fd, -100, SEEK_SET));
	SHOW(lseek(fd, 0, 7));
	close(fd);
	fd = open("f", O_WRONLY);
	SHOW(read(fd, buf, 1));
	SHOW(fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK));
	SHOW(fcntl(fd, F_GETFL));
	close(fd);
	fd = creat("c", 0600);
	SHOW(fcntl(fd, F_GETFL));
	close(fd);
	SHOW(open("f", O_RDONLY | O_CREAT | O_EXCL, 0644));
	SHOW(open("f", 3));
	scratch_leave();
	return 0;
}
