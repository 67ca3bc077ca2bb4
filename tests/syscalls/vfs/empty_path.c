/* AT_EMPTY_PATH: "" names dirfd itself, of any type. */
#include "vfs.h"

int main(void)
{
	struct stat st;
	int fd, dfd;

	scratch_enter();
	put_file("f", "12345", 0644);
	SHOWOK(mkdir("d", 0755));
	fd = open("f", O_RDONLY);
	dfd = open("d", O_RDONLY | O_DIRECTORY);
	SHOW(fstatat(fd, "", &st, 0));
	SHOWOK(fstatat(fd, "", &st, AT_EMPTY_PATH));
	printf("size %lld\n", (long long)st.st_size);
	SHOWOK(fstatat(dfd, "", &st, AT_EMPTY_PATH));
	EXPECT(S_ISDIR(st.st_mode));
	SHOWOK(fstatat(AT_FDCWD, "", &st, AT_EMPTY_PATH));
	EXPECT(S_ISDIR(st.st_mode));
	SHOW(fstatat(fd, "x", &st, 0));
	SHOW(fstatat(123, "", &st, AT_EMPTY_PATH));
	SHOW(fchownat(fd, "", 0, 0, AT_EMPTY_PATH));
	SHOW(fchownat(fd, "", 0, 0, 0));
	SHOW(faccessat(fd, "", R_OK, AT_EMPTY_PATH));
	SHOW(linkat(fd, "", AT_FDCWD, "g", AT_EMPTY_PATH));
	show_mode("g");
	SHOW(linkat(dfd, "", AT_FDCWD, "e", AT_EMPTY_PATH));
	SHOW(unlinkat(dfd, "", 0));
	SHOW(mkdirat(dfd, "", 0755));
	SHOW(openat(dfd, "", O_RDONLY));
	scratch_leave();
	return 0;
}
