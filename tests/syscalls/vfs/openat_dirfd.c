/* *at() calls: dirfd relative lookups, AT_FDCWD, absolute paths, bad
 * and non-directory dirfds. */
#include "vfs.h"

int main(void)
{
	struct stat st;
	int dfd, ffd, pfd[2];

	scratch_enter();
	SHOWOK(mkdir("d", 0755));
	put_file("d/f", "in d", 0644);
	put_file("f", "top", 0644);
	dfd = open("d", O_RDONLY | O_DIRECTORY);
	ffd = open("f", O_RDONLY);
	pipe(pfd);
	SHOWOK(fstatat(dfd, "f", &st, 0));
	printf("size %lld\n", (long long)st.st_size);
	SHOWOK(fstatat(AT_FDCWD, "f", &st, 0));
	printf("size %lld\n", (long long)st.st_size);
	SHOWOK(fstatat(ffd, "/etc/hostname", &st, 0));
	SHOW(fstatat(ffd, "x", &st, 0));
	SHOW(fstatat(pfd[0], "x", &st, 0));
	SHOW(fstatat(1234, "x", &st, 0));
	SHOW(fstatat(-5, "x", &st, 0));
	SHOW(fstatat(AT_FDCWD, "f", &st, 0x4000));
	SHOWOK(mkdirat(dfd, "sub", 0755));
	SHOWOK(renameat(dfd, "sub", AT_FDCWD, "moved"));
	SHOWOK(linkat(dfd, "f", AT_FDCWD, "hard", 0));
	SHOWOK(unlinkat(dfd, "f", 0));
	printf("hard: %s\n", get_file("hard"));
	SHOWOK(symlinkat("hard", dfd, "sl"));
	printf("d/sl: %s\n", get_file("d/sl"));
	SHOW(openat(dfd, "../f", O_RDONLY) >= 0);
	SHOWOK(fchmodat(dfd, "sl", 0600, 0));
	show_mode("hard");
	SHOWOK(fchownat(dfd, "sl", 3, 4, AT_SYMLINK_NOFOLLOW));
	SHOWOK(fstatat(dfd, "sl", &st, AT_SYMLINK_NOFOLLOW));
	printf("sl owner %u:%u\n", st.st_uid, st.st_gid);
	list_dir("d", "d");
	scratch_leave();
	return 0;
}
