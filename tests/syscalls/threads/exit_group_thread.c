/* exit() from a non-main thread ends the whole thread group with that
 * status, even while the main thread is blocked. */
#include "../common.h"
#include <pthread.h>

static void *exiter(void *arg)
{
	sleep_ms(50);
	exit(5);
}

int main(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		pthread_t th;

		pthread_create(&th, NULL, exiter, NULL);
		for (;;)
			pause();
	}
	reap(pid, "child with exiting thread");
	return 0;
}
