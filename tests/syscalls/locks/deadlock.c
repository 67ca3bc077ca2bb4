/* F_SETLKW: a wait that would close a cycle of POSIX waiters fails with
 * EDEADLK; the other waiter gets its lock when the cycle is broken. */
#include "lockutil.h"

int main(void)
{
	int fd = lk_setup();
	pid_t pid;

	lk_pipes();
	SHOW(lk(fd, F_SETLK, F_WRLCK, 0, 1));
	pid = fork();
	if (pid == 0) {
		int c = open(lk_path, O_RDWR);

		SHOW(lk(c, F_SETLK, F_WRLCK, 1, 1));
		lk_tell(lk_c2p[1]);
		/* Blocks on the parent's byte 0. */
		SHOW(lk(c, F_SETLKW, F_WRLCK, 0, 1));
		_exit(0);
	}
	lk_wait(lk_c2p[0]);
	sleep_ms(300);
	SHOW(lk(fd, F_SETLKW, F_WRLCK, 1, 1));
	/* Give up byte 0: the child's wait ends (its line comes first). */
	{
		int r = lk(fd, F_SETLK, F_UNLCK, 0, 1);

		reap(pid, "child");
		printf("unlock byte 0 = %d\n", r);
	}
	/* A self-wait is never a deadlock: our own locks do not conflict. */
	SHOW(lk(fd, F_SETLKW, F_WRLCK, 0, 10));
	lk_cleanup();
	return 0;
}
