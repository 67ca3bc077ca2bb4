/* Several processes modify the same lower files at once (lower layer on
 * another filesystem: the gofer in the sandbox): every copy-up happens
 * once, no writer fails, nothing is lost. */
#include "ovl.h"

#define NPROC 6
#define NFILE 3

int main(void)
{
	char opts[PATH_MAX * 2], lower[PATH_MAX], buf[4096];
	const char *files[NFILE] = { "alpha", "beta", "gamma" };
	pid_t pids[NPROC];
	int bad = 0;

	if (!realpath(data_path("dir"), lower)) {
		printf("no fixtures: %s\n", errname(errno));
		return 1;
	}
	ovl_setup();
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", lower, U, W);
	if (ovl_mount_opts(opts) < 0)
		return 1;
	for (int p = 0; p < NPROC; p++) {
		pids[p] = fork();
		if (pids[p] == 0) {
			int fail = 0;

			for (int round = 0; round < 20; round++) {
				for (int f = 0; f < NFILE; f++) {
					char line[32];
					int fd = open(P(M, files[(f + p) % NFILE]), O_WRONLY | O_APPEND);

					snprintf(line, sizeof(line), "p%d r%02d\n", p, round);
					if (fd < 0 || write(fd, line, strlen(line)) != (ssize_t)strlen(line))
						fail++;
					if (fd >= 0)
						close(fd);
					if (access(P(M, "sub"), F_OK) < 0)
						fail++;
				}
			}
			_exit(fail ? 1 : 0);
		}
	}
	for (int p = 0; p < NPROC; p++) {
		int st;

		waitpid(pids[p], &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			bad++;
	}
	printf("writers failed: %d\n", bad);
	for (int f = 0; f < NFILE; f++) {
		int fd = open(P(M, files[f]), O_RDONLY), lines = 0;
		ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));

		for (ssize_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
		printf("%s: %d lines, starts with the lower text: %s\n", files[f], lines,
		       n > 0 && !strncmp(buf, files[f], strlen(files[f])) ? "yes" : "no");
		close(fd);
	}
	ls("upper", U);
	cat("fixture alpha", P(lower, "alpha"));
	ovl_cleanup();
	return 0;
}
