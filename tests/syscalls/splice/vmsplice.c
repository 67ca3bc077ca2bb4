/* vmsplice(2): user memory into a pipe's write end, or out of its read
 * end; flags, iovec checks and which files are accepted. */
#include "../common.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/uio.h>

int main(void)
{
	int p[2], fd;
	char a[] = "abc", b[] = "defgh", r1[4] = { 0 }, r2[16] = { 0 };
	struct iovec iov[2] = { { a, 3 }, { b, 5 } };
	struct iovec rv[2] = { { r1, 2 }, { r2, 16 } };
	static struct iovec many[1025];

	SHOW(pipe(p));
	SHOW(vmsplice(p[1], iov, 2, 0));
	SHOW(vmsplice(p[0], rv, 2, 0));
	printf("r1=%.2s r2=%s\n", r1, r2);
	SHOW(vmsplice(p[0], rv, 2, SPLICE_F_NONBLOCK));
	SHOW(vmsplice(p[1], iov, 0, 0));
	SHOW(vmsplice(p[1], iov, 2, 0x40));
	SHOW(vmsplice(p[1], many, 1025, 0));
	SHOW(vmsplice(p[1], many, 1024, 0));
	SHOW(vmsplice(p[1], (struct iovec *)8, 1, 0));
	SHOW(vmsplice(-1, iov, 1, 0));
	fd = memfd_create("m", 0);
	SHOW(vmsplice(fd, iov, 1, 0));
	/* Fill the pipe (one buffer per page of user memory): the next
	 * vmsplice would wait, SPLICE_F_NONBLOCK makes it EAGAIN. */
	{
		static char big[65536] __attribute__((aligned(4096)));
		struct iovec bv = { big + 100, sizeof(big) - 100 };
		struct iovec two[2] = { { big, 10 }, { big + 8192, 10 } };

		SHOW(vmsplice(p[1], two, 2, 0));
		SHOW(vmsplice(p[1], &bv, 1, 0));
		SHOW(vmsplice(p[1], iov, 1, SPLICE_F_NONBLOCK));
	}
	close(p[1]);
	{
		static char sink[70000];
		struct iovec sv = { sink, sizeof(sink) };

		SHOW(vmsplice(p[0], &sv, 1, 0));
		SHOW(vmsplice(p[0], &sv, 1, 0));
		SHOW(vmsplice(p[0], &sv, 1, 0));
	}
	return 0;
}
