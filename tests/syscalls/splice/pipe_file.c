/* splice(2) between a regular file (a memfd) and pipes: offsets pointers
 * and the file position, which end may be a pipe, and the error cases. */
#include "../common.h"
#include <fcntl.h>
#include <sys/mman.h>

static char buf[70000];

int main(void)
{
	int p[2], q[2], fd, fa;
	loff_t off;
	char out[64] = { 0 };

	fd = memfd_create("src", 0);
	for (int i = 0; i < (int)sizeof(buf); i++)
		buf[i] = 'a' + i % 26;
	SHOW(write(fd, buf, sizeof(buf)));
	SHOW(pipe(p));
	SHOW(pipe(q));

	/* File -> pipe at an offset: the file position stays. */
	off = 3;
	SHOW(lseek(fd, 10, SEEK_SET));
	SHOW(splice(fd, &off, p[1], NULL, 5, 0));
	printf("off=%lld pos=%lld\n", (long long)off, (long long)lseek(fd, 0, SEEK_CUR));
	SHOW(read(p[0], out, sizeof(out)));
	printf("got=%.5s\n", out);
	/* Without an offset the position moves. */
	SHOW(splice(fd, NULL, p[1], NULL, 4, 0));
	printf("pos=%lld\n", (long long)lseek(fd, 0, SEEK_CUR));
	/* Pipe -> file at an offset. */
	fa = memfd_create("dst", 0);
	off = 100;
	SHOW(splice(p[0], NULL, fa, &off, 100, 0));
	printf("off=%lld size=%lld\n", (long long)off, (long long)lseek(fa, 0, SEEK_END));
	SHOW(pread(fa, out, 4, 100));
	printf("got=%.4s\n", out);
	/* A big request moves only what the pipe holds (64 KiB). */
	SHOW(splice(fd, NULL, p[1], NULL, sizeof(buf), 0));
	SHOW(splice(p[0], NULL, q[1], NULL, 1000, 0));
	SHOW(splice(q[0], NULL, fa, NULL, 1 << 20, 0));
	SHOW(lseek(fa, 0, SEEK_CUR));
	/* Errors. */
	SHOW(splice(fd, NULL, p[1], NULL, 0, 0));
	SHOW(splice(-1, NULL, p[1], NULL, 0, 0));
	SHOW(splice(-1, NULL, p[1], NULL, 1, 0));
	SHOW(splice(fd, NULL, p[1], NULL, 1, 0x10));
	SHOW(splice(fd, NULL, fa, NULL, 1, 0));
	off = 0;
	SHOW(splice(p[0], &off, fa, NULL, 1, 0));
	SHOW(splice(fd, NULL, p[1], &off, 1, 0));
	SHOW(splice(p[0], NULL, p[1], NULL, 1, 0));
	SHOW(splice(p[1], NULL, fa, NULL, 1, 0));
	SHOW(splice(fd, NULL, p[0], NULL, 1, 0));
	off = -1;
	SHOW(splice(fd, &off, p[1], NULL, 1, 0));
	SHOW(splice(fd, (loff_t *)8, p[1], NULL, 1, 0));
	/* The pipe is full of spliced buffers, which a write never joins:
	 * drain it first. */
	SHOW(splice(p[0], NULL, fa, NULL, 1 << 20, 0));
	SHOW(write(p[1], "x", 1));
	SHOW(fcntl(fa, F_SETFL, O_APPEND));
	SHOW(splice(p[0], NULL, fa, NULL, 1, 0));
	/* Past the end of the file: nothing to move. */
	off = 1 << 20;
	SHOW(splice(fd, &off, p[1], NULL, 1, SPLICE_F_NONBLOCK));
	return 0;
}
