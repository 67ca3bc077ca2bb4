/* chmod, chown and utimensat on lower objects copy them up (data too)
 * and change only the upper copy. */
#include "ovl.h"

int main(void)
{
	struct timespec ts[2] = { { 1500000000, 0 }, { 1600000000, 0 } };
	struct stat s;

	ovl_setup();
	put(P(L, "f"), "some data");
	put(P(L, "g"), "gdata");
	put(P(L, "h"), "hdata");
	mkdir(P(L, "d"), 0755);
	put(P(L, "d/in"), "in");
	symlink("f", P(L, "link"));
	ovl_mount();

	SHOWOK(chmod(P(M, "f"), 0600));
	st("merged f", P(M, "f"));
	st("upper f", P(U, "f"));
	st("lower f", P(L, "f"));
	cat("upper f", P(U, "f"));

	SHOWOK(chown(P(M, "g"), 77, 88));
	st("merged g", P(M, "g"));
	st("lower g", P(L, "g"));
	cat("upper g", P(U, "g"));

	SHOWOK(utimensat(AT_FDCWD, P(M, "h"), ts, 0));
	stat(P(M, "h"), &s);
	printf("merged h mtime %lld\n", (long long)s.st_mtim.tv_sec);
	stat(P(L, "h"), &s);
	printf("lower h mtime changed: %s\n", s.st_mtim.tv_sec == 1600000000 ? "yes" : "no");

	/* A directory: metadata only, its entries stay below. */
	SHOWOK(chmod(P(M, "d"), 0700));
	st("upper d", P(U, "d"));
	ls("upper d", P(U, "d"));
	ls("merged d", P(M, "d"));
	st("lower d", P(L, "d"));

	/* A symlink keeps its target. */
	SHOWOK(lchown(P(M, "link"), 5, 6));
	st("upper link", P(U, "link"));
	{
		char buf[64];
		ssize_t n = readlink(P(U, "link"), buf, sizeof(buf));

		printf("upper link -> %.*s\n", (int)(n < 0 ? 0 : n), buf);
	}
	cat("through link", P(M, "link"));
	ovl_cleanup();
	return 0;
}
