/* An overlay whose lower layer is another overlay's merged view: reads,
 * copy-up out of it, whiteouts over its entries; the inner overlay and
 * its layers stay as they were. */
#include "ovl.h"

int main(void)
{
	char M2[160], U2[160], W2[160], opts[1024];

	ovl_setup();
	put(P(L, "a"), "inner lower a");
	put(P(L, "b"), "inner lower b");
	mkdir(P(L, "d"), 0755);
	put(P(L, "d/x"), "x");
	ovl_mount();
	put(P(M, "c"), "inner upper c");
	SHOWOK(unlink(P(M, "b")));

	snprintf(M2, sizeof(M2), "%s/m2", ovl_base);
	snprintf(U2, sizeof(U2), "%s/u2", ovl_base);
	snprintf(W2, sizeof(W2), "%s/w2", ovl_base);
	mkdir(M2, 0755);
	mkdir(U2, 0755);
	mkdir(W2, 0755);
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", M, U2, W2);
	SHOWOK(mount("overlay", M2, "overlay", 0, opts));
	ls("outer", M2);
	cat("outer a", P(M2, "a"));
	cat("outer c", P(M2, "c"));
	st("outer b", P(M2, "b"));
	put(P(M2, "a"), "outer a");
	SHOWOK(unlink(P(M2, "c")));
	SHOWOK(unlink(P(M2, "d/x")));
	SHOWOK(setxattr(P(M2, "d"), "trusted.overlay.opaque", "y", 1, 0));
	ls("outer after", M2);
	ls("outer d", P(M2, "d"));
	ls("u2", U2);
	EXPECT(is_whiteout(P(U2, "c")));
	cat("inner a", P(M, "a"));
	cat("inner c", P(M, "c"));
	ls("inner", M);
	ls("inner d", P(M, "d"));
	ls("u", U);
	umount(M2);
	ovl_cleanup();
	return 0;
}
