/* POSIX record locks between processes: F_GETLK tells the holder's pid and
 * the conflicting range, F_SETLK fails EAGAIN, and a process's own locks
 * are split by an unlock in the middle and merged when they touch. */
#include "lockutil.h"

int main(void)
{
	int fd = lk_setup();
	pid_t me = getpid(), pid;

	lk_pipes();
	SHOW(lk(fd, F_SETLK, F_WRLCK, 0, 100));
	SHOW(lk(fd, F_SETLK, F_UNLCK, 40, 20));
	SHOW(lk(fd, F_SETLK, F_RDLCK, 200, 0));
	/* Our own locks never conflict with us. */
	lk_show("self", fd, F_GETLK, F_WRLCK, 0, 0, me);
	pid = fork();
	if (pid == 0) {
		int c = open(lk_path, O_RDWR);

		lk_show("child", c, F_GETLK, F_WRLCK, 45, 5, me);
		lk_show("child", c, F_GETLK, F_RDLCK, 50, 0, me);
		lk_show("child", c, F_GETLK, F_RDLCK, 30, 5, me);
		lk_show("child", c, F_GETLK, F_RDLCK, 300, 5, me);
		lk_show("child", c, F_GETLK, F_WRLCK, 300, 5, me);
		SHOW(lk(c, F_SETLK, F_RDLCK, 250, 10));
		SHOW(lk(c, F_SETLK, F_WRLCK, 250, 10));
		SHOW(lk(c, F_SETLK, F_WRLCK, 40, 20));
		SHOW(lk(c, F_SETLK, F_WRLCK, 40, 21));
		lk_tell(lk_c2p[1]);
		lk_wait(lk_p2c[0]);
		/* The parent merged [0,100) again and unlocked the rest. */
		lk_show("child", c, F_GETLK, F_WRLCK, 0, 0, me);
		lk_show("child", c, F_GETLK, F_WRLCK, 100, 0, me);
		_exit(0);
	}
	lk_wait(lk_c2p[0]);
	/* The child's read lock on [250,260) now blocks our write there. */
	lk_show("parent", fd, F_GETLK, F_WRLCK, 200, 0, pid);
	SHOW(lk(fd, F_SETLK, F_WRLCK, 255, 1));
	SHOW(lk(fd, F_SETLK, F_UNLCK, 200, 0));
	SHOW(lk(fd, F_SETLK, F_WRLCK, 40, 20));
	lk_tell(lk_p2c[1]);
	reap(pid, "child");
	/* SEEK_CUR and SEEK_END bases, negative lengths. */
	{
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_END, .l_start = -10, .l_len = 5 };

		SHOW(lseek(fd, 500, SEEK_SET));
		SHOW(fcntl(fd, F_SETLK, &fl));
		fl.l_whence = SEEK_CUR;
		fl.l_start = 0;
		fl.l_len = -100;
		SHOW(fcntl(fd, F_SETLK, &fl));
	}
	pid = fork();
	if (pid == 0) {
		int c = open(lk_path, O_RDWR);

		lk_show("child2", c, F_GETLK, F_RDLCK, 400, 0, me);
		lk_show("child2", c, F_GETLK, F_RDLCK, 500, 0, me);
		_exit(0);
	}
	reap(pid, "child2");
	lk_cleanup();
	return 0;
}
