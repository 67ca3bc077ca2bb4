/* readdir of a merged directory: upper and lower entries once each, the
 * upper one winning, whiteouts hidden, through rewinds and changes. */
#include "ovl.h"

int main(void)
{
	DIR *d;
	struct dirent *e;
	int n = 0;

	ovl_setup();
	put(P(L, "a"), "lower a");
	put(P(L, "b"), "lower b");
	put(P(L, "c"), "lower c");
	mkdir(P(L, "sub"), 0755);
	put(P(L, "sub/l1"), "1");
	put(P(L, "hidden"), "h");
	/* Prepared upper: c replaced, d added, hidden whited out, sub merged. */
	put(P(U, "c"), "upper c");
	put(P(U, "d"), "upper d");
	mknod(P(U, "hidden"), S_IFCHR | 0, makedev(0, 0));
	mkdir(P(U, "sub"), 0755);
	put(P(U, "sub/u1"), "2");
	ovl_mount();

	ls("merged", M);
	ls("merged/sub", P(M, "sub"));
	cat("c", P(M, "c"));
	cat("a", P(M, "a"));
	st("hidden", P(M, "hidden"));

	SHOWOK(unlink(P(M, "a")));
	put(P(M, "e"), "new e");
	SHOWOK(rename(P(M, "b"), P(M, "bb")));
	ls("merged after", M);
	ls("upper after", U);

	/* Entries keep coming once each across rewinds. */
	d = opendir(M);
	while ((e = readdir(d)))
		n++;
	rewinddir(d);
	while ((e = readdir(d)))
		n--;
	printf("same count after rewind: %s\n", n == 0 ? "yes" : "no");
	closedir(d);
	ovl_cleanup();
	return 0;
}
