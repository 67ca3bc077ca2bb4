/* Link counts of files and directories. */
#include "vfs.h"

int main(void)
{
	int fd;

	scratch_enter();
	put_file("f", "x", 0644);
	show_mode("f");
	SHOWOK(link("f", "g"));
	show_mode("f");
	SHOWOK(link("g", "h"));
	show_mode("h");
	SHOWOK(unlink("f"));
	show_mode("g");
	SHOW(link("g", "h"));
	SHOW(link("missing", "x"));
	SHOWOK(mkdir("d", 0755));
	SHOW(link("d", "d2"));
	{
		struct stat st;

		stat("d", &st);
		printf("d nlink %lu\n", (unsigned long)st.st_nlink);
		mkdir("d/a", 0755);
		mkdir("d/b", 0755);
		put_file("d/file", "", 0644);
		stat("d", &st);
		printf("d nlink %lu\n", (unsigned long)st.st_nlink);
		rmdir("d/a");
		stat("d", &st);
		printf("d nlink %lu\n", (unsigned long)st.st_nlink);
		rename("d/b", "b2");
		stat("d", &st);
		printf("d nlink %lu\n", (unsigned long)st.st_nlink);
	}
	fd = open("g", O_RDONLY);
	SHOWOK(unlink("g"));
	SHOWOK(unlink("h"));
	{
		struct stat st;

		fstat(fd, &st);
		printf("open unlinked: nlink %lu size %lld\n", (unsigned long)st.st_nlink,
		       (long long)st.st_size);
	}
	SHOW(linkat(fd, "", AT_FDCWD, "back", AT_EMPTY_PATH));
	close(fd);
	SHOWOK(symlink("b2", "sl"));
	SHOWOK(link("sl", "sl2"));
	show_mode("sl2");
	SHOW(linkat(AT_FDCWD, "sl", AT_FDCWD, "sl3", AT_SYMLINK_FOLLOW));
	SHOW(linkat(AT_FDCWD, "sl", AT_FDCWD, "sl3", 0x8000));
	scratch_leave();
	return 0;
}
