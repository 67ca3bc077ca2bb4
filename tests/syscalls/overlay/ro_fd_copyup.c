/* A file opened read-only before another opener copies it up reads the
 * upper copy afterwards (Linux 4.19+); a mapping made before keeps
 * showing the lower pages it already had. */
#include "ovl.h"
#include <sys/mman.h>

int main(void)
{
	char buf[32];
	char *m;
	int ro, rw;

	ovl_setup();
	put(P(L, "f"), "lower data");
	put(P(L, "g"), "lower data");
	ovl_mount();

	ro = open(P(M, "f"), O_RDONLY);
	memset(buf, 0, sizeof(buf));
	SHOW(read(ro, buf, 5));
	printf("before: [%s]\n", buf);
	rw = open(P(M, "f"), O_WRONLY | O_TRUNC);
	SHOW(write(rw, "NEW DATA!!", 10));
	close(rw);
	memset(buf, 0, sizeof(buf));
	SHOW(read(ro, buf, sizeof(buf) - 1));
	printf("after, same fd: [%s]\n", buf);
	SHOW(lseek(ro, 0, SEEK_END));
	close(ro);

	ro = open(P(M, "g"), O_RDONLY);
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, ro, 0);
	printf("map before: [%.10s]\n", m);
	rw = open(P(M, "g"), O_WRONLY);
	SHOW(write(rw, "G", 1));
	close(rw);
	printf("map after: [%.10s]\n", m);
	memset(buf, 0, sizeof(buf));
	SHOW(pread(ro, buf, 10, 0));
	printf("read after: [%s]\n", buf);
	cat("lower g", P(L, "g"));
	ovl_cleanup();
	return 0;
}
