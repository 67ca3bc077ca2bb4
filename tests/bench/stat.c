/* stat: stat(2) of a host file.  usage: stat ITERS FILE */
#include "bench.h"
#include <sys/stat.h>

static const char *path;

static void op(void)
{
	struct stat st;

	if (stat(path, &st))
		die("stat");
}

int main(int argc, char **argv)
{
	long n = iters_arg(argc, argv, 100000);

	bench_name = "stat";
	if (argc < 3) {
		fprintf(stderr, "usage: %s ITERS FILE\n", argv[0]);
		return 2;
	}
	path = argv[2];
	report((double)timed(op, n) / n, "ns/op");
	return 0;
}
