/* Trailing slashes: the name must be (or resolve to) a directory. */
#include "vfs.h"

int main(void)
{
	struct stat st;

	scratch_enter();
	put_file("f", "x", 0644);
	SHOWOK(mkdir("d/", 0755));
	SHOWOK(symlink("d", "ld"));
	SHOWOK(symlink("f", "lf"));
	SHOW(stat("f/", &st));
	SHOW(lstat("f/", &st));
	SHOW(open("f/", O_RDONLY));
	SHOW(open("f//", O_RDONLY));
	SHOWOK(lstat("ld/", &st));
	EXPECT(S_ISDIR(st.st_mode));
	SHOW(lstat("lf/", &st));
	SHOW(open("g/", O_CREAT | O_WRONLY, 0644));
	SHOW(open("d/", O_CREAT | O_WRONLY, 0644));
	SHOW(unlink("f/"));
	SHOW(unlink("d/"));
	SHOW(rename("f", "h/"));
	SHOW(rename("f/", "h"));
	SHOWOK(rename("d/", "e/"));
	SHOW(mknod("n/", S_IFREG | 0644, 0));
	SHOW(symlink("f", "s/"));
	SHOW(link("f", "k/"));
	SHOWOK(rmdir("e//"));
	SHOW(access("ld/.", F_OK));
	list_dir("left", ".");
	scratch_leave();
	return 0;
}
