/* /proc/<pid>/status and stat of another process as it sleeps, stops,
 * dies (zombie until reaped) and is reaped (gone). */
#include "procutil.h"

static void show_state(pid_t pid, const char *label)
{
	char path[64], *st, *sp;
	const char *p;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	st = readfile(path);
	if (!st) {
		printf("%s: status %s\n", label, errname(errno));
		return;
	}
	printf("%s: State=%s Threads=%s\n", label, field(st, "State"), field(st, "Threads"));
	{
		char *mi;

		snprintf(path, sizeof(path), "/proc/%d/mountinfo", pid);
		mi = readfile(path);
		printf("%s: mountinfo %s\n", label, mi ? "readable" : errname(errno));
		free(mi);
	}
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	sp = readfile(path);
	p = sp ? strrchr(sp, ')') : NULL;
	printf("%s: stat state=%c\n", label, p ? p[2] : '?');
	free(st);
	free(sp);
}

int main(void)
{
	int pfd[2];
	pid_t pid;
	char c;

	if (pipe(pfd) < 0)
		return 1;
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		write(pfd[1], "x", 1);
		for (;;)
			pause();
	}
	close(pfd[1]);
	read(pfd[0], &c, 1);
	sleep_ms(100);
	show_state(pid, "paused");
	kill(pid, SIGSTOP);
	{
		int st;

		waitpid(pid, &st, WUNTRACED);
	}
	show_state(pid, "stopped");
	kill(pid, SIGKILL);
	{
		siginfo_t si;

		/* Wait for the death without reaping. */
		waitid(P_PID, pid, &si, WEXITED | WNOWAIT);
	}
	show_state(pid, "zombie");
	reap(pid, "child");
	show_state(pid, "reaped");
	return 0;
}
