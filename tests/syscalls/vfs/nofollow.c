/* O_NOFOLLOW applies to the last component only; O_PATH|O_NOFOLLOW opens
 * the link itself. */
#include "vfs.h"

int main(void)
{
	struct stat st;
	int fd;

	scratch_enter();
	SHOWOK(mkdir("d", 0755));
	put_file("d/f", "hello", 0644);
	SHOWOK(symlink("d", "ld"));
	SHOWOK(symlink("d/f", "lf"));
	SHOW(open("lf", O_RDONLY | O_NOFOLLOW));
	SHOW(open("ld", O_RDONLY | O_NOFOLLOW | O_DIRECTORY));
	fd = open("ld/f", O_RDONLY | O_NOFOLLOW);
	SHOWOK(fd);
	close(fd);
	fd = open("lf", O_PATH | O_NOFOLLOW);
	SHOWOK(fd);
	SHOWOK(fstat(fd, &st));
	EXPECT(S_ISLNK(st.st_mode));
	SHOW(fstatat(fd, "", &st, AT_EMPTY_PATH));
	EXPECT(S_ISLNK(st.st_mode));
	{
		char buf[64];
		ssize_t n = readlinkat(fd, "", buf, sizeof(buf));

		printf("readlinkat empty: %zd %.*s\n", n, n > 0 ? (int)n : 0, buf);
	}
	close(fd);
	SHOW(fstatat(AT_FDCWD, "lf", &st, AT_SYMLINK_NOFOLLOW));
	EXPECT(S_ISLNK(st.st_mode));
	SHOW(fstatat(AT_FDCWD, "lf", &st, 0));
	EXPECT(S_ISREG(st.st_mode));
	scratch_leave();
	return 0;
}
