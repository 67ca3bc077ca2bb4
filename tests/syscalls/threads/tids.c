/* Thread ids: the main thread's tid is the pid, other threads share the pid
 * but have distinct tids; set_tid_address returns the caller's tid. */
#include "../common.h"
#include <pthread.h>

static pid_t tids[4];

static void *worker(void *arg)
{
	long i = (long)arg;

	tids[i] = gettid();
	return (void *)(long)(getpid() == (pid_t)syscall(SYS_getpid));
}

int main(void)
{
	pthread_t th[4];
	pid_t pid = getpid();
	int distinct = 1, notpid = 1;
	int dummy;

	EXPECT(gettid() == pid);
	for (long i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, worker, (void *)i);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < 4; i++) {
		if (tids[i] == pid || tids[i] <= 0)
			notpid = 0;
		for (int j = 0; j < i; j++)
			if (tids[i] == tids[j])
				distinct = 0;
	}
	EXPECT(notpid);
	EXPECT(distinct);
	EXPECT(syscall(SYS_set_tid_address, &dummy) == gettid());
	return 0;
}
