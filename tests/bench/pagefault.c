/* pagefault-64m: map 64 MiB anonymous with huge pages off, write a byte in
 * every 4 KiB page, unmap; reports ns per page, map and unmap amortised.
 * The madvise may fail in a sandbox without it; that only changes native
 * behaviour, so its result is ignored. */
#include "bench.h"
#include <sys/mman.h>

#define LEN (64ul << 20)

static void op(void)
{
	volatile char *p = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long off;

	if (p == MAP_FAILED)
		die("mmap");
	madvise((void *)p, LEN, MADV_NOHUGEPAGE);
	for (off = 0; off < LEN; off += 4096)
		p[off] = 1;
	if (munmap((void *)p, LEN))
		die("munmap");
}

int main(int argc, char **argv)
{
	long n = iters_arg(argc, argv, 5);

	bench_name = "pagefault-64m";
	report((double)timed(op, n) / n / (LEN / 4096), "ns/page");
	return 0;
}
