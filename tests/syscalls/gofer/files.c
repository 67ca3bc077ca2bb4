/* Files on the host root through the gofer: create, write, read, append,
 * truncate, rename, links, unlink while open, directories, symlinks,
 * modes, times, fsync. */
#include "gofer.h"

#include <sys/statfs.h>
#include <sys/xattr.h>

static void show_stat(const char *name)
{
	struct stat st;

	if (lstat(name, &st) < 0) {
		printf("lstat %s: %s\n", name, errname(errno));
		return;
	}
	printf("%s: mode %o size %lld nlink %lu\n", name, st.st_mode, (long long)st.st_size,
	       (unsigned long)st.st_nlink);
}

int main(void)
{
	char buf[64];
	int fd, fd2;

	scratch_enter();
	fd = open("a", O_RDWR | O_CREAT | O_EXCL, 0640);
	SHOWOK(fd >= 0);
	SHOW(write(fd, "hello world", 11));
	SHOW(pread(fd, buf, sizeof(buf), 6));
	printf("read: %.5s\n", buf);
	SHOW(pwrite(fd, "HELLO", 5, 0));
	SHOW(lseek(fd, 0, SEEK_END));
	SHOW(lseek(fd, 0, SEEK_SET));
	SHOW(read(fd, buf, 11));
	printf("read: %.11s\n", buf);
	SHOW(open("a", O_RDWR | O_CREAT | O_EXCL, 0640));
	SHOWOK(fsync(fd));
	SHOWOK(fdatasync(fd));
	SHOWOK(ftruncate(fd, 5));
	show_stat("a");
	SHOWOK(ftruncate(fd, 8192));
	show_stat("a");
	SHOW(pread(fd, buf, 4, 8000));
	SHOWOK(ftruncate(fd, 5));
	close(fd);
	printf("a = %s\n", get_file("a"));

	/* O_APPEND writes at the end, whatever the position. */
	fd = open("a", O_WRONLY | O_APPEND);
	SHOW(lseek(fd, 0, SEEK_SET));
	SHOW(write(fd, "+tail", 5));
	close(fd);
	printf("a = %s\n", get_file("a"));
	/* O_TRUNC. */
	fd = open("a", O_WRONLY | O_TRUNC);
	show_stat("a");
	SHOW(write(fd, "new", 3));
	close(fd);
	printf("a = %s\n", get_file("a"));

	/* Hard links, rename, unlink of an open file. */
	SHOWOK(link("a", "b"));
	show_stat("a");
	SHOWOK(rename("b", "c"));
	show_stat("b");
	show_stat("c");
	SHOW(renameat2(AT_FDCWD, "a", AT_FDCWD, "c", RENAME_NOREPLACE));
	SHOWOK(renameat2(AT_FDCWD, "a", AT_FDCWD, "c", RENAME_EXCHANGE));
	fd = open("c", O_RDONLY);
	SHOWOK(unlink("c"));
	SHOWOK(unlink("a"));
	{
		struct stat st;

		fstat(fd, &st);
		printf("unlinked open file: nlink %lu size %lld\n", (unsigned long)st.st_nlink,
		       (long long)st.st_size);
	}
	SHOW(read(fd, buf, sizeof(buf)));
	close(fd);
	show_stat("c");

	/* Directories. */
	SHOWOK(mkdir("d", 0751));
	show_stat("d");
	SHOW(mkdir("d", 0755));
	put_file("d/x", "1", 0600);
	put_file("d/y", "22", 0600);
	SHOWOK(mkdir("d/sub", 0700));
	list_dir("d", "d");
	show_stat("d");
	SHOW(rmdir("d"));
	SHOW(unlink("d"));
	SHOW(rmdir("d/x"));
	SHOWOK(rename("d/sub", "sub2"));
	list_dir("d", "d");
	SHOWOK(unlink("d/x"));
	SHOWOK(unlink("d/y"));
	SHOWOK(rmdir("d"));
	SHOWOK(rmdir("sub2"));

	/* Symlinks are resolved by the sandbox, relative to the guest root. */
	put_file("target", "T", 0644);
	SHOWOK(symlink("target", "ln"));
	SHOWOK(symlink("/nonexistent/x", "dangling"));
	SHOW(readlink("ln", buf, sizeof(buf)));
	printf("ln -> %.6s, via it: %s\n", buf, get_file("ln"));
	printf("dangling: %s\n", get_file("dangling"));
	SHOW(open("ln", O_RDONLY | O_NOFOLLOW));
	show_stat("ln");

	/* Modes and owners, times. */
	SHOWOK(chmod("target", 0604));
	show_stat("target");
	SHOWOK(chmod("target", 04755));
	show_stat("target");
	{
		struct timespec ts[2] = { { 1000000000, 5 }, { 1200000000, 7000 } };
		struct stat st;

		SHOWOK(utimensat(AT_FDCWD, "target", ts, 0));
		stat("target", &st);
		printf("times: %ld.%ld %ld.%ld\n", (long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
		       (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	}
	SHOWOK(chown("target", 1234, 5678));
	{
		struct stat st;

		stat("target", &st);
		printf("owner %u:%u mode %o\n", st.st_uid, st.st_gid, st.st_mode);
	}
	SHOWOK(truncate("target", 3));
	show_stat("target");

	/* xattrs in the user namespace (if the host filesystem has them). */
	{
		long r = setxattr("target", "user.k", "v1", 2, 0);
		char v[16] = "";

		printf("setxattr: %s\n", r == 0 ? "0" : errname(errno));
		if (r == 0) {
			SHOW(getxattr("target", "user.k", v, sizeof(v)));
			printf("value %.2s\n", v);
			SHOW(getxattr("target", "user.none", v, sizeof(v)));
			SHOW(setxattr("target", "user.k", "v2", 2, XATTR_CREATE));
			SHOW(listxattr("target", v, sizeof(v)));
			SHOWOK(removexattr("target", "user.k"));
			SHOW(getxattr("target", "user.k", v, sizeof(v)));
		}
	}

	/* Two descriptions of one file see each other's writes. */
	fd = open("target", O_RDWR);
	fd2 = open("target", O_RDONLY);
	SHOW(pwrite(fd, "abcdef", 6, 0));
	SHOW(pread(fd2, buf, 6, 0));
	printf("other fd: %.6s\n", buf);
	close(fd);
	close(fd2);

	SHOWOK(unlink("target"));
	SHOWOK(unlink("ln"));
	SHOWOK(unlink("dangling"));
	list_dir("scratch", ".");
	scratch_leave();
	return 0;
}
