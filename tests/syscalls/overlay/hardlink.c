/* link(2) of a lower file copies it up first; both names are then one
 * upper inode. A lower file with two links is broken apart by copy-up
 * (Linux's default, index=off). */
#include "ovl.h"

static void links(const char *label, const char *a, const char *b)
{
	struct stat sa, sb;

	if (stat(a, &sa) < 0 || stat(b, &sb) < 0) {
		printf("%s: %s\n", label, errname(errno));
		return;
	}
	printf("%s: nlink %ld/%ld same inode %s\n", label, (long)sa.st_nlink, (long)sb.st_nlink,
	       sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev ? "yes" : "no");
}

int main(void)
{
	int fd;

	ovl_setup();
	put(P(L, "a"), "AAA");
	put(P(L, "p"), "PPP");
	link(P(L, "p"), P(L, "q"));
	mkdir(P(L, "d"), 0755);
	ovl_mount();

	SHOWOK(link(P(M, "a"), P(M, "d/b")));
	links("merged a,d/b", P(M, "a"), P(M, "d/b"));
	links("upper a,d/b", P(U, "a"), P(U, "d/b"));
	st("lower a", P(L, "a"));
	fd = open(P(M, "d/b"), O_WRONLY | O_APPEND);
	SHOW(write(fd, "bbb", 3));
	close(fd);
	cat("via a", P(M, "a"));
	cat("lower a", P(L, "a"));
	SHOWOK(unlink(P(M, "a")));
	links("after unlink", P(M, "d/b"), P(M, "d/b"));
	EXPECT(is_whiteout(P(U, "a")));
	SHOW(link(P(M, "a"), P(M, "x")));
	SHOWOK(link(P(M, "d/b"), P(M, "a")));
	links("relinked", P(M, "a"), P(M, "d/b"));
	st("upper a", P(U, "a"));

	/* Lower hard links: p and q share an inode until one is copied up. */
	links("lower pair", P(M, "p"), P(M, "q"));
	fd = open(P(M, "p"), O_WRONLY | O_APPEND);
	SHOW(write(fd, "!", 1));
	close(fd);
	links("after copy-up", P(M, "p"), P(M, "q"));
	cat("p", P(M, "p"));
	cat("q", P(M, "q"));
	SHOW(link(P(M, "d"), P(M, "dlink")));
	ovl_cleanup();
	return 0;
}
