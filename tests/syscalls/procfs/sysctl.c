/* /proc/sys: the kernel, vm, fs and net files programs read, checked for
 * format and against uname; read-only files refuse writers. */
#include "procutil.h"
#include <sys/utsname.h>

static char *rd(const char *p)
{
	char *s = readfile(p);

	if (!s)
		printf("%s: %s\n", p, errname(errno));
	return s;
}

static int numeric(const char *s)
{
	char *end;

	if (!s)
		return 0;
	strtoll(s, &end, 10);
	return end != s && !strcmp(end, "\n");
}

int main(void)
{
	struct utsname u;
	char *s, *t, want[128];

	uname(&u);
	s = rd("/proc/sys/kernel/ostype");
	printf("ostype=%s", s);
	free(s);
	s = rd("/proc/sys/kernel/hostname");
	snprintf(want, sizeof(want), "%s\n", u.nodename);
	EXPECT(s && !strcmp(s, want));
	free(s);
	s = rd("/proc/sys/kernel/osrelease");
	snprintf(want, sizeof(want), "%s\n", u.release);
	EXPECT(s && !strcmp(s, want));
	free(s);
	s = rd("/proc/sys/kernel/domainname");
	snprintf(want, sizeof(want), "%s\n", u.domainname);
	EXPECT(s && !strcmp(s, want));
	free(s);
	const char *nums[] = { "/proc/sys/kernel/pid_max", "/proc/sys/kernel/ngroups_max",
			       "/proc/sys/kernel/cap_last_cap", "/proc/sys/vm/overcommit_memory",
			       "/proc/sys/fs/file-max", "/proc/sys/net/core/somaxconn",
			       "/proc/sys/fs/nr_open", "/proc/sys/vm/max_map_count" };
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		s = rd(nums[i]);
		printf("%s numeric: %s\n", nums[i], numeric(s) ? "yes" : "no");
		free(s);
	}
	s = rd("/proc/sys/kernel/ngroups_max");
	printf("ngroups_max=%s", s);
	free(s);
	s = rd("/proc/sys/kernel/random/uuid");
	t = rd("/proc/sys/kernel/random/uuid");
	EXPECT(s && t && strlen(s) == 37 && s[8] == '-' && s[14] == '4' && strcmp(s, t));
	free(s);
	free(t);
	s = rd("/proc/sys/kernel/random/boot_id");
	t = rd("/proc/sys/kernel/random/boot_id");
	EXPECT(s && t && strlen(s) == 37 && !strcmp(s, t));
	free(s);
	free(t);
	{
		int fd = open("/proc/sys/kernel/ostype", O_WRONLY);

		printf("open ostype for writing: %s\n", fd < 0 ? errname(errno) : "ok");
		if (fd >= 0)
			close(fd);
	}
	{
		/* Writes to other read-only proc files fail at write. */
		const char *paths[] = { "/proc/self/status", "/proc/meminfo" };

		for (int i = 0; i < 2; i++) {
			int fd = open(paths[i], O_WRONLY);
			ssize_t r;

			if (fd < 0) {
				printf("%s open: %s\n", paths[i], errname(errno));
				continue;
			}
			r = write(fd, "x", 1);
			printf("%s write: %zd %s\n", paths[i], r, r < 0 ? errname(errno) : "");
			close(fd);
		}
	}
	return 0;
}
