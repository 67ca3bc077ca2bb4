/* MAP_SHARED|MAP_ANONYMOUS memory is shared with forked children in both
 * directions, while MAP_PRIVATE memory is copied (COW). */
#include "../common.h"
#include <sys/mman.h>

int main(void)
{
	volatile int *sh = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	volatile int *pr = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pid_t pid;

	sh[0] = 1;
	pr[0] = 1;
	pid = fork();
	if (pid == 0) {
		sh[0] = 2;
		pr[0] = 2;
		sh[1024] = 3;	/* untouched second page, first touched in the child */
		while (sh[2] == 0)
			sched_yield();
		_exit(sh[3] == 4 && pr[1] == 0 ? 0 : 1);
	}
	while (sh[1024] != 3)
		sched_yield();
	printf("parent sees shared=%d private=%d second page=%d\n", sh[0], pr[0], sh[1024]);
	sh[3] = 4;
	pr[1] = 5;
	sh[2] = 1;
	reap(pid, "child saw parent's shared write and not the private one");
	return 0;
}
