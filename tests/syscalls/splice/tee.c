/* tee(2): duplicate pipe contents without consuming them; both ends must
 * be pipes (different ones); empty pipes wait, or fail EAGAIN when asked
 * not to, and give 0 once no writer is left. */
#include "../common.h"
#include <fcntl.h>
#include <sys/mman.h>

int main(void)
{
	int a[2], b[2], fd;
	char out[64] = { 0 };

	SHOW(pipe(a));
	SHOW(pipe(b));
	SHOW(write(a[1], "hello world", 11));
	SHOW(tee(a[0], b[1], 5, 0));
	SHOW(tee(a[0], b[1], 100, 0));
	SHOW(read(b[0], out, sizeof(out)));
	printf("b=%.16s\n", out);
	memset(out, 0, sizeof(out));
	SHOW(read(a[0], out, sizeof(out)));
	printf("a=%s\n", out);
	SHOW(tee(a[0], b[1], 5, SPLICE_F_NONBLOCK));
	SHOW(fcntl(a[0], F_SETFL, O_NONBLOCK));
	SHOW(tee(a[0], b[1], 5, 0));
	SHOW(fcntl(a[0], F_SETFL, 0));
	SHOW(tee(a[0], b[1], 0, 0));
	SHOW(tee(a[0], b[1], 5, 0x20));
	SHOW(tee(a[0], a[1], 5, 0));
	SHOW(tee(a[1], b[1], 5, 0));
	SHOW(tee(a[0], b[0], 5, 0));
	SHOW(tee(-1, b[1], 5, 0));
	fd = memfd_create("m", 0);
	SHOW(tee(fd, b[1], 5, 0));
	SHOW(tee(a[0], fd, 5, 0));
	close(a[1]);
	SHOW(tee(a[0], b[1], 5, 0));
	/* No reader on the output: EPIPE (SIGPIPE ignored). */
	signal(SIGPIPE, SIG_IGN);
	SHOW(pipe(a));
	SHOW(write(a[1], "z", 1));
	close(b[0]);
	SHOW(tee(a[0], b[1], 5, 0));
	return 0;
}
