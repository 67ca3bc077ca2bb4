/* dup/dup2/dup3/fcntl: lowest free descriptor, dup2 onto itself, dup3
 * flags and EINVAL for same fd, F_DUPFD minimum, close-on-exec flags,
 * shared file offset between duplicates, EBADF on closed fds. */
#include "../common.h"
#include <fcntl.h>

int main(void)
{
	int fd = open(data_path("small.txt"), O_RDONLY);
	int d, e;
	char buf[8] = "";

	EXPECT(fd == 3);
	d = dup(fd);
	printf("dup -> %d\n", d);
	SHOW(dup2(fd, fd));
	SHOW(dup2(fd, 10));
	SHOW(dup3(fd, 10, 0));
	SHOW(dup3(fd, fd, 0));
	SHOW(dup3(fd, 11, 0x1234));
	SHOW(dup3(fd, 11, O_CLOEXEC));
	SHOW(fcntl(11, F_GETFD));
	SHOW(fcntl(10, F_GETFD));
	SHOW(fcntl(fd, F_DUPFD, 7));
	SHOW(fcntl(fd, F_DUPFD_CLOEXEC, 7));
	SHOW(fcntl(8, F_GETFD));
	SHOW(fcntl(fd, F_SETFD, FD_CLOEXEC));
	SHOW(fcntl(fd, F_GETFD));
	SHOW(fcntl(fd, F_GETFL) & O_ACCMODE);
	/* Offsets are shared by duplicates. */
	read(fd, buf, 5);
	SHOW(lseek(d, 0, SEEK_CUR));
	read(d, buf, 2);
	printf("read via dup: %.2s\n", buf);
	close(d);
	SHOW(close(d));
	SHOW(dup(d));
	SHOW(dup2(d, 20));
	SHOW(dup2(fd, -1));
	SHOW(fcntl(d, F_GETFD));
	SHOW(fcntl(fd, F_DUPFD, -1));
	SHOW(fcntl(fd, 9999));
	/* After closing 4 the next dup reuses it. */
	e = dup(fd);
	printf("reuse -> %d\n", e);
	SHOW(fcntl(fd, F_SETFL, O_NONBLOCK));
	SHOW(!!(fcntl(fd, F_GETFL) & O_NONBLOCK));
	SHOW(!!(fcntl(e, F_GETFL) & O_NONBLOCK));
	return 0;
}
