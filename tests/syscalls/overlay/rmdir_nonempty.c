/* rmdir of merged directories: ENOTEMPTY while any layer shows an entry;
 * whiteouts alone do not count, and the upper copy full of whiteouts goes
 * away with it. */
#include "ovl.h"

int main(void)
{
	ovl_setup();
	mkdir(P(L, "d"), 0755);
	put(P(L, "d/a"), "a");
	put(P(L, "d/b"), "b");
	mkdir(P(L, "d/sub"), 0755);
	put(P(L, "d/sub/deep"), "deep");
	ovl_mount();

	SHOW(rmdir(P(M, "d")));
	SHOWOK(unlink(P(M, "d/a")));
	SHOW(rmdir(P(M, "d")));
	SHOWOK(unlink(P(M, "d/b")));
	SHOW(rmdir(P(M, "d/sub")));
	SHOWOK(unlink(P(M, "d/sub/deep")));
	ls("upper d/sub", P(U, "d/sub"));
	SHOWOK(rmdir(P(M, "d/sub")));
	ls("upper d", P(U, "d"));
	ls("merged d", P(M, "d"));
	/* A new file, then its removal: still empty. */
	put(P(M, "d/t"), "t");
	SHOW(rmdir(P(M, "d")));
	SHOWOK(unlink(P(M, "d/t")));
	SHOWOK(rmdir(P(M, "d")));
	EXPECT(is_whiteout(P(U, "d")));
	ls("merged", M);
	ls("upper", U);
	ls("lower d", P(L, "d"));
	SHOW(rmdir(P(M, "d")));
	SHOW(rmdir(P(M, "nothing")));
	ovl_cleanup();
	return 0;
}
