/* getrlimit/setrlimit/prlimit: values set are read back, soft above hard
 * is EINVAL, raising hard is allowed to root only up to nr_open (we only
 * lower), RLIMIT_NOFILE is enforced by dup; bad resource EINVAL. */
#include "../common.h"
#include <fcntl.h>
#include <sys/resource.h>

int main(void)
{
	struct rlimit r, old, n;

	SHOW(getrlimit(RLIMIT_NOFILE, &old));
	r.rlim_cur = 20;
	r.rlim_max = 40;
	SHOW(setrlimit(RLIMIT_NOFILE, &r));
	getrlimit(RLIMIT_NOFILE, &n);
	printf("NOFILE now %lu/%lu\n", (unsigned long)n.rlim_cur, (unsigned long)n.rlim_max);
	int last = -1, fd;
	while ((fd = dup(0)) >= 0)
		last = fd;
	printf("last fd %d, then %s\n", last, errname(errno));
	SHOW(fcntl(0, F_DUPFD, 25));
	r.rlim_cur = 50;
	SHOW(setrlimit(RLIMIT_NOFILE, &r));
	r.rlim_cur = 30;
	SHOW(prlimit(0, RLIMIT_NOFILE, &r, &old));
	printf("prlimit old %lu/%lu\n", (unsigned long)old.rlim_cur, (unsigned long)old.rlim_max);
	SHOW(prlimit(getpid(), RLIMIT_NOFILE, NULL, &n));
	printf("NOFILE now %lu/%lu\n", (unsigned long)n.rlim_cur, (unsigned long)n.rlim_max);

	r.rlim_cur = 1 << 20;
	r.rlim_max = 1 << 21;
	SHOW(setrlimit(RLIMIT_STACK, &r));
	getrlimit(RLIMIT_STACK, &n);
	printf("STACK %lu/%lu\n", (unsigned long)n.rlim_cur, (unsigned long)n.rlim_max);
	r.rlim_cur = RLIM_INFINITY;
	r.rlim_max = RLIM_INFINITY;
	SHOW(setrlimit(RLIMIT_CORE, &r));
	getrlimit(RLIMIT_CORE, &n);
	printf("CORE infinite: %d\n", n.rlim_cur == RLIM_INFINITY);
	SHOW(getrlimit(99, &n));
	SHOW(syscall(SYS_getrlimit, RLIMIT_NOFILE, (void *)8));
	SHOW(prlimit(0x3fffffff, RLIMIT_NOFILE, NULL, &n));
	/* Limits are inherited across fork. */
	pid_t pid = fork();
	if (pid == 0) {
		getrlimit(RLIMIT_NOFILE, &n);
		_exit(n.rlim_cur == 30 ? 0 : 1);
	}
	reap(pid, "child sees inherited limit");
	return 0;
}
