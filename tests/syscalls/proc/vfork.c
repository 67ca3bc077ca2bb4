/* vfork: the parent is suspended until the child exits or execs, and the
 * child runs in the parent's memory. */
#include "../common.h"

static volatile int shared;

int main(void)
{
	pid_t pid;
	char *argv[] = { "echo_args", "3", "via-vfork", NULL };
	char *envp[] = { "TESTVAR=vfork", NULL };

	pid = vfork();
	if (pid == 0) {
		shared = 1;
		_exit(4);
	}
	/* The child has exited before we resume; its write is visible. */
	printf("shared after vfork child: %d\n", shared);
	reap(pid, "vfork child");

	pid = vfork();
	if (pid == 0) {
		execve(helper_path("echo_args"), argv, envp);
		_exit(127);
	}
	reap(pid, "vfork+exec child");
	return 0;
}
