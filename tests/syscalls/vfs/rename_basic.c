/* rename(2) over files and directories and its errors. */
#include "vfs.h"

int main(void)
{
	struct stat a, b;

	scratch_enter();
	put_file("f1", "one", 0644);
	put_file("f2", "two", 0644);
	SHOWOK(mkdir("d1", 0755));
	SHOWOK(mkdir("d2", 0755));
	SHOWOK(mkdir("full", 0755));
	put_file("full/x", "x", 0644);
	SHOWOK(rename("f1", "f2"));
	printf("f2: %s f1: %s\n", get_file("f2"), get_file("f1"));
	SHOWOK(rename("d1", "d2"));
	SHOW(access("d1", F_OK));
	SHOW(rename("d2", "full"));
	SHOW(rename("f2", "full"));
	SHOW(rename("full", "f2"));
	SHOW(rename("full", "full/sub"));
	SHOW(rename(".", "x"));
	SHOW(rename("f2", "."));
	SHOW(rename("f2", ".."));
	SHOW(rename("missing", "x"));
	SHOW(rename("f2", "missing/x"));
	SHOWOK(link("f2", "hard"));
	SHOWOK(rename("f2", "hard"));
	SHOWOK(stat("f2", &a));
	SHOWOK(stat("hard", &b));
	EXPECT(a.st_ino == b.st_ino);
	SHOWOK(rename("full/x", "moved"));
	SHOWOK(rename("full", "d2/inner"));
	list_dir("top", ".");
	list_dir("d2", "d2");
	SHOWOK(rename("d2/inner", "d2/inner"));
	SHOWOK(rename("moved", "d2/inner/back"));
	list_dir("inner", "d2/inner");
	scratch_leave();
	return 0;
}
