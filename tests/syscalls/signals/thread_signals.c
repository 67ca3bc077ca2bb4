/* Signals and threads: pthread_kill runs the handler on the target thread;
 * a process-directed signal goes to a thread that does not block it; the
 * mask is per thread. */
#include "../common.h"
#include <pthread.h>

static volatile pid_t handled_on;
static volatile int ready, stop;
static pid_t worker_tid;

static void h(int sig)
{
	handled_on = gettid();
}

static void *worker(void *arg)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
	worker_tid = gettid();
	ready = 1;
	while (!stop)
		sched_yield();
	return NULL;
}

int main(void)
{
	pthread_t th;
	sigset_t s;

	signal(SIGUSR1, h);
	signal(SIGUSR2, h);
	pthread_create(&th, NULL, worker, NULL);
	while (!ready)
		sched_yield();

	pthread_kill(th, SIGUSR2);
	while (!handled_on)
		sched_yield();
	printf("pthread_kill handled on target: %d\n", handled_on == worker_tid);

	/* Main blocks SIGUSR1: a kill() of the process must go to the worker. */
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	handled_on = 0;
	kill(getpid(), SIGUSR1);
	while (!handled_on)
		sched_yield();
	printf("process signal handled on unblocked thread: %d\n", handled_on == worker_tid);
	stop = 1;
	pthread_join(th, NULL);

	/* Main thread's own mask was not changed by the worker's. */
	pthread_sigmask(SIG_SETMASK, NULL, &s);
	printf("main still blocks SIGUSR1: %d\n", sigismember(&s, SIGUSR1));
	return 0;
}
