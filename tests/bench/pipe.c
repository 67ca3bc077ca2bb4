/* pipe-pingpong-4k: parent and child bounce 4 KiB over two pipes; one
 * round trip (two writes, two reads, two wake-ups) per operation. */
#include "bench.h"
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static int to_child[2], to_parent[2];
static char buf[4096];

static void xfer(int rfd, int wfd, int first_write)
{
	size_t got;
	ssize_t r;

	if (first_write && write(wfd, buf, sizeof(buf)) != sizeof(buf))
		die("write");
	for (got = 0; got < sizeof(buf); got += r) {
		r = read(rfd, buf + got, sizeof(buf) - got);
		if (r <= 0) {
			if (r == 0)
				exit(0);	/* peer gone: child's way out */
			die("read");
		}
	}
	if (!first_write && write(wfd, buf, sizeof(buf)) != sizeof(buf))
		die("write");
}

static void op(void)
{
	xfer(to_parent[0], to_child[1], 1);
}

int main(int argc, char **argv)
{
	long n = iters_arg(argc, argv, 20000);
	pid_t p;
	uint64_t ns;
	int st;

	bench_name = "pipe-pingpong-4k";
	if (pipe(to_child) || pipe(to_parent))
		die("pipe");
	p = fork();
	if (p < 0)
		die("fork");
	if (p == 0) {
		close(to_child[1]);
		close(to_parent[0]);
		for (;;)
			xfer(to_child[0], to_parent[1], 0);
	}
	close(to_child[0]);
	close(to_parent[1]);
	ns = timed(op, n);
	close(to_child[1]);
	if (waitpid(p, &st, 0) != p)
		die("waitpid");
	report((double)ns / n, "ns/op");
	return 0;
}
