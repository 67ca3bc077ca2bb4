/* flock(2): shared locks coexist, an exclusive one is alone, conversions,
 * LOCK_NB, locks belong to the open file description (a dup shares it, a
 * second open does not) and go away with its last close. */
#include "lockutil.h"

int main(void)
{
	int a = lk_setup(), b = open(lk_path, O_RDONLY), c, d;
	pid_t pid;

	SHOW(flock(a, LOCK_SH));
	SHOW(flock(b, LOCK_SH | LOCK_NB));
	SHOW(flock(b, LOCK_EX | LOCK_NB));
	SHOW(flock(a, LOCK_UN));
	SHOW(flock(b, LOCK_EX | LOCK_NB));
	SHOW(flock(b, LOCK_EX | LOCK_NB));
	SHOW(flock(a, LOCK_SH | LOCK_NB));
	/* Downgrade lets the other share. */
	SHOW(flock(b, LOCK_SH));
	SHOW(flock(a, LOCK_SH | LOCK_NB));
	SHOW(flock(a, LOCK_UN));
	/* A dup shares b's lock; it stays until the last fd is closed. */
	c = dup(b);
	SHOW(close(b));
	SHOW(flock(a, LOCK_EX | LOCK_NB));
	SHOW(close(c));
	SHOW(flock(a, LOCK_EX | LOCK_NB));
	/* Another process opening the file anew is shut out. */
	pid = fork();
	if (pid == 0) {
		int e = open(lk_path, O_RDWR);

		SHOW(flock(e, LOCK_SH | LOCK_NB));
		SHOW(flock(e, LOCK_EX | LOCK_NB));
		_exit(0);
	}
	reap(pid, "child");
	/* Errors. */
	SHOW(flock(a, 0));
	SHOW(flock(a, LOCK_SH | LOCK_EX));
	SHOW(flock(a, 64));
	SHOW(flock(-1, LOCK_SH));
	SHOW(flock(1000, LOCK_SH));
	d = open(lk_path, O_PATH);
	SHOW(flock(d, LOCK_SH));
	SHOW(flock(a, LOCK_UN));
	SHOW(flock(a, LOCK_UN));
	lk_cleanup();
	return 0;
}
