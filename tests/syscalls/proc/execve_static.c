/* execve of a static binary: argv and envp reach it, its exit status is
 * the child's; fds stay open across exec unless close-on-exec. */
#include "../common.h"
#include <fcntl.h>

int main(void)
{
	char *argv[] = { "echo_args", "17", "second arg", "", "last", NULL };
	char *envp[] = { "A=1", "TESTVAR=hello exec", "Z=26", NULL };
	pid_t pid = fork();

	if (pid == 0) {
		execve(helper_path("echo_args"), argv, envp);
		_exit(127);
	}
	reap(pid, "echo_args");

	pid = fork();
	if (pid == 0) {
		int a = open(data_path("small.txt"), O_RDONLY);
		int b = open(data_path("small.txt"), O_RDONLY | O_CLOEXEC);
		char sa[16], sb[16];
		char *av[] = { "fdcheck", sa, sb, NULL };

		snprintf(sa, sizeof(sa), "%d", a);
		snprintf(sb, sizeof(sb), "%d", b);
		execve(helper_path("fdcheck"), av, envp);
		_exit(127);
	}
	reap(pid, "fdcheck");
	return 0;
}
