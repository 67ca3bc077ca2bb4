/* Shared mappings of a host file through the gofer: stores are seen by
 * read(2) and by another process at once, write(2) is seen by the
 * mapping, and the host file has everything after msync, munmap and
 * close (checked by reading it back after the mapping is gone). */
#include "gofer.h"

#include <sys/mman.h>

int main(void)
{
	char buf[32];
	char *p, *q;
	int fd;
	pid_t pid;

	scratch_enter();
	fd = open("m", O_RDWR | O_CREAT, 0644);
	SHOWOK(ftruncate(fd, 8192));
	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	SHOWOK(p != MAP_FAILED);
	memcpy(p, "mapped", 6);
	memcpy(p + 4096, "page2", 5);
	SHOW(pread(fd, buf, 6, 0));
	printf("read sees: %.6s\n", buf);
	SHOW(pwrite(fd, "WRITE", 5, 100));
	printf("mapping sees: %.5s\n", p + 100);
	/* Another process mapping the same file shares the pages. */
	pid = fork();
	if (pid == 0) {
		int f2 = open("m", O_RDWR);
		char *c = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, f2, 0);

		printf("child sees: %.6s\n", c);
		memcpy(c + 10, "child", 5);
		munmap(c, 4096);
		close(f2);
		_exit(0);
	}
	reap(pid, "child");
	printf("parent sees: %.5s\n", p + 10);
	SHOWOK(msync(p, 8192, MS_SYNC));
	SHOWOK(munmap(p, 8192));
	/* Private mappings never write back. */
	q = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	memcpy(q, "PRIVATE", 7);
	munmap(q, 4096);
	SHOWOK(fsync(fd));
	close(fd);
	fd = open("m", O_RDONLY);
	SHOW(pread(fd, buf, 20, 0));
	printf("file: %.6s|%.5s|%.5s\n", buf, buf + 10, buf + 100 > buf + 20 ? "" : "");
	SHOW(pread(fd, buf, 5, 100));
	printf("file at 100: %.5s\n", buf);
	SHOW(pread(fd, buf, 5, 4096));
	printf("file at 4096: %.5s\n", buf);
	close(fd);
	SHOWOK(unlink("m"));
	scratch_leave();
	return 0;
}
