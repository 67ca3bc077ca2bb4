/* O_TMPFILE in a merged directory lives in the upper layer; linkat gives
 * it a name there. */
#include "ovl.h"

int main(void)
{
	char path[64];
	struct stat s;
	int fd;

	ovl_setup();
	mkdir(P(L, "d"), 0755);
	put(P(L, "d/old"), "old");
	ovl_mount();

	fd = open(P(M, "d"), O_TMPFILE | O_RDWR, 0640);
	SHOWOK(fd);
	SHOW(write(fd, "temporary", 9));
	SHOWOK(fstat(fd, &s));
	printf("nlink %ld mode %o size %lld\n", (long)s.st_nlink, s.st_mode & 07777,
	       (long long)s.st_size);
	ls("merged d", P(M, "d"));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	SHOWOK(linkat(AT_FDCWD, path, AT_FDCWD, P(M, "d/named"), AT_SYMLINK_FOLLOW));
	close(fd);
	cat("merged named", P(M, "d/named"));
	cat("upper named", P(U, "d/named"));
	ls("merged d", P(M, "d"));
	ls("lower d", P(L, "d"));
	ovl_cleanup();
	return 0;
}
