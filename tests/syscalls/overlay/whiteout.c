/* Removing lower entries leaves whiteouts (0:0 character devices) in the
 * upper layer; the merged view no longer shows them; the lower layer is
 * unchanged. */
#include "ovl.h"

int main(void)
{
	ovl_setup();
	put(P(L, "f"), "f");
	put(P(L, "g"), "g");
	mkdir(P(L, "d"), 0755);
	mkdir(P(L, "full"), 0755);
	put(P(L, "full/a"), "a");
	ovl_mount();

	SHOWOK(unlink(P(M, "f")));
	SHOWOK(rmdir(P(M, "d")));
	SHOW(rmdir(P(M, "full")));
	st("merged f", P(M, "f"));
	st("merged d", P(M, "d"));
	st("upper f", P(U, "f"));
	st("upper d", P(U, "d"));
	EXPECT(is_whiteout(P(U, "f")));
	EXPECT(is_whiteout(P(U, "d")));
	SHOW(unlink(P(M, "f")));
	SHOW(open(P(M, "f"), O_RDONLY));
	ls("merged", M);
	ls("upper", U);
	ls("lower", L);

	/* A file copied up then removed leaves a whiteout too. */
	chmod(P(M, "g"), 0600);
	st("upper g", P(U, "g"));
	SHOWOK(unlink(P(M, "g")));
	EXPECT(is_whiteout(P(U, "g")));
	/* A file that only ever lived in the upper goes without a trace. */
	put(P(M, "tmp"), "t");
	SHOWOK(unlink(P(M, "tmp")));
	st("upper tmp", P(U, "tmp"));
	ls("upper after", U);
	ovl_cleanup();
	return 0;
}
