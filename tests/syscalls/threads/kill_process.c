/* A fatal signal to a multithreaded process kills every thread, whichever
 * thread it is delivered to; a thread blocked in a syscall is no obstacle. */
#include "../common.h"
#include <pthread.h>

static void *block(void *arg)
{
	for (;;)
		pause();
	return NULL;
}

static void *spin(void *arg)
{
	for (;;)
		sched_yield();
	return NULL;
}

int main(void)
{
	int sigs[] = { SIGKILL, SIGTERM, SIGSEGV };

	for (int i = 0; i < 3; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			pthread_t a, b;

			pthread_create(&a, NULL, block, NULL);
			pthread_create(&b, NULL, spin, NULL);
			if (sigs[i] == SIGSEGV)
				pthread_kill(b, SIGSEGV);
			for (;;)
				pause();
		}
		if (sigs[i] != SIGSEGV) {
			sleep_ms(50);
			kill(pid, sigs[i]);
		}
		reap(pid, "multithreaded child");
	}
	return 0;
}
