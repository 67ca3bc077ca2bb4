/* Process groups and sessions: setpgid, setsid, getsid, getpgid, with their
 * EPERM/ESRCH/EINVAL rules. Run in children so no test process is a group
 * leader to begin with. */
#include "../common.h"

static int child1(void)
{
	pid_t me = getpid();

	EXPECT(getpgrp() == getpgid(getppid()));
	EXPECT(getsid(0) == getsid(getppid()));
	SHOW(setpgid(0, 0));
	EXPECT(getpgrp() == me);
	EXPECT(getpgid(0) == me);
	/* A group leader cannot start a session. */
	SHOW(setsid());
	SHOW(setpgid(0, -1));
	return 0;
}

static int child2(void)
{
	pid_t me = getpid();

	EXPECT(setsid() == me);
	EXPECT(getsid(0) == me);
	EXPECT(getpgrp() == me);
	/* A session leader cannot change its group. */
	SHOW(setpgid(0, 0));
	SHOW(setsid());
	pid_t g = fork();
	if (g == 0) {
		/* Can join a group only within its own session. */
		SHOW(setpgid(0, getppid()));
		SHOW(setpgid(0, 0));
		EXPECT(getpgrp() == getpid());
		SHOW(setpgid(0, getppid()));
		_exit(0);
	}
	reap(g, "grandchild");
	return 0;
}

int main(void)
{
	pid_t pid;

	pid = fork();
	if (pid == 0)
		_exit(child1());
	reap(pid, "child1");
	pid = fork();
	if (pid == 0)
		_exit(child2());
	reap(pid, "child2");

	/* setpgid on a child that exec'd is EACCES; on a non-child ESRCH. */
	SHOW(getsid(0x3fffffff));
	SHOW(getpgid(0x3fffffff));
	SHOW(setpgid(0x3fffffff, 0));
	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	/* The parent may move its child into a new group of its own. */
	SHOW(setpgid(pid, pid));
	EXPECT(getpgid(pid) == pid);
	/* waitpid(-pgid) selects by group. */
	kill(pid, SIGKILL);
	int st;
	EXPECT(waitpid(-pid, &st, 0) == pid);
	printf("status: %s\n", wstatus(st));
	return 0;
}
