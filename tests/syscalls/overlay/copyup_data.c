/* Writing to a lower file copies it up: the merged view and the upper
 * copy have the new data, the lower file is untouched. */
#include "ovl.h"

int main(void)
{
	int fd;

	ovl_setup();
	put(P(L, "f"), "lower data");
	mkdir(P(L, "d"), 0755);
	put(P(L, "d/g"), "nested");
	ovl_mount();

	cat("merged before", P(M, "f"));
	EXPECT(access(P(U, "f"), F_OK) < 0);
	/* A read-only open does not copy up. */
	fd = open(P(M, "f"), O_RDONLY);
	SHOWOK(fd);
	close(fd);
	EXPECT(access(P(U, "f"), F_OK) < 0);

	fd = open(P(M, "f"), O_WRONLY);
	SHOWOK(fd);
	SHOW(pwrite(fd, "UPPER", 5, 0));
	close(fd);
	cat("merged after", P(M, "f"));
	cat("upper", P(U, "f"));
	cat("lower", P(L, "f"));

	/* Nested: the parent directory is copied up first. */
	fd = open(P(M, "d/g"), O_RDWR | O_APPEND);
	SHOWOK(fd);
	SHOW(write(fd, "+more", 5));
	close(fd);
	st("upper d", P(U, "d"));
	cat("merged d/g", P(M, "d/g"));
	cat("upper d/g", P(U, "d/g"));
	cat("lower d/g", P(L, "d/g"));
	ovl_cleanup();
	return 0;
}
