/* A tmpfs file's MAP_SHARED pages are its page cache: writes through the
 * mapping are read by read(2) and by another process's mapping, write(2)
 * shows in the mapping, private mappings copy on write, and touching a
 * page wholly past the end raises SIGBUS. */
#include "tmpfsutil.h"
#include <setjmp.h>
#include <sys/mman.h>

static sigjmp_buf jb;

static void on_bus(int s)
{
	siglongjmp(jb, s);
}

static void body(const char *dir)
{
	char p[128], buf[16] = { 0 };
	char *sh, *pv;
	int fd;
	pid_t pid;

	tf_path(p, sizeof(p), "m");
	fd = open(p, O_CREAT | O_RDWR, 0644);
	SHOW(ftruncate(fd, 4096));
	sh = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	pv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	SHOW(sh != MAP_FAILED && pv != MAP_FAILED);
	memcpy(sh, "mapped", 6);
	SHOW(pread(fd, buf, 6, 0));
	printf("read sees %s\n", buf);
	SHOW(pwrite(fd, "WRITE", 5, 100));
	printf("map sees %.5s private sees %.5s\n", sh + 100, pv + 100);
	pv[0] = 'P';
	printf("after private write: shared %.6s private %.6s\n", sh, pv);
	pid = fork();
	if (pid == 0) {
		int c = open(p, O_RDWR);
		char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, c, 0);

		memcpy(m + 200, "child", 5);
		_exit(0);
	}
	reap(pid, "child");
	printf("parent sees %.5s\n", sh + 200);
	/* The second page of the mapping is past the end of the file. */
	signal(SIGBUS, on_bus);
	if (sigsetjmp(jb, 1) == 0) {
		volatile char c = sh[4096];

		(void)c;
		printf("no SIGBUS\n");
	} else {
		printf("SIGBUS past the end\n");
	}
	/* Growing the file makes it reachable. */
	SHOW(ftruncate(fd, 8192));
	sh[4096] = 'g';
	SHOW(pread(fd, buf, 1, 4096));
	printf("grown page: %c\n", buf[0]);
	{
		struct stat s;

		fstat(fd, &s);
		printf("size=%ld blocks=%ld\n", (long)s.st_size, (long)s.st_blocks);
	}
}

int main(void)
{
	return tf_run("size=1m", body);
}
