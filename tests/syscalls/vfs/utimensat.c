/* utimensat(2): explicit times, UTIME_NOW, UTIME_OMIT, symlinks, errors. */
#include "vfs.h"

static void times_of(const char *name, int flags)
{
	struct stat st;

	if (fstatat(AT_FDCWD, name, &st, flags) < 0)
		printf("%s: %s\n", name, errname(errno));
	else
		printf("%s: atime %ld.%09ld mtime %ld.%09ld\n", name, (long)st.st_atim.tv_sec,
		       st.st_atim.tv_nsec, (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

int main(void)
{
	struct timespec ts[2] = { { 1000000000, 123456789 }, { 1200000000, 5 } };
	struct stat st;
	time_t now = time(NULL);
	int fd;

	scratch_enter();
	put_file("f", "x", 0644);
	SHOWOK(symlink("f", "l"));
	SHOWOK(utimensat(AT_FDCWD, "f", ts, 0));
	times_of("f", 0);
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_sec = 1300000000;
	SHOWOK(utimensat(AT_FDCWD, "f", ts, 0));
	times_of("f", 0);
	ts[0].tv_sec = 1;
	ts[0].tv_nsec = 2;
	ts[1].tv_sec = 3;
	ts[1].tv_nsec = 4;
	SHOWOK(utimensat(AT_FDCWD, "l", ts, AT_SYMLINK_NOFOLLOW));
	times_of("l", AT_SYMLINK_NOFOLLOW);
	times_of("f", 0);
	ts[0].tv_nsec = UTIME_NOW;
	ts[1].tv_nsec = UTIME_NOW;
	SHOWOK(utimensat(AT_FDCWD, "f", ts, 0));
	stat("f", &st);
	EXPECT(st.st_mtim.tv_sec >= now - 5 && st.st_atim.tv_sec >= now - 5);
	ts[0].tv_nsec = 1000000000;
	SHOW(utimensat(AT_FDCWD, "f", ts, 0));
	ts[0].tv_nsec = -2;
	SHOW(utimensat(AT_FDCWD, "f", ts, 0));
	SHOW(utimensat(AT_FDCWD, "f", NULL, 0x400));
	SHOW(utimensat(AT_FDCWD, "missing", NULL, 0));
	fd = open("f", O_RDONLY);
	ts[0].tv_sec = 42;
	ts[0].tv_nsec = 0;
	ts[1].tv_sec = 43;
	ts[1].tv_nsec = 0;
	SHOWOK(futimens(fd, ts));
	times_of("f", 0);
	SHOW(syscall(SYS_utimensat, AT_FDCWD, NULL, NULL, 0));
	SHOWOK(syscall(SYS_utimensat, fd, NULL, ts, 0));
	close(fd);
	{
		struct timeval tv[2] = { { 100, 1 }, { 200, 2 } };

		SHOWOK(utimes("f", tv));
		times_of("f", 0);
		tv[0].tv_usec = 1000000;
		SHOW(utimes("f", tv));
	}
	scratch_leave();
	return 0;
}
