/* POSIX locks are per process: threads share them (one thread unlocks
 * what another locked); a process's adjacent locks of one type merge and
 * a different type in the middle splits them, as another process sees. */
#include "lockutil.h"
#include <pthread.h>

static int gfd;

static void *unlocker(void *arg)
{
	lk(gfd, F_SETLK, F_UNLCK, 0, 10);
	return NULL;
}

static void probe(const char *label, pid_t holder)
{
	pid_t pid = fork();

	if (pid == 0) {
		int c = open(lk_path, O_RDWR);

		for (off_t s = 0; s < 60; s += 10)
			lk_show(label, c, F_GETLK, F_WRLCK, s, 10, holder);
		_exit(0);
	}
	reap(pid, label);
}

int main(void)
{
	pthread_t th;

	gfd = lk_setup();
	SHOW(lk(gfd, F_SETLK, F_WRLCK, 0, 10));
	pthread_create(&th, NULL, unlocker, NULL);
	pthread_join(th, NULL);
	probe("after thread unlock", getpid());
	SHOW(lk(gfd, F_SETLK, F_RDLCK, 0, 10));
	SHOW(lk(gfd, F_SETLK, F_RDLCK, 10, 10));
	SHOW(lk(gfd, F_SETLK, F_RDLCK, 30, 10));
	probe("read pieces", getpid());
	SHOW(lk(gfd, F_SETLK, F_RDLCK, 15, 20));
	probe("merged", getpid());
	SHOW(lk(gfd, F_SETLK, F_WRLCK, 12, 5));
	probe("split", getpid());
	SHOW(lk(gfd, F_SETLK, F_UNLCK, 0, 0));
	probe("none", getpid());
	lk_cleanup();
	return 0;
}
