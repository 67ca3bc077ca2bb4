/* Exec target: for each fd number in argv, prints whether it is open
 * across the exec (close-on-exec descriptors must be gone). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		int fd = atoi(argv[i]);
		int r = fcntl(fd, F_GETFD);

		printf("fd %s after exec: %s\n", i == 1 ? "plain" : "cloexec",
		       r >= 0 ? "open" : (errno == EBADF ? "EBADF" : "other"));
	}
	return 0;
}
