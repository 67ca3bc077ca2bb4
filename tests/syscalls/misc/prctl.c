/* prctl: PR_SET_NAME/PR_GET_NAME (truncated to 15 bytes, per thread),
 * PR_GET_DUMPABLE, PR_SET_PDEATHSIG round trip, unknown option EINVAL. */
#include "../common.h"
#include <pthread.h>
#include <sys/prctl.h>

static void *worker(void *arg)
{
	char name[16] = "";

	prctl(PR_GET_NAME, name);
	printf("thread initial name: %s\n", name);
	prctl(PR_SET_NAME, "worker-thread");
	prctl(PR_GET_NAME, name);
	printf("thread name: %s\n", name);
	return NULL;
}

int main(void)
{
	char name[32];
	pthread_t th;
	int sig = -1;

	SHOW(prctl(PR_SET_NAME, "conformance"));
	memset(name, 'x', sizeof(name));
	SHOW(prctl(PR_GET_NAME, name));
	printf("name: %s\n", name);
	SHOW(prctl(PR_SET_NAME, "a-very-long-process-name-indeed"));
	prctl(PR_GET_NAME, name);
	printf("truncated: %s (%zu)\n", name, strlen(name));
	pthread_create(&th, NULL, worker, NULL);
	pthread_join(th, NULL);
	prctl(PR_GET_NAME, name);
	printf("main name unchanged: %s\n", name);
	SHOW(prctl(PR_GET_DUMPABLE));
	SHOW(prctl(PR_SET_PDEATHSIG, SIGUSR1));
	SHOW(prctl(PR_GET_PDEATHSIG, &sig));
	printf("pdeathsig %d\n", sig);
	SHOW(prctl(PR_SET_PDEATHSIG, 99));
	SHOW(prctl(9999));
	SHOW(prctl(PR_GET_NAME, (void *)8));
	return 0;
}
