/* A lower file removed and created again is a new upper file; its old
 * data never comes back, and removing it again leaves a whiteout. */
#include "ovl.h"

int main(void)
{
	struct stat a, b;
	int fd;

	ovl_setup();
	put(P(L, "f"), "old lower data");
	mkdir(P(L, "d"), 0755);
	put(P(L, "d/x"), "x");
	ovl_mount();

	stat(P(M, "f"), &a);
	SHOWOK(unlink(P(M, "f")));
	EXPECT(is_whiteout(P(U, "f")));
	fd = open(P(M, "f"), O_WRONLY | O_CREAT | O_EXCL, 0600);
	SHOWOK(fd);
	SHOW(write(fd, "new", 3));
	close(fd);
	cat("merged", P(M, "f"));
	st("merged", P(M, "f"));
	st("upper", P(U, "f"));
	stat(P(M, "f"), &b);
	EXPECT(a.st_ino != b.st_ino);
	ls("merged", M);
	SHOWOK(unlink(P(M, "f")));
	EXPECT(is_whiteout(P(U, "f")));
	st("merged again", P(M, "f"));
	/* Other types over a whiteout: symlink, fifo, directory. */
	SHOWOK(symlink("target", P(M, "f")));
	st("symlink", P(M, "f"));
	SHOWOK(unlink(P(M, "f")));
	SHOWOK(mkfifo(P(M, "f"), 0600));
	st("fifo", P(M, "f"));
	SHOWOK(unlink(P(M, "f")));
	SHOWOK(mkdir(P(M, "f"), 0755));
	st("dir", P(M, "f"));
	ls("dir f", P(M, "f"));
	SHOWOK(rmdir(P(M, "f")));
	EXPECT(is_whiteout(P(U, "f")));
	/* The same for a file in a lower subdirectory. */
	SHOWOK(unlink(P(M, "d/x")));
	put(P(M, "d/x"), "again");
	cat("d/x", P(M, "d/x"));
	ls("upper d", P(U, "d"));
	cat("lower", P(L, "f"));
	ovl_cleanup();
	return 0;
}
