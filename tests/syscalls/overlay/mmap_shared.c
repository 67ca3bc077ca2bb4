/* A MAP_SHARED writable mapping of a lower file maps the upper copy:
 * stores through it are seen by read(2), and the lower file is untouched. */
#include "ovl.h"
#include <sys/mman.h>

int main(void)
{
	char buf[32];
	char *m;
	int fd, fd2;

	ovl_setup();
	put(P(L, "f"), "hello lower world");
	put(P(L, "r"), "read only map");
	ovl_mount();

	fd = open(P(M, "f"), O_RDWR);
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		printf("mmap: %s\n", errname(errno));
		return 1;
	}
	memcpy(m + 6, "UPPER", 5);
	fd2 = open(P(M, "f"), O_RDONLY);
	memset(buf, 0, sizeof(buf));
	SHOW(read(fd2, buf, sizeof(buf) - 1));
	printf("read after store: [%s]\n", buf);
	/* write(2) shows up in the mapping. */
	SHOW(pwrite(fd, "HELLO", 5, 0));
	printf("mapping after write: [%.17s]\n", m);
	SHOWOK(msync(m, 4096, MS_SYNC));
	munmap(m, 4096);
	close(fd);
	close(fd2);
	cat("upper", P(U, "f"));
	cat("lower", P(L, "f"));

	/* A read-only shared mapping of a lower file needs no copy-up. */
	fd = open(P(M, "r"), O_RDONLY);
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	printf("ro map: [%.13s]\n", m == MAP_FAILED ? "failed" : m);
	EXPECT(access(P(U, "r"), F_OK) < 0);
	SHOW(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED);
	close(fd);
	ovl_cleanup();
	return 0;
}
