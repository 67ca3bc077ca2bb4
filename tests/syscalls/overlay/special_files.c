/* FIFOs, sockets' names, device nodes and symlinks from the lower layer
 * work through the overlay; symlinks resolve inside it. */
#include "ovl.h"
#include <sys/socket.h>
#include <sys/un.h>

int main(void)
{
	char buf[64];
	ssize_t n;
	int fd, r, w;

	ovl_setup();
	mkfifo(P(L, "fifo"), 0644);
	mknod(P(L, "null"), S_IFCHR | 0666, makedev(1, 3));
	symlink("dir/target", P(L, "rel"));
	mkdir(P(L, "dir"), 0755);
	put(P(L, "dir/target"), "pointed to");
	symlink("/nonexistent-ovl-target", P(L, "dangling"));
	ovl_mount();

	st("fifo", P(M, "fifo"));
	st("null", P(M, "null"));
	st("rel", P(M, "rel"));
	n = readlink(P(M, "rel"), buf, sizeof(buf));
	printf("rel -> %.*s\n", (int)(n < 0 ? 0 : n), buf);
	cat("through rel", P(M, "rel"));
	SHOW(open(P(M, "dangling"), O_RDONLY));

	/* The FIFO works as a pipe; it stays in the lower layer. */
	r = open(P(M, "fifo"), O_RDONLY | O_NONBLOCK);
	w = open(P(M, "fifo"), O_WRONLY);
	SHOWOK(r);
	SHOWOK(w);
	SHOW(write(w, "pipe", 4));
	memset(buf, 0, sizeof(buf));
	SHOW(read(r, buf, sizeof(buf)));
	printf("fifo: [%s]\n", buf);
	close(r);
	close(w);
	EXPECT(access(P(U, "fifo"), F_OK) < 0);

	fd = open(P(M, "null"), O_WRONLY);
	SHOW(write(fd, "gone", 4));
	close(fd);
	EXPECT(access(P(U, "null"), F_OK) < 0);

	/* A socket bound in a merged directory. */
	{
		struct sockaddr_un a = { .sun_family = AF_UNIX };
		int s = socket(AF_UNIX, SOCK_STREAM, 0);

		snprintf(a.sun_path, sizeof(a.sun_path), "%s", P(M, "dir/sock"));
		SHOWOK(bind(s, (struct sockaddr *)&a, sizeof(a)));
		st("sock", P(M, "dir/sock"));
		st("upper sock", P(U, "dir/sock"));
		close(s);
	}
	/* Copying up a device node: chmod keeps its numbers. */
	SHOWOK(chmod(P(M, "null"), 0600));
	st("upper null", P(U, "null"));
	SHOWOK(chmod(P(M, "fifo"), 0600));
	st("upper fifo", P(U, "fifo"));
	ovl_cleanup();
	return 0;
}
