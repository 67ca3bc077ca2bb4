/* Locks on files without a name: the two ends of a pipe share one inode
 * (and so conflict), a memfd takes record locks, a socket and an eventfd
 * take flock locks; closing releases them. */
#include "lockutil.h"
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>

int main(void)
{
	int p[2], sv[2], m, e, r2;
	pid_t pid;

	SHOW(pipe(p));
	SHOW(flock(p[0], LOCK_EX));
	SHOW(flock(p[1], LOCK_SH | LOCK_NB));
	SHOW(flock(p[0], LOCK_UN));
	SHOW(flock(p[1], LOCK_SH | LOCK_NB));
	r2 = open("/proc/self/fd/3", O_RDONLY);
	SHOW(r2 >= 0);
	SHOW(lk(p[1], F_SETLK, F_WRLCK, 0, 0));
	SHOW(lk(p[0], F_SETLK, F_RDLCK, 0, 0));
	pid = fork();
	if (pid == 0) {
		lk_show("child pipe", p[0], F_GETLK, F_RDLCK, 0, 0, getppid());
		SHOW(lk(p[0], F_SETLK, F_RDLCK, 0, 1));
		_exit(0);
	}
	reap(pid, "child");
	m = memfd_create("m", 0);
	SHOW(ftruncate(m, 100));
	SHOW(lk(m, F_SETLK, F_WRLCK, 10, 10));
	pid = fork();
	if (pid == 0) {
		lk_show("child memfd", m, F_GETLK, F_WRLCK, 0, 0, getppid());
		SHOW(lk(m, F_SETLK, F_WRLCK, 0, 11));
		SHOW(lk(m, F_SETLK, F_WRLCK, 0, 10));
		_exit(0);
	}
	reap(pid, "child");
	SHOW(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	SHOW(flock(sv[0], LOCK_EX | LOCK_NB));
	SHOW(flock(sv[1], LOCK_EX | LOCK_NB));
	e = eventfd(0, 0);
	SHOW(flock(e, LOCK_EX | LOCK_NB));
	SHOW(lk(e, F_SETLK, F_WRLCK, 0, 0));
	SHOW(lk(e, F_GETLK, F_WRLCK, 0, 0));
	close(p[0]);
	close(p[1]);
	close(m);
	close(sv[0]);
	close(sv[1]);
	close(e);
	if (r2 >= 0)
		close(r2);
	/* Locks end with the last close: new pipes start unlocked. */
	for (int i = 0; i < 5; i++) {
		int q[2];

		if (pipe(q))
			return 1;
		printf("pipe %d: flock %s\n", i, flock(q[1], LOCK_EX | LOCK_NB) ? errname(errno) : "ok");
		lk(q[1], F_OFD_SETLK, F_WRLCK, 0, 0);
		close(q[0]);
		close(q[1]);
	}
	return 0;
}
