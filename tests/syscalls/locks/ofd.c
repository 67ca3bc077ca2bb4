/* OFD locks (F_OFD_*): owned by the open file description, so they
 * conflict with the same process's other descriptions and its POSIX
 * locks, survive closing other fds, are shared over fork, and report
 * l_pid -1. */
#include "lockutil.h"

int main(void)
{
	int a = lk_setup(), b = open(lk_path, O_RDWR), c;
	pid_t me = getpid(), pid;
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10, .l_pid = 1 };

	SHOW(fcntl(a, F_OFD_SETLK, &fl));
	SHOW(fcntl(a, F_OFD_GETLK, &fl));
	SHOW(lk(a, F_OFD_SETLK, F_WRLCK, 0, 10));
	SHOW(lk(b, F_OFD_SETLK, F_WRLCK, 5, 10));
	SHOW(lk(b, F_OFD_SETLK, F_RDLCK, 10, 10));
	SHOW(lk(a, F_SETLK, F_WRLCK, 10, 1));
	SHOW(lk(a, F_SETLK, F_WRLCK, 20, 1));
	lk_show("ofd b", b, F_OFD_GETLK, F_WRLCK, 0, 0, me);
	lk_show("posix b", b, F_GETLK, F_WRLCK, 0, 5, me);
	lk_show("ofd a", a, F_OFD_GETLK, F_WRLCK, 20, 1, me);
	/* Closing another fd leaves OFD locks alone (only POSIX go). */
	c = open(lk_path, O_RDONLY);
	SHOW(close(c));
	lk_show("ofd b", b, F_OFD_GETLK, F_WRLCK, 0, 0, me);
	/* A fork child shares a's description and so its lock. */
	pid = fork();
	if (pid == 0) {
		SHOW(lk(a, F_OFD_SETLK, F_WRLCK, 0, 10));
		SHOW(lk(b, F_OFD_SETLK, F_WRLCK, 0, 1));
		SHOW(lk(a, F_OFD_SETLK, F_UNLCK, 0, 10));
		_exit(0);
	}
	reap(pid, "child");
	SHOW(lk(b, F_OFD_SETLK, F_WRLCK, 0, 5));
	SHOW(close(b));
	SHOW(lk(a, F_OFD_SETLK, F_WRLCK, 0, 5));
	lk_cleanup();
	return 0;
}
