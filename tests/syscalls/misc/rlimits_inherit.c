/* The sandbox's first process inherits the resource limits of whoever
 * started runsc, as a program inherits its parent's: every limit read
 * back here matches the native run (the harness starts both from the
 * same shell). A child re-executed through a shell sees the same. A
 * lowered soft limit is inherited across fork and exec. */
#include "../common.h"
#include <sys/resource.h>

static const char *const names[] = {
	"CPU", "FSIZE", "DATA", "STACK", "CORE", "RSS", "NPROC", "NOFILE",
	"MEMLOCK", "AS", "LOCKS", "SIGPENDING", "MSGQUEUE", "NICE", "RTPRIO",
	"RTTIME",
};

static void show_limits(const char *who)
{
	for (int i = 0; i < RLIM_NLIMITS; i++) {
		struct rlimit r;

		if (getrlimit(i, &r) < 0) {
			printf("%s %s: %s\n", who, names[i], errname(errno));
			continue;
		}
		printf("%s %s:", who, names[i]);
		if (r.rlim_cur == RLIM_INFINITY)
			printf(" unlimited");
		else
			printf(" %llu", (unsigned long long)r.rlim_cur);
		if (r.rlim_max == RLIM_INFINITY)
			printf(" unlimited\n");
		else
			printf(" %llu\n", (unsigned long long)r.rlim_max);
	}
}

int main(int argc, char **argv)
{
	struct rlimit r;

	if (argc > 1) {
		show_limits(argv[1]);
		return 0;
	}
	show_limits("init");
	SHOW(getrlimit(RLIMIT_NOFILE, &r));
	r.rlim_cur = r.rlim_cur > 100 ? r.rlim_cur - 100 : r.rlim_cur;
	SHOW(setrlimit(RLIMIT_NOFILE, &r));
	pid_t pid = fork();
	if (pid == 0) {
		char *args[] = { argv[0], "child", NULL };

		execv("/proc/self/exe", args);
		_exit(99);
	}
	reap(pid, "child");
	return 0;
}
