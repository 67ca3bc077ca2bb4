/* File-backed mappings of a host file: contents match read(), offsets are
 * page-granular, MAP_PRIVATE writes stay private (the file and other
 * mappings are unchanged), MAP_SHARED+PROT_WRITE of a read-only fd is
 * EACCES, and a private mapping survives close(). */
#include "../common.h"
#include "mm.h"
#include <fcntl.h>

int main(void)
{
	int fd = open(data_path("pages.bin"), O_RDONLY);
	char buf[8];
	char *a, *b, *c;

	a = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	b = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 4096);
	c = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 2 * 4096);
	EXPECT(a != MAP_FAILED && b != MAP_FAILED && c != MAP_FAILED);
	printf("a: %c %c %c, b: %c, c: %c\n", a[0], a[4096], a[2 * 4096 + 4095], b[0], c[0]);
	a[4096] = 'X';
	a[2 * 4096] = 'Y';
	pread(fd, buf, 1, 4096);
	printf("after private write: a=%c b=%c c=%c file=%c\n", a[4096], b[0], c[0], buf[0]);
	SHOW(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 100));
	SHOW(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
	close(fd);
	printf("after close: %c %c\n", a[0], b[10]);
	/* Fork: the child sees the parent's private copy, and its own writes stay its own. */
	pid_t pid = fork();
	if (pid == 0) {
		int ok = a[4096] == 'X';

		a[4096] = 'Z';
		_exit(ok ? 0 : 1);
	}
	reap(pid, "child");
	printf("parent copy: %c\n", a[4096]);
	SHOW(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 0x7fff, 0));
	int dfd = open(data_path("dir"), O_RDONLY | O_DIRECTORY);
	SHOW(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, dfd, 0));
	return 0;
}
