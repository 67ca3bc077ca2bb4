/* truncate(2), ftruncate and O_TRUNC on lower files copy up only what
 * is kept; the lower file keeps its size. */
#include "ovl.h"

int main(void)
{
	char big[10000];
	struct stat s;
	int fd;

	memset(big, 'z', sizeof(big));
	ovl_setup();
	put(P(L, "f"), "0123456789");
	put(P(L, "g"), "abcdef");
	put(P(L, "h"), "hhhh");
	fd = open(P(L, "big"), O_WRONLY | O_CREAT, 0644);
	write(fd, big, sizeof(big));
	close(fd);
	ovl_mount();

	SHOWOK(truncate(P(M, "f"), 4));
	cat("merged f", P(M, "f"));
	cat("lower f", P(L, "f"));
	SHOWOK(truncate(P(M, "f"), 8));
	stat(P(M, "f"), &s);
	printf("grown size %lld\n", (long long)s.st_size);

	fd = open(P(M, "g"), O_WRONLY | O_TRUNC);
	SHOWOK(fd);
	close(fd);
	st("merged g", P(M, "g"));
	st("upper g", P(U, "g"));
	cat("lower g", P(L, "g"));

	fd = open(P(M, "h"), O_RDWR);
	SHOWOK(ftruncate(fd, 2));
	close(fd);
	cat("merged h", P(M, "h"));

	SHOWOK(truncate(P(M, "big"), 5000));
	stat(P(M, "big"), &s);
	printf("big size %lld\n", (long long)s.st_size);
	stat(P(L, "big"), &s);
	printf("lower big size %lld\n", (long long)s.st_size);
	SHOW(truncate(P(M, "nope"), 0));
	ovl_cleanup();
	return 0;
}
