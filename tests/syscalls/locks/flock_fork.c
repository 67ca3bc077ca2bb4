/* A flock lock is shared with a fork child through the inherited open file
 * description: the child may unlock it for both, and a blocked LOCK_EX in
 * another description wakes when the lock goes. */
#include "lockutil.h"

int main(void)
{
	int a = lk_setup(), b = open(lk_path, O_RDWR);
	pid_t pid;

	lk_pipes();
	SHOW(flock(a, LOCK_EX));
	pid = fork();
	if (pid == 0) {
		/* Same description: converting and unlocking act on it. */
		SHOW(flock(a, LOCK_EX | LOCK_NB));
		SHOW(flock(a, LOCK_UN));
		lk_tell(lk_c2p[1]);
		_exit(0);
	}
	lk_wait(lk_c2p[0]);
	reap(pid, "child");
	SHOW(flock(b, LOCK_EX | LOCK_NB));
	/* b holds it now; a's LOCK_SH waits until a child drops b's lock. */
	pid = fork();
	if (pid == 0) {
		sleep_ms(200);
		flock(b, LOCK_UN);
		_exit(0);
	}
	SHOW(flock(a, LOCK_SH));
	reap(pid, "unlocker");
	SHOW(flock(b, LOCK_SH | LOCK_NB));
	SHOW(flock(b, LOCK_EX | LOCK_NB));
	lk_cleanup();
	return 0;
}
