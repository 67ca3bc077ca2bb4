/* /proc lists live processes: a child appears, stays while a zombie
 * and disappears when reaped; per-pid entries and their modes. */
#include "procutil.h"
#include <dirent.h>

static int listed(pid_t pid)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int found = 0;

	while ((de = readdir(d)))
		if (atoi(de->d_name) == pid && de->d_type == DT_DIR)
			found = 1;
	closedir(d);
	return found;
}

int main(void)
{
	int pfd[2];
	pid_t pid;
	char c, p[64];
	struct stat st;
	int fd;

	EXPECT(listed(getpid()));
	pipe(pfd);
	pid = fork();
	if (pid == 0) {
		read(pfd[0], &c, 1);
		_exit(3);
	}
	EXPECT(listed(pid));
	snprintf(p, sizeof(p), "/proc/%d", pid);
	fd = open(p, O_RDONLY | O_DIRECTORY);
	write(pfd[1], "x", 1);
	{
		siginfo_t si;

		waitid(P_PID, pid, &si, WEXITED | WNOWAIT);
	}
	EXPECT(listed(pid));
	SHOWOK(stat(p, &st));
	reap(pid, "child");
	EXPECT(!listed(pid));
	SHOW(stat(p, &st));
	/* A directory opened before the reap now holds nothing. */
	SHOW(openat(fd, "status", O_RDONLY));
	close(fd);
	{
		const char *ents[] = { "status", "stat", "statm", "maps", "cmdline", "environ", "comm",
				       "fd", "fdinfo", "task", "exe", "cwd", "root", "mounts",
				       "mountinfo", "cgroup", "limits", "auxv", "oom_score_adj", "ns" };

		for (size_t i = 0; i < sizeof(ents) / sizeof(ents[0]); i++) {
			snprintf(p, sizeof(p), "/proc/self/%s", ents[i]);
			if (lstat(p, &st) < 0)
				printf("%s: %s\n", ents[i], errname(errno));
			else
				printf("%s: mode=%o uid_ok=%d\n", ents[i], st.st_mode,
				       st.st_uid == geteuid());
		}
	}
	return 0;
}
