/* unlink, rmdir and unlinkat errors. */
#include "vfs.h"

int main(void)
{
	scratch_enter();
	put_file("f", "x", 0644);
	SHOWOK(mkdir("d", 0755));
	SHOWOK(mkdir("full", 0755));
	put_file("full/x", "x", 0644);
	SHOWOK(symlink("d", "ld"));
	SHOW(unlink("d"));
	SHOW(rmdir("f"));
	SHOW(rmdir("full"));
	SHOW(rmdir("."));
	SHOW(rmdir(".."));
	SHOW(rmdir("d/."));
	SHOW(rmdir("d/.."));
	SHOW(rmdir("/"));
	SHOW(unlink("."));
	SHOW(unlink("missing"));
	SHOW(unlink("missing/x"));
	SHOW(unlink("f/x"));
	SHOW(rmdir("ld"));
	SHOW(unlinkat(AT_FDCWD, "d", 0x1000));
	SHOW(unlinkat(AT_FDCWD, "f", AT_REMOVEDIR));
	SHOWOK(unlink("ld"));
	SHOWOK(unlinkat(AT_FDCWD, "d", AT_REMOVEDIR));
	SHOWOK(unlink("f"));
	SHOW(unlink(""));
	list_dir("left", ".");
	scratch_leave();
	return 0;
}
