/* Orphan reparenting: when a process's parent dies its parent changes to a
 * reaper (our own process here, as child subreaper), which can then wait
 * for it. */
#include "../common.h"
#include <sys/prctl.h>

int main(void)
{
	int p[2];
	pid_t mid, grandchild = 0, top = getpid();

	SHOW(prctl(PR_SET_CHILD_SUBREAPER, 1));
	if (pipe(p))
		return 1;
	mid = fork();
	if (mid == 0) {
		pid_t first = getpid();
		pid_t g = fork();

		if (g == 0) {
			/* Wait until the middle process has died. */
			for (int i = 0; i < 2000 && getppid() == first; i++)
				sleep_ms(5);
			_exit(getppid() == top ? 21 : 22);
		}
		write(p[1], &g, sizeof(g));
		_exit(3);
	}
	read(p[0], &grandchild, sizeof(grandchild));
	reap(mid, "middle");
	reap(grandchild, "orphaned grandchild");
	SHOW(wait(NULL));
	return 0;
}
