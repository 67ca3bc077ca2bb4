/* Copy-up keeps a sparse file sparse where the lower one has holes, and
 * keeps the data it has (zeros included): same size, same blocks. */
#include "ovl.h"

int main(void)
{
	char page[4096];
	struct stat a, b;
	int fd;

	ovl_setup();
	fd = open(P(L, "sparse"), O_WRONLY | O_CREAT, 0644);
	memset(page, 'a', sizeof(page));
	pwrite(fd, page, sizeof(page), 0);
	memset(page, 0, sizeof(page));
	pwrite(fd, page, sizeof(page), 3 * 4096);     /* written zeros */
	memset(page, 'z', sizeof(page));
	pwrite(fd, page, 100, 6 * 4096);
	ftruncate(fd, 10 * 4096);                      /* a hole at the end */
	close(fd);
	/* Big holes: skipped at the 1 MiB chunk boundaries only. */
	fd = open(P(L, "big"), O_WRONLY | O_CREAT, 0644);
	pwrite(fd, "data", 4, 3 << 20);
	pwrite(fd, "more", 4, (5 << 20) + 4096);
	ftruncate(fd, 9 << 20);
	close(fd);
	ovl_mount();

	stat(P(L, "sparse"), &a);
	SHOWOK(chmod(P(M, "sparse"), 0600));
	stat(P(U, "sparse"), &b);
	printf("size %lld -> %lld\n", (long long)a.st_size, (long long)b.st_size);
	printf("blocks %lld -> %lld\n", (long long)a.st_blocks, (long long)b.st_blocks);
	fd = open(P(M, "sparse"), O_RDONLY);
	SHOW(lseek(fd, 0, SEEK_HOLE));
	SHOW(lseek(fd, 4096, SEEK_DATA));
	SHOW(lseek(fd, 4 * 4096, SEEK_DATA));
	SHOW(lseek(fd, 7 * 4096, SEEK_DATA));
	SHOW(pread(fd, page, 1, 6 * 4096));
	printf("byte at 6 pages: %c\n", page[0]);
	close(fd);

	stat(P(L, "big"), &a);
	SHOWOK(truncate(P(M, "big"), 8 << 20));
	stat(P(U, "big"), &b);
	printf("big size %lld -> %lld\n", (long long)a.st_size, (long long)b.st_size);
	printf("big blocks %lld -> %lld\n", (long long)a.st_blocks, (long long)b.st_blocks);
	fd = open(P(M, "big"), O_RDONLY);
	SHOW(lseek(fd, 0, SEEK_DATA));
	SHOW(pread(fd, page, 4, (5 << 20) + 4096));
	printf("more: %.4s\n", page);
	close(fd);
	ovl_cleanup();
	return 0;
}
