/* Renaming lower files: copy-up to the new name, whiteout at the old one;
 * over existing lower and upper files; lower untouched. */
#include "ovl.h"

int main(void)
{
	ovl_setup();
	put(P(L, "a"), "A");
	put(P(L, "b"), "B");
	put(P(L, "c"), "C");
	mkdir(P(L, "dir"), 0755);
	put(P(L, "dir/in"), "IN");
	ovl_mount();

	SHOWOK(rename(P(M, "a"), P(M, "a2")));
	st("merged a", P(M, "a"));
	cat("merged a2", P(M, "a2"));
	EXPECT(is_whiteout(P(U, "a")));
	cat("upper a2", P(U, "a2"));
	/* Over another lower file. */
	SHOWOK(rename(P(M, "b"), P(M, "c")));
	cat("merged c", P(M, "c"));
	st("merged b", P(M, "b"));
	/* Across directories, into a lower directory. */
	SHOWOK(rename(P(M, "a2"), P(M, "dir/a3")));
	cat("merged dir/a3", P(M, "dir/a3"));
	ls("merged dir", P(M, "dir"));
	/* Back onto a whited-out name. */
	SHOWOK(rename(P(M, "dir/a3"), P(M, "a")));
	cat("merged a again", P(M, "a"));
	st("upper a", P(U, "a"));
	/* An upper-only file over a lower one. */
	put(P(M, "new"), "NEW");
	SHOWOK(rename(P(M, "new"), P(M, "dir/in")));
	cat("merged dir/in", P(M, "dir/in"));
	st("upper new", P(U, "new"));
	SHOW(renameat2(AT_FDCWD, P(M, "a"), AT_FDCWD, P(M, "c"), RENAME_NOREPLACE));
	SHOW(renameat2(AT_FDCWD, P(M, "a"), AT_FDCWD, P(M, "b"), RENAME_NOREPLACE));
	cat("merged b", P(M, "b"));
	SHOWOK(renameat2(AT_FDCWD, P(M, "b"), AT_FDCWD, P(M, "c"), RENAME_EXCHANGE));
	cat("exchanged b", P(M, "b"));
	cat("exchanged c", P(M, "c"));
	SHOW(renameat2(AT_FDCWD, P(M, "b"), AT_FDCWD, P(M, "c"), RENAME_WHITEOUT));
	ls("merged", M);
	ls("merged dir", P(M, "dir"));
	ls("lower", L);
	ls("lower dir", P(L, "dir"));
	cat("lower a", P(L, "a"));
	ovl_cleanup();
	return 0;
}
