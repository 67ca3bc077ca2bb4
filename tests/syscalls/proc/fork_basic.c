/* fork: the child gets 0, the parent the child's pid; the child's parent is
 * the caller; wait4 reports the exit code; fork returns in both with the
 * same memory image. */
#include "../common.h"
#include <sys/resource.h>

int main(void)
{
	pid_t parent = getpid();
	int value = 11;
	pid_t pid = fork();
	struct rusage ru;
	int st;

	if (pid == 0) {
		value++;
		_exit(getppid() == parent && getpid() != parent && value == 12 ? 42 : 1);
	}
	EXPECT(pid > 0);
	EXPECT(wait4(pid, &st, 0, &ru) == pid);
	printf("status: %s\n", wstatus(st));
	printf("parent value %d\n", value);
	return 0;
}
