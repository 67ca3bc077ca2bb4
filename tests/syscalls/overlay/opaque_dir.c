/* A lower directory removed and made again is opaque: its old entries
 * stay hidden, and the upper copy carries trusted.overlay.opaque=y. */
#include "ovl.h"

int main(void)
{
	char buf[16];

	ovl_setup();
	mkdir(P(L, "d"), 0755);
	put(P(L, "d/x"), "x");
	put(P(L, "d/y"), "y");
	mkdir(P(L, "d/sub"), 0755);
	ovl_mount();

	SHOW(rmdir(P(M, "d")));
	SHOWOK(unlink(P(M, "d/x")));
	SHOWOK(unlink(P(M, "d/y")));
	SHOWOK(rmdir(P(M, "d/sub")));
	ls("d emptied", P(M, "d"));
	ls("upper d", P(U, "d"));
	SHOWOK(rmdir(P(M, "d")));
	EXPECT(is_whiteout(P(U, "d")));
	SHOWOK(mkdir(P(M, "d"), 0700));
	ls("new d", P(M, "d"));
	st("upper d", P(U, "d"));
	memset(buf, 0, sizeof(buf));
	SHOW(getxattr(P(U, "d"), "trusted.overlay.opaque", buf, sizeof(buf)));
	printf("opaque: [%s]\n", buf);
	/* Not visible through the overlay. */
	SHOW(getxattr(P(M, "d"), "trusted.overlay.opaque", buf, sizeof(buf)));
	put(P(M, "d/z"), "z");
	ls("new d with z", P(M, "d"));
	ls("lower d", P(L, "d"));
	/* A new directory where nothing was below is not opaque. */
	SHOWOK(mkdir(P(M, "fresh"), 0755));
	SHOW(getxattr(P(U, "fresh"), "trusted.overlay.opaque", buf, sizeof(buf)));
	ovl_cleanup();
	return 0;
}
