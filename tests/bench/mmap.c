/* mmap-touch-munmap: map 4 KiB anonymous, write it (one page fault),
 * unmap. */
#include "bench.h"
#include <sys/mman.h>

static void op(void)
{
	volatile char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	*p = 1;
	if (munmap((void *)p, 4096))
		die("munmap");
}

int main(int argc, char **argv)
{
	long n = iters_arg(argc, argv, 100000);

	bench_name = "mmap-touch-munmap";
	report((double)timed(op, n) / n, "ns/op");
	return 0;
}
