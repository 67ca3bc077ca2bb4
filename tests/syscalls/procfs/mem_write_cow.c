/* Writes through /proc/PID/mem to pages shared copy-on-write after a
 * fork: the writer's target sees what was written at once (its own
 * process, and a child blocked in read), and the other side of the fork
 * keeps its own copy. */
#include "../common.h"
#include <fcntl.h>
#include <sys/mman.h>

#define PAGES 128

int main(void)
{
	size_t n = PAGES * 4096;
	char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int go[2], done[2], fd;
	char path[64], c;
	pid_t child;

	if (p == MAP_FAILED || pipe(go) || pipe(done))
		return 1;
	memset(p, 'a', n);
	child = fork();
	if (child == 0) {
		/* Blocked while the parent writes into us. */
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		printf("child: page 5 %c, page 100 %c\n", p[5 * 4096], p[100 * 4096]);
		fflush(stdout);
		_exit(0);
	}
	/* Our own page, shared with the child: written through our mem. */
	(void)*(volatile char *)(p + 100 * 4096);
	fd = open("/proc/self/mem", O_RDWR);
	printf("open self mem: %s\n", fd >= 0 ? "ok" : strerror(errno));
	printf("pwrite self: %zd\n", pwrite(fd, "Z", 1, (off_t)(unsigned long)(p + 100 * 4096)));
	printf("parent: page 100 %c\n", p[100 * 4096]);
	close(fd);
	/* The child's page 5, still shared with us. */
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)child);
	fd = open(path, O_RDWR);
	printf("open child mem: %s\n", fd >= 0 ? "ok" : strerror(errno));
	printf("pwrite child: %zd\n", pwrite(fd, "Q", 1, (off_t)(unsigned long)(p + 5 * 4096)));
	close(fd);
	printf("parent: page 5 %c\n", p[5 * 4096]);
	if (write(go[1], "x", 1) != 1)
		return 1;
	reap(child, "child");
	return 0;
}
