/* open-read-close: open a host file, read 4 KiB, close.
 * usage: openread ITERS FILE */
#include "bench.h"
#include <fcntl.h>
#include <unistd.h>

static const char *path;

static void op(void)
{
	char buf[4096];
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		die("open");
	if (read(fd, buf, sizeof(buf)) < 0)
		die("read");
	close(fd);
}

int main(int argc, char **argv)
{
	long n = iters_arg(argc, argv, 100000);

	bench_name = "open-read-close";
	if (argc < 3) {
		fprintf(stderr, "usage: %s ITERS FILE\n", argv[0]);
		return 2;
	}
	path = argv[2];
	report((double)timed(op, n) / n, "ns/op");
	return 0;
}
