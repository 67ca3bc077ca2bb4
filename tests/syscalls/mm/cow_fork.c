/* Copy-on-write after fork: writes by the child to globals, heap, stack and
 * private mappings are not seen by the parent, and writes by the parent
 * after the fork are not seen by the child. */
#include "../common.h"
#include <sys/mman.h>

static int global = 10;

int main(void)
{
	int stackv = 20;
	int *heap = malloc(1 << 20);
	char *map = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int p2c[2], c2p[2];
	char c;
	pid_t pid;

	heap[0] = 30;
	heap[200000] = 31;
	memset(map, 'p', 1 << 20);
	pipe(p2c);
	pipe(c2p);
	pid = fork();
	if (pid == 0) {
		int bad = 0;

		global = 11;
		stackv = 21;
		heap[0] = 32;
		memset(map, 'c', 1 << 19);
		write(c2p[1], "w", 1);
		read(p2c[0], &c, 1);	/* parent has written now */
		bad |= global != 11;
		bad |= stackv != 21;
		bad |= heap[0] != 32 || heap[200000] != 31;
		bad |= map[0] != 'c' || map[(1 << 19) + 1] != 'p';
		_exit(bad);
	}
	read(c2p[0], &c, 1);
	printf("parent after child writes: global=%d stack=%d heap=%d,%d map=%c,%c\n", global,
	       stackv, heap[0], heap[200000], map[0], map[(1 << 20) - 1]);
	global = 12;
	heap[200000] = 33;
	memset(map + (1 << 19), 'q', 1 << 19);
	write(p2c[1], "w", 1);
	reap(pid, "child (0 = isolated from parent)");

	/* Many generations of COW on the same page. */
	for (int i = 0; i < 5; i++) {
		pid = fork();
		if (pid == 0) {
			global += 100;
			_exit(global - 100 == 12 ? 0 : 1);
		}
		reap(pid, "generation");
	}
	printf("global=%d\n", global);
	return 0;
}
