/* Renaming directories: without redirect_dir (Linux's default), a
 * directory present in a lower layer gives EXDEV; upper-only directories
 * move freely, and one moved over an empty lower directory is opaque. */
#include "ovl.h"

int main(void)
{
	char buf[8];

	ovl_setup();
	mkdir(P(L, "low"), 0755);
	put(P(L, "low/f"), "f");
	mkdir(P(L, "empty"), 0755);
	mkdir(P(L, "emptytoo"), 0755);
	ovl_mount();

	SHOW(rename(P(M, "low"), P(M, "low2")));
	/* Merged (copied-up) is still lower-backed. */
	put(P(M, "low/g"), "g");
	SHOW(rename(P(M, "low"), P(M, "low2")));
	SHOW(rename(P(M, "empty"), P(M, "empty2")));
	ls("merged", M);

	SHOWOK(mkdir(P(M, "up"), 0755));
	put(P(M, "up/x"), "x");
	SHOWOK(rename(P(M, "up"), P(M, "up2")));
	ls("up2", P(M, "up2"));
	SHOWOK(rename(P(M, "up2"), P(M, "low/up3")));
	ls("low/up3", P(M, "low/up3"));
	/* Over an empty lower directory: it must not merge with it. */
	SHOWOK(mkdir(P(M, "up4"), 0755));
	SHOWOK(rename(P(M, "up4"), P(M, "emptytoo")));
	ls("emptytoo", P(M, "emptytoo"));
	SHOW(getxattr(P(U, "emptytoo"), "trusted.overlay.opaque", buf, sizeof(buf)));
	/* Over a non-empty one. */
	SHOWOK(mkdir(P(M, "up5"), 0755));
	SHOW(rename(P(M, "up5"), P(M, "low")));
	ls("upper", U);
	ls("lower", L);
	ovl_cleanup();
	return 0;
}
