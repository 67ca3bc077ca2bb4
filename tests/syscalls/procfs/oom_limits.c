/* oom_score_adj (read, write, range checks) and limits (the table
 * programs parse, against getrlimit). */
#include "procutil.h"
#include <sys/resource.h>

static void wr(const char *s)
{
	int fd = open("/proc/self/oom_score_adj", O_WRONLY);
	ssize_t r = write(fd, s, strlen(s));

	printf("write [%s] = %zd %s\n", s, r, r < 0 ? errname(errno) : "");
	close(fd);
}

static const char *lim(rlim_t v, char *buf)
{
	if (v == RLIM_INFINITY)
		return "unlimited";
	sprintf(buf, "%llu", (unsigned long long)v);
	return buf;
}

int main(void)
{
	char *s;
	struct rlimit rl = { 100, 200 };

	wr("100");
	s = readfile("/proc/self/oom_score_adj");
	printf("oom_score_adj=%s", s);
	free(s);
	wr("1001");
	wr("abc");
	wr("50\n");
	s = readfile("/proc/self/oom_score_adj");
	printf("oom_score_adj=%s", s);
	free(s);
	s = readfile("/proc/self/oom_score");
	EXPECT(s && atoi(s) >= 0);
	free(s);

	setrlimit(RLIMIT_NOFILE, &rl);
	s = readfile("/proc/self/limits");
	printf("%.*s", (int)(strchr(s, '\n') - s + 1), s);
	{
		const char *names[] = { "Max open files", "Max stack size", "Max processes",
					"Max nice priority", "Max realtime timeout" };
		int res[] = { RLIMIT_NOFILE, RLIMIT_STACK, RLIMIT_NPROC, RLIMIT_NICE, RLIMIT_RTTIME };

		for (int i = 0; i < 5; i++) {
			char *l = strstr(s, names[i]), want[256], b1[32], b2[32];
			struct rlimit r;

			getrlimit(res[i], &r);
			snprintf(want, sizeof(want), "%-25s %-20s %-20s ", names[i], lim(r.rlim_cur, b1),
				 lim(r.rlim_max, b2));
			EXPECT(l && !strncmp(l, want, strlen(want)));
			printf("%s units=[%.*s]\n", names[i], (int)(strchr(l, '\n') - l - 67),
			       l + 67);
		}
	}
	free(s);
	return 0;
}
