/* fork-exit-wait: fork a child that _exits at once and reap it. */
#include "bench.h"
#include <sys/wait.h>
#include <unistd.h>

static void op(void)
{
	int st;
	pid_t p = fork();

	if (p < 0)
		die("fork");
	if (p == 0)
		_exit(0);
	if (waitpid(p, &st, 0) != p || !WIFEXITED(st))
		die("waitpid");
}

int main(int argc, char **argv)
{
	long n = iters_arg(argc, argv, 1000);

	bench_name = "fork-exit-wait";
	report((double)timed(op, n) / n / 1000.0, "us/op");
	return 0;
}
