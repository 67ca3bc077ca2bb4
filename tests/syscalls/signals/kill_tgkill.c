/* kill and tgkill argument rules: signal 0 probes existence, unknown pids
 * are ESRCH, bad signals EINVAL; tgkill needs the right tgid; kill(0, sig)
 * reaches the caller's process group. */
#include "../common.h"

static volatile int hits;

static void h(int sig)
{
	hits++;
}

int main(void)
{
	signal(SIGUSR1, h);
	SHOW(kill(getpid(), 0));
	SHOW(kill(0x3fffffff, 0));
	SHOW(kill(0x3fffffff, SIGUSR1));
	SHOW(kill(getpid(), -1));
	SHOW(kill(getpid(), 65));
	SHOW(syscall(SYS_tgkill, getpid(), gettid(), 0));
	SHOW(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1));
	printf("hits=%d\n", hits);
	SHOW(syscall(SYS_tgkill, getpid() + 100000, gettid(), SIGUSR1));
	SHOW(syscall(SYS_tgkill, 0, gettid(), SIGUSR1));
	SHOW(syscall(SYS_tgkill, getpid(), -1, SIGUSR1));
	SHOW(syscall(SYS_tkill, gettid(), SIGUSR1));
	printf("hits=%d\n", hits);
	SHOW(syscall(SYS_tkill, 0, SIGUSR1));

	/* kill(0) to our own group, from a child in a fresh group. */
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		hits = 0;
		kill(0, SIGUSR1);
		_exit(hits);
	}
	reap(pid, "kill(0) in own group");
	/* Killing a zombie succeeds. */
	pid = fork();
	if (pid == 0)
		_exit(0);
	sleep_ms(50);
	SHOW(kill(pid, SIGKILL));
	reap(pid, "zombie");
	return 0;
}
