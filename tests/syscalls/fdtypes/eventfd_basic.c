/* eventfd: counter semantics, semaphore mode, short buffers, overflow,
 * nonblocking reads and poll readiness. */
#include "../common.h"
#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>

static void rd(int fd, size_t len)
{
	uint64_t v = 0;
	char buf[16];
	ssize_t r = read(fd, buf, len);

	if (r >= 8)
		memcpy(&v, buf, 8);
	printf("read(%zu) = %zd %s val=%llu\n", len, r, r < 0 ? errname(errno) : "",
	       (unsigned long long)v);
}

static void wr(int fd, uint64_t v, size_t len)
{
	char buf[16] = { 0 };
	ssize_t r;

	memcpy(buf, &v, 8);
	r = write(fd, buf, len);
	printf("write(%llx, %zu) = %zd %s\n", (unsigned long long)v, len, r,
	       r < 0 ? errname(errno) : "");
}

static void pl(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };
	int r = poll(&p, 1, 0);

	printf("poll = %d revents=%#x\n", r, p.revents);
}

int main(void)
{
	int fd = eventfd(5, EFD_NONBLOCK);

	printf("fcntl GETFL nonblock=%d\n", !!(fcntl(fd, F_GETFL) & O_NONBLOCK));
	printf("cloexec=%d\n", fcntl(fd, F_GETFD));
	pl(fd);
	rd(fd, 8);
	rd(fd, 8);
	pl(fd);
	rd(fd, 4);
	wr(fd, 1, 4);
	wr(fd, 3, 8);
	wr(fd, 4, 16);
	rd(fd, 16);
	wr(fd, ~0ULL, 8);
	wr(fd, 0xfffffffffffffffeULL, 8);
	pl(fd);
	wr(fd, 1, 8);
	wr(fd, 0, 8);
	rd(fd, 8);
	close(fd);

	fd = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
	printf("cloexec=%d\n", fcntl(fd, F_GETFD));
	rd(fd, 8);
	rd(fd, 8);
	rd(fd, 8);
	rd(fd, 8);
	close(fd);

	errno = 0;
	printf("bad flags: %d %s\n", eventfd(0, 0x1000), errname(errno));
	printf("syscall eventfd: %s\n", syscall(SYS_eventfd, 7) >= 0 ? "ok" : errname(errno));

	/* Blocking read woken by a child's write. */
	fd = eventfd(0, 0);
	if (fork() == 0) {
		uint64_t v = 42;

		usleep(50000);
		write(fd, &v, 8);
		_exit(0);
	}
	rd(fd, 8);
	wait(NULL);
	/* Blocking write woken by a read. */
	wr(fd, 0xfffffffffffffff0ULL, 8);
	if (fork() == 0) {
		uint64_t v;

		usleep(50000);
		read(fd, &v, 8);
		_exit(0);
	}
	wr(fd, 0x20, 8);
	wait(NULL);
	rd(fd, 8);
	return 0;
}
