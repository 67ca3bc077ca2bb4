/* flock conversion is not atomic (flock(2)): upgrading drops the shared
 * lock first, so a waiting exclusive locker can get in between; LOCK_NB
 * upgrade failing leaves the caller with no lock at all. */
#include "lockutil.h"

int main(void)
{
	int a = lk_setup(), b = open(lk_path, O_RDWR), c = open(lk_path, O_RDWR);
	pid_t pid;

	lk_pipes();
	SHOW(flock(a, LOCK_SH));
	SHOW(flock(b, LOCK_SH));
	/* a's upgrade fails while b shares, and a's shared lock is gone. */
	SHOW(flock(a, LOCK_EX | LOCK_NB));
	SHOW(flock(c, LOCK_EX | LOCK_NB));
	SHOW(flock(b, LOCK_UN));
	SHOW(flock(c, LOCK_EX | LOCK_NB));
	SHOW(flock(c, LOCK_UN));
	/* The holder's upgrade releases its shared lock first, so a waiter
	 * blocked for LOCK_EX may get in between; whether it does is up to
	 * the scheduler (natively too), so only the outcome both orders
	 * share is shown: the upgrade succeeds, and once it is released the
	 * waiter gets its lock. */
	SHOW(flock(a, LOCK_SH));
	pid = fork();
	if (pid == 0) {
		lk_tell(lk_c2p[1]);
		int r = flock(c, LOCK_EX);

		sleep_ms(300);
		/* No output here: the parent runs as soon as this unlocks. */
		_exit(r == 0 && flock(c, LOCK_UN) == 0 ? 0 : 1);
	}
	lk_wait(lk_c2p[0]);
	sleep_ms(200);
	SHOW(flock(a, LOCK_EX));
	SHOW(flock(a, LOCK_UN));
	reap(pid, "child");
	SHOW(flock(b, LOCK_SH | LOCK_NB));
	lk_cleanup();
	return 0;
}
