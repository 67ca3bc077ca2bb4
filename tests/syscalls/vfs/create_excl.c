/* O_CREAT, O_EXCL and symlinks at the last component. */
#include "vfs.h"

int main(void)
{
	int fd;

	scratch_enter();
	put_file("f", "old", 0644);
	SHOWOK(symlink("target", "dangling"));
	SHOWOK(symlink("f", "lf"));
	SHOWOK(mkdir("d", 0755));
	SHOW(open("f", O_CREAT | O_EXCL | O_WRONLY, 0644));
	SHOW(open("dangling", O_CREAT | O_EXCL | O_WRONLY, 0644));
	SHOW(open("lf", O_CREAT | O_EXCL | O_WRONLY, 0644));
	SHOW(open("dangling", O_CREAT | O_NOFOLLOW | O_WRONLY, 0644));
	SHOW(access("target", F_OK));
	fd = open("dangling", O_CREAT | O_WRONLY, 0600);
	SHOWOK(fd);
	SHOW(write(fd, "new", 3));
	close(fd);
	printf("target: %s\n", get_file("target"));
	show_mode("target");
	SHOW(open("d", O_CREAT | O_WRONLY, 0644));
	SHOW(open("d", O_CREAT | O_RDONLY, 0644));
	SHOW(open(".", O_CREAT | O_RDONLY, 0644));
	SHOW(open("missing/x", O_CREAT | O_RDONLY, 0644));
	SHOW(open("f/x", O_CREAT | O_RDONLY, 0644));
	fd = open("lf", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	SHOWOK(fd);
	close(fd);
	printf("f: [%s]\n", get_file("f"));
	fd = open("newfile", O_CREAT | O_EXCL | O_RDWR, 0640);
	SHOWOK(fd);
	close(fd);
	show_mode("newfile");
	SHOW(open("", O_CREAT | O_RDONLY, 0644));
	scratch_leave();
	return 0;
}
