/* signal-self: kill(getpid(), SIGUSR1) with an empty handler installed;
 * one send, delivery and sigreturn per operation. */
#include "bench.h"
#include <signal.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void handler(int sig __attribute__((unused)))
{
	got++;
}

static void op(void)
{
	if (kill(getpid(), SIGUSR1))
		die("kill");
}

int main(int argc, char **argv)
{
	long n = iters_arg(argc, argv, 100000);
	struct sigaction sa = { .sa_handler = handler };
	uint64_t ns;

	bench_name = "signal-self";
	if (sigaction(SIGUSR1, &sa, NULL))
		die("sigaction");
	ns = timed(op, n);
	if (got != n + n / 10 + 1) {
		fprintf(stderr, "signal-self: %ld signals sent, %d handled\n",
			n + n / 10 + 1, (int)got);
		return 1;
	}
	report((double)ns / n, "ns/op");
	return 0;
}
