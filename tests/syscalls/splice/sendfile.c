/* sendfile(2): file to file, file to pipe, the offset pointer and the
 * input position, and the rules on which files may be used. */
#include "../common.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>

int main(void)
{
	int in, out, p[2];
	off_t off;
	char buf[64] = { 0 };

	in = memfd_create("in", 0);
	out = memfd_create("out", 0);
	SHOW(write(in, "0123456789abcdef", 16));
	SHOW(pipe(p));
	off = 4;
	SHOW(sendfile(out, in, &off, 6));
	printf("off=%lld inpos=%lld outpos=%lld\n", (long long)off,
	       (long long)lseek(in, 0, SEEK_CUR), (long long)lseek(out, 0, SEEK_CUR));
	SHOW(lseek(in, 10, SEEK_SET));
	SHOW(sendfile(out, in, NULL, 100));
	printf("inpos=%lld\n", (long long)lseek(in, 0, SEEK_CUR));
	SHOW(pread(out, buf, sizeof(buf), 0));
	printf("out=%s\n", buf);
	SHOW(sendfile(out, in, NULL, 100));
	off = 0;
	SHOW(sendfile(p[1], in, &off, 3));
	memset(buf, 0, sizeof(buf));
	SHOW(read(p[0], buf, sizeof(buf)));
	printf("pipe=%s\n", buf);
	/* Errors. */
	SHOW(sendfile(out, p[0], NULL, 1));
	SHOW(sendfile(out, p[0], &off, 1));
	SHOW(sendfile(out, p[1], NULL, 1));
	SHOW(sendfile(p[0], in, NULL, 1));
	SHOW(sendfile(-1, in, NULL, 1));
	SHOW(sendfile(out, -1, NULL, 1));
	off = -1;
	SHOW(sendfile(out, in, &off, 1));
	SHOW(sendfile(out, in, (off_t *)8, 1));
	SHOW(fcntl(out, F_SETFL, O_APPEND));
	off = 0;
	SHOW(sendfile(out, in, &off, 1));
	SHOW(sendfile(out, in, &off, 0));
	return 0;
}
