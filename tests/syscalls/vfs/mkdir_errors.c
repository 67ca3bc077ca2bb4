/* mkdir/mknod/symlink name errors. */
#include "vfs.h"

int main(void)
{
	char longname[300];

	scratch_enter();
	put_file("f", "", 0644);
	SHOWOK(mkdir("d", 0755));
	SHOW(mkdir("d", 0755));
	SHOW(mkdir("f", 0755));
	SHOW(mkdir("/", 0755));
	SHOW(mkdir(".", 0755));
	SHOW(mkdir("..", 0755));
	SHOW(mkdir("missing/x", 0755));
	SHOW(mkdir("f/x", 0755));
	SHOW(mkdir("", 0755));
	memset(longname, 'a', 256);
	longname[256] = 0;
	SHOW(mkdir(longname, 0755));
	longname[255] = 0;
	SHOWOK(mkdir(longname, 0755));
	SHOWOK(rmdir(longname));
	SHOW(mknod("d", S_IFREG | 0644, 0));
	SHOWOK(mknod("reg", 0644, 0));
	show_mode("reg");
	SHOW(mknod("bad", 0170000 | 0644, 0));
	SHOW(mknod("dir", S_IFDIR | 0755, 0));
	SHOWOK(mknod("fifo", S_IFIFO | 0600, 0));
	SHOWOK(mknod("sock", S_IFSOCK | 0600, 0));
	SHOWOK(mknod("null", S_IFCHR | 0666, makedev(1, 3)));
	show_mode("fifo");
	show_mode("sock");
	show_mode("null");
	{
		struct stat st;

		stat("null", &st);
		printf("rdev %u:%u\n", major(st.st_rdev), minor(st.st_rdev));
	}
	SHOW(symlink("x", "d"));
	SHOW(symlink("", "empty"));
	SHOW(symlink("x", ""));
	SHOWOK(mkdirat(AT_FDCWD, "d/sub", 0700));
	show_mode("d/sub");
	{
		int dfd = open("d", O_RDONLY);

		SHOWOK(mkdirat(dfd, "sub2", 0700));
		SHOWOK(mknodat(dfd, "n", S_IFREG | 0600, 0));
		SHOWOK(symlinkat("n", dfd, "s"));
		close(dfd);
	}
	list_dir("d", "d");
	scratch_leave();
	return 0;
}
