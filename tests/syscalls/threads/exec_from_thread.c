/* execve from a non-main thread while other threads run: the other threads
 * are killed, the exec proceeds and the new image runs alone. */
#include "../common.h"
#include <pthread.h>

static void *spin(void *arg)
{
	for (;;)
		sched_yield();
	return NULL;
}

static void *execer(void *arg)
{
	char *argv[] = { "echo_args", "9", "from-thread", NULL };
	char *envp[] = { "TESTVAR=exec-thread", NULL };

	sleep_ms(20);
	execve(helper_path("echo_args"), argv, envp);
	printf("execve failed: %s\n", errname(errno));
	exit(1);
	return NULL;
}

int main(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		pthread_t a, b, c;

		pthread_create(&a, NULL, spin, NULL);
		pthread_create(&b, NULL, spin, NULL);
		pthread_create(&c, NULL, execer, NULL);
		for (;;)
			pause();
	}
	reap(pid, "child");
	return 0;
}
