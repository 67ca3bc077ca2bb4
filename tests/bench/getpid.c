/* getpid: the cost of one trivial system call, made with syscall(2) so no
 * libc caching can answer it without a trap. */
#include "bench.h"
#include <sys/syscall.h>
#include <unistd.h>

static void op(void)
{
	syscall(SYS_getpid);
}

int main(int argc, char **argv)
{
	long n = iters_arg(argc, argv, 100000);

	bench_name = "getpid";
	report((double)timed(op, n) / n, "ns/op");
	return 0;
}
