/* SA_RESTART: a read blocked on a pipe is restarted after a handler that
 * has SA_RESTART, and fails with EINTR after one without. nanosleep is
 * never restarted: EINTR with the remaining time. */
#include "../common.h"

static volatile int hits;

static void h(int sig)
{
	hits++;
}

static void try(int flags)
{
	struct sigaction sa = { 0 };
	int p[2];
	char c = 0;
	pid_t pid;
	ssize_t r;

	sa.sa_handler = h;
	sa.sa_flags = flags;
	sigaction(SIGUSR1, &sa, NULL);
	pipe(p);
	pid = fork();
	if (pid == 0) {
		sleep_ms(100);
		kill(getppid(), SIGUSR1);
		sleep_ms(100);
		write(p[1], "x", 1);
		_exit(0);
	}
	hits = 0;
	errno = 0;
	r = read(p[0], &c, 1);
	printf("%s: read=%zd errno=%s c=%c hits=%d\n", flags ? "SA_RESTART" : "no SA_RESTART",
	       r, errname(r < 0 ? errno : 0), c ? c : '-', hits);
	reap(pid, "writer");
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	try(SA_RESTART);
	try(0);

	struct sigaction sa = { 0 };
	struct timespec ts = { 5, 0 }, rem = { 0, 0 };

	sa.sa_handler = h;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	pid_t pid = fork();
	if (pid == 0) {
		sleep_ms(100);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	SHOW(nanosleep(&ts, &rem));
	EXPECT(rem.tv_sec >= 3 && rem.tv_sec < 5);
	reap(pid, "sender");
	return 0;
}
