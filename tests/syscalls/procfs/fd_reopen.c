/* Opening /proc/self/fd/N of files without a path: the pipe's read and
 * write ends reach the same pipe, a socket is ENXIO, a deleted file is
 * still reachable. */
#include "procutil.h"
#include <sys/socket.h>
#include <sys/eventfd.h>

static char tmpl[] = "/tmp/fdrXXXXXX";

static int reopen(int fd, int flags)
{
	char p[64];

	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	return open(p, flags);
}

int main(void)
{
	int p[2], s[2], r, w;
	char buf[16] = { 0 };

	pipe(p);
	r = reopen(p[0], O_RDONLY);
	w = reopen(p[1], O_WRONLY);
	printf("reopen read end: %s\n", r >= 0 ? "ok" : errname(errno));
	printf("reopen write end: %s\n", w >= 0 ? "ok" : errname(errno));
	printf("write via reopened: %zd\n", write(w, "abc", 3));
	printf("read via original: %zd\n", read(p[0], buf, 2));
	write(p[1], "de", 2);
	printf("read via reopened: %zd\n", read(r, buf, sizeof(buf) - 1));
	close(r);
	close(w);
	close(p[1]);
	printf("eof after writers closed: %zd\n", read(p[0], buf, sizeof(buf)));
	socketpair(AF_UNIX, SOCK_STREAM, 0, s);
	SHOW(reopen(s[0], O_RDWR));
	{
		char path[128];
		int fd, fd2;

		if (!mkdtemp(tmpl))
			return 1;
		snprintf(path, sizeof(path), "%s/f", tmpl);
		fd = open(path, O_CREAT | O_RDWR, 0600);
		write(fd, "hello", 5);
		unlink(path);
		fd2 = reopen(fd, O_RDONLY);
		memset(buf, 0, sizeof(buf));
		printf("deleted file reopened: %zd [%s]\n", read(fd2, buf, sizeof(buf) - 1), buf);
		rmdir(tmpl);
	}
	return 0;
}
