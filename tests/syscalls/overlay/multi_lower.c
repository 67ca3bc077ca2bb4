/* Several lower layers (lowerdir=A:B:C): the leftmost wins, whiteouts and
 * opaque directories in a middle layer hide what is below them. */
#include "ovl.h"

int main(void)
{
	char A[160], B[160], C[160], opts[1024];

	ovl_setup();
	snprintf(A, sizeof(A), "%s/A", ovl_base);
	snprintf(B, sizeof(B), "%s/B", ovl_base);
	snprintf(C, sizeof(C), "%s/C", ovl_base);
	mkdir(A, 0755);
	mkdir(B, 0755);
	mkdir(C, 0755);
	put(P(A, "x"), "x from A");
	put(P(B, "x"), "x from B");
	put(P(C, "x"), "x from C");
	put(P(B, "y"), "y from B");
	put(P(C, "z"), "z from C");
	put(P(C, "gone"), "hidden by B");
	mknod(P(B, "gone"), S_IFCHR, makedev(0, 0));
	mkdir(P(A, "d"), 0755);
	mkdir(P(B, "d"), 0755);
	mkdir(P(C, "d"), 0755);
	put(P(A, "d/a"), "a");
	put(P(B, "d/b"), "b");
	put(P(C, "d/c"), "c");
	mkdir(P(B, "op"), 0755);
	setxattr(P(B, "op"), "trusted.overlay.opaque", "y", 1, 0);
	put(P(B, "op/b"), "b");
	mkdir(P(C, "op"), 0755);
	put(P(C, "op/c"), "c");
	/* A file in B over a directory in C ends the stack. */
	put(P(B, "fd"), "file");
	mkdir(P(C, "fd"), 0755);

	snprintf(opts, sizeof(opts), "lowerdir=%s:%s:%s,upperdir=%s,workdir=%s", A, B, C, U, W);
	if (ovl_mount_opts(opts) < 0)
		return 1;
	ls("merged", M);
	cat("x", P(M, "x"));
	cat("y", P(M, "y"));
	cat("z", P(M, "z"));
	st("gone", P(M, "gone"));
	ls("d", P(M, "d"));
	ls("op", P(M, "op"));
	st("fd", P(M, "fd"));
	/* Copy-up from a deeper layer. */
	SHOWOK(chmod(P(M, "z"), 0600));
	cat("upper z", P(U, "z"));
	put(P(M, "d/new"), "new");
	ls("d after", P(M, "d"));
	SHOWOK(unlink(P(M, "d/c")));
	EXPECT(is_whiteout(P(U, "d/c")));
	ls("d final", P(M, "d"));
	umount(M);

	/* Read-only stack of two. */
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s", B, C);
	SHOWOK(mount("overlay", M, "overlay", 0, opts));
	ls("B:C", M);
	SHOW(mkdir(P(M, "new"), 0755));
	ovl_cleanup();
	return 0;
}
