/* fork-exec-wait: fork, execve a static program that exits 0 (the `true`
 * built beside this one), reap it.  usage: forkexec ITERS BINARY */
#include "bench.h"
#include <sys/wait.h>
#include <unistd.h>

static char *prog;

static void op(void)
{
	char *argv[] = { prog, NULL }, *envp[] = { NULL };
	int st;
	pid_t p = fork();

	if (p < 0)
		die("fork");
	if (p == 0) {
		execve(prog, argv, envp);
		_exit(127);
	}
	if (waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st))
		die("exec or wait");
}

int main(int argc, char **argv)
{
	long n = iters_arg(argc, argv, 500);

	bench_name = "fork-exec-wait";
	if (argc < 3) {
		fprintf(stderr, "usage: %s ITERS BINARY\n", argv[0]);
		return 2;
	}
	prog = argv[2];
	report((double)timed(op, n) / n / 1000.0, "us/op");
	return 0;
}
