/* splice between AF_UNIX stream sockets and pipes: socket -> pipe takes
 * what the socket holds (waiting only for the first byte, or EAGAIN with
 * SPLICE_F_NONBLOCK), pipe -> socket writes it on; offsets on a socket
 * are EINVAL, sendfile reads a socket but not a pipe, and a shut-down
 * socket gives 0. */
#include "../common.h"
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

int main(void)
{
	int a[2], b[2], p[2];
	char buf[64] = { 0 };
	loff_t off = 0;
	pid_t pid;

	SHOW(socketpair(AF_UNIX, SOCK_STREAM, 0, a));
	SHOW(socketpair(AF_UNIX, SOCK_STREAM, 0, b));
	SHOW(pipe(p));
	SHOW(splice(a[1], NULL, p[1], NULL, 100, SPLICE_F_NONBLOCK));
	SHOW(write(a[0], "over the socket", 15));
	SHOW(splice(a[1], NULL, p[1], NULL, 100, 0));
	SHOW(splice(p[0], NULL, b[0], NULL, 100, 0));
	SHOW(read(b[1], buf, sizeof(buf)));
	printf("got %s\n", buf);
	SHOW(splice(a[1], &off, p[1], NULL, 10, 0));
	SHOW(splice(p[0], NULL, b[0], &off, 10, 0));
	pid = fork();
	if (pid == 0) {
		sleep_ms(200);
		write(a[0], "late", 4);
		_exit(0);
	}
	SHOW(splice(a[1], NULL, p[1], NULL, 100, 0));
	reap(pid, "writer");
	SHOW(sendfile(b[0], p[0], NULL, 10));
	SHOW(read(p[0], buf, sizeof(buf)));
	SHOW(write(a[0], "xyz", 3));
	SHOW(sendfile(p[1], a[1], NULL, 10));
	SHOW(read(p[0], buf, sizeof(buf)));
	SHOW(shutdown(a[0], SHUT_WR));
	SHOW(splice(a[1], NULL, p[1], NULL, 100, 0));
	return 0;
}
