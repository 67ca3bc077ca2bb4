/* /proc/self/cmdline and environ of a process exec'd with known argv and
 * envp (empty strings and spaces included), and a parent reading its
 * child's. */
#include "procutil.h"

static void dump(const char *label, const char *path)
{
	size_t n;
	char *s = readfile_n(path, &n);

	printf("%s (%zu):", label, s ? n : 0);
	for (size_t i = 0; s && i < n; i++)
		printf(s[i] ? "%c" : "|", s[i]);
	printf("\n");
	free(s);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "child")) {
		dump("cmdline", "/proc/self/cmdline");
		dump("environ", "/proc/self/environ");
		if (argc > 4) {
			/* Tell the parent, then wait to be read and killed. */
			write(1, "", 0);
			pause();
		}
		return 0;
	}
	{
		char *const av[] = { "prog", "child", "a b", "", "last", NULL };
		char *const ev[] = { "A=1", "EMPTY=", "SPACE=x y", NULL };
		pid_t pid = fork();

		if (pid == 0) {
			char *const av1[] = { "prog", "child", "x", NULL };

			execve(argv[0], av1, ev);
			_exit(127);
		}
		reap(pid, "child1");
		/* A longer one, read by the parent while it waits. */
		int pfd[2];

		pipe(pfd);
		pid = fork();
		if (pid == 0) {
			dup2(pfd[1], 1);
			execve(argv[0], av, ev);
			_exit(127);
		}
		close(pfd[1]);
		{
			char buf[4096];
			ssize_t n, tot = 0;
			char path[64];

			/* The child prints two lines before pausing. */
			while (tot < 2 || !strchr(buf, '\n') || !strchr(strchr(buf, '\n') + 1, '\n')) {
				n = read(pfd[0], buf + tot, sizeof(buf) - 1 - (size_t)tot);
				if (n <= 0)
					break;
				tot += n;
				buf[tot] = 0;
			}
			fputs(buf, stdout);
			snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
			dump("parent sees cmdline", path);
			snprintf(path, sizeof(path), "/proc/%d/environ", pid);
			dump("parent sees environ", path);
		}
		kill(pid, SIGKILL);
		reap(pid, "child2");
	}
	return 0;
}
