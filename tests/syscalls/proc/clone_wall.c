/* A clone child with no exit signal is a "clone" child: plain waitpid does
 * not see it, __WCLONE and __WALL do. exit_signal SIGUSR1 is reported too. */
#include "../common.h"
#include <sched.h>

static int fn(void *arg)
{
	return (int)(long)arg;
}

int main(void)
{
	static char stack[2][64 * 1024];
	int st;
	pid_t pid;

	pid = clone(fn, stack[0] + sizeof(stack[0]), 0, (void *)5);
	EXPECT(pid > 0);
	sleep_ms(50);
	SHOW(waitpid(pid, &st, WNOHANG));
	EXPECT(waitpid(pid, &st, __WALL) == pid);
	printf("status: %s\n", wstatus(st));

	signal(SIGUSR1, SIG_IGN);
	pid = clone(fn, stack[1] + sizeof(stack[1]), SIGUSR1, (void *)6);
	sleep_ms(50);
	SHOW(waitpid(pid, &st, WNOHANG));
	EXPECT(waitpid(pid, &st, __WCLONE) == pid);
	printf("status: %s\n", wstatus(st));
	return 0;
}
