/* Several processes map the same host file for the first time at once
 * (a process's first mapping of a gofer file makes its page cache, after
 * a round trip to the gofer): each sees the file's bytes, and every
 * mapping holds its own reference, so the last unmap, in any order,
 * leaves the sandbox sound. Repeated over fresh files. */
#include "gofer.h"

#include <sys/mman.h>

#define NPROC 6
#define ROUNDS 12

int main(void)
{
	int bad = 0;

	scratch_enter();
	for (int r = 0; r < ROUNDS; r++) {
		char name[32], want[64];
		int go[2], fd;
		pid_t pids[NPROC];

		snprintf(name, sizeof(name), "f%d", r);
		snprintf(want, sizeof(want), "round %d contents", r);
		fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, want, strlen(want)) != (ssize_t)strlen(want)) {
			printf("setup %d failed: %s\n", r, strerror(errno));
			return 1;
		}
		close(fd);
		if (pipe(go) < 0)
			return 1;
		for (int i = 0; i < NPROC; i++) {
			pids[i] = fork();
			if (pids[i] == 0) {
				char c;
				int f = open(name, O_RDONLY);
				char *p;

				close(go[1]);
				if (read(go[0], &c, 1) != 0)
					_exit(3);
				p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, f, 0);
				if (p == MAP_FAILED)
					_exit(4);
				if (memcmp(p, want, strlen(want)))
					_exit(5);
				/* Unmap in different orders. */
				if (i % 2)
					usleep(1000 * i);
				munmap(p, 4096);
				close(f);
				_exit(0);
			}
		}
		close(go[0]);
		close(go[1]);   /* everyone maps now */
		for (int i = 0; i < NPROC; i++) {
			int st;

			if (waitpid(pids[i], &st, 0) != pids[i] || !WIFEXITED(st) ||
			    WEXITSTATUS(st)) {
				printf("round %d child %d: status %#x\n", r, i, st);
				bad++;
			}
		}
		unlink(name);
	}
	printf("%d rounds of %d processes mapping one file at once: %d failures\n",
	       ROUNDS, NPROC, bad);
	scratch_leave();
	return 0;
}
