/* Process attributes that are stable: credentials agree between the
 * different getters, umask round-trips, sched_yield, getcpu, personality
 * query, and getppid/getpgid relationships after fork. */
#include "../common.h"
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>

int main(void)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;

	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	EXPECT(r == getuid() && e == geteuid() && s == e);
	EXPECT(gr == getgid() && ge == getegid() && gs == ge);
	umask(022);	/* the inherited value depends on the caller */
	SHOW(umask(077));
	SHOW(umask(022));
	SHOW(sched_yield());
	unsigned cpu = 9999, node = 9999;
	SHOW(syscall(SYS_getcpu, &cpu, &node, NULL));
	EXPECT(cpu < 4096 && node < 1024);
	SHOW(personality(0xffffffff));
	SHOW(sched_getscheduler(0));
	SHOW(getpriority(PRIO_PROCESS, 0));
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0)
		_exit(getppid() == parent && getpgid(0) == getpgid(parent) ? 0 : 1);
	reap(pid, "child relationships");
	return 0;
}
