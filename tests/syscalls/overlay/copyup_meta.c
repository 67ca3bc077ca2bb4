/* Copy-up keeps mode (with setuid bits), owner, times and xattrs; the
 * lower file keeps its own. */
#include "ovl.h"

static void times_of(const char *label, const char *path)
{
	struct stat s;

	if (stat(path, &s) < 0) {
		printf("%s: %s\n", label, errname(errno));
		return;
	}
	printf("%s: atime %lld.%09ld mtime %lld.%09ld\n", label, (long long)s.st_atim.tv_sec,
	       s.st_atim.tv_nsec, (long long)s.st_mtim.tv_sec, s.st_mtim.tv_nsec);
}

int main(void)
{
	struct timespec ts[2] = { { 1000000000, 5 }, { 1200000000, 123456789 } };
	char buf[64];
	int fd;

	ovl_setup();
	put(P(L, "f"), "data");
	chown(P(L, "f"), 1234, 5678);
	chmod(P(L, "f"), 04751);
	utimensat(AT_FDCWD, P(L, "f"), ts, 0);
	setxattr(P(L, "f"), "user.color", "blue", 4, 0);
	mkdir(P(L, "d"), 0710);
	chown(P(L, "d"), 42, 43);
	put(P(L, "d/x"), "x");
	utimensat(AT_FDCWD, P(L, "d"), ts, 0);
	ovl_mount();

	st("merged f", P(M, "f"));
	fd = open(P(M, "f"), O_RDWR);
	SHOWOK(fd);
	close(fd);
	st("upper f", P(U, "f"));
	times_of("upper f", P(U, "f"));
	times_of("merged f", P(M, "f"));
	memset(buf, 0, sizeof(buf));
	SHOW(getxattr(P(U, "f"), "user.color", buf, sizeof(buf)));
	printf("upper xattr: [%s]\n", buf);
	cat("upper f", P(U, "f"));

	/* Copying up a child does not change its directory's times. */
	{
		struct stat a, b;

		SHOWOK(chmod(P(M, "d/x"), 0600));
		stat(P(M, "d"), &a);
		stat(P(L, "d"), &b);
		EXPECT(a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec);
		EXPECT(a.st_atim.tv_sec == b.st_atim.tv_sec && a.st_atim.tv_nsec == b.st_atim.tv_nsec);
	}
	/* The parent directory copied up for a new child keeps its metadata. */
	put(P(M, "d/new"), "n");
	st("upper d", P(U, "d"));
	{
		struct stat a, b;

		stat(P(U, "d"), &a);
		stat(P(L, "d"), &b);
		/* atime copied; mtime moved on with the new entry. */
		EXPECT(a.st_atim.tv_sec == b.st_atim.tv_sec && a.st_atim.tv_nsec == b.st_atim.tv_nsec);
		EXPECT(a.st_mtim.tv_sec != b.st_mtim.tv_sec);
	}
	st("lower d", P(L, "d"));
	st("lower f", P(L, "f"));
	ls("merged d", P(M, "d"));
	ls("upper d", P(U, "d"));
	st("upper d/x", P(U, "d/x"));
	ovl_cleanup();
	return 0;
}
