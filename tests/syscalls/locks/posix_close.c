/* POSIX locks belong to the process: closing ANY fd of the file drops them
 * all, fork children do not inherit them, and exit releases them. */
#include "lockutil.h"

int main(void)
{
	int a = lk_setup(), b = open(lk_path, O_RDONLY);
	pid_t pid;

	SHOW(lk(a, F_SETLK, F_WRLCK, 0, 10));
	pid = fork();
	if (pid == 0) {
		/* Not inherited: the child conflicts with its parent. */
		SHOW(lk(a, F_SETLK, F_WRLCK, 0, 1));
		_exit(0);
	}
	reap(pid, "child");
	SHOW(close(b));
	pid = fork();
	if (pid == 0) {
		SHOW(lk(a, F_SETLK, F_WRLCK, 0, 1));
		_exit(0);
	}
	reap(pid, "after close");
	/* A child's locks end with it. */
	pid = fork();
	if (pid == 0) {
		SHOW(lk(a, F_SETLK, F_WRLCK, 5, 1));
		_exit(0);
	}
	reap(pid, "locker");
	SHOW(lk(a, F_SETLK, F_WRLCK, 0, 10));
	/* A dup closing drops them too. */
	b = dup(a);
	SHOW(close(b));
	pid = fork();
	if (pid == 0) {
		SHOW(lk(a, F_SETLK, F_WRLCK, 0, 10));
		_exit(0);
	}
	reap(pid, "after dup close");
	lk_cleanup();
	return 0;
}
