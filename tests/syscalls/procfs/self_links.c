/* The self, thread-self and mounts links, and the exe, cwd and root magic
 * links of a process. */
#include "procutil.h"

static char tmpl[] = "/tmp/slXXXXXX";

int main(int argc, char **argv)
{
	char want[4096], real[4096];
	struct stat a, b;

	snprintf(want, sizeof(want), "%d", getpid());
	EXPECT(!strcmp(rdlink("/proc/self"), want));
	snprintf(want, sizeof(want), "%d/task/%d", getpid(), getpid());
	EXPECT(!strcmp(rdlink("/proc/thread-self"), want));
	printf("mounts -> %s\n", rdlink("/proc/mounts"));
	EXPECT(realpath(argv[0], real) && !strcmp(rdlink("/proc/self/exe"), real));
	stat("/proc/self/exe", &a);
	stat(real, &b);
	EXPECT(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	lstat("/proc/self/exe", &a);
	printf("exe lstat mode=%o\n", a.st_mode);
	printf("root -> %s\n", rdlink("/proc/self/root"));
	if (!mkdtemp(tmpl))
		return 1;
	chdir(tmpl);
	EXPECT(!strcmp(rdlink("/proc/self/cwd"), tmpl));
	{
		/* Open through the cwd link. */
		int fd = open("/proc/self/cwd/file", O_CREAT | O_RDWR, 0600);

		EXPECT(fd >= 0);
		close(fd);
		EXPECT(access("file", F_OK) == 0);
		unlink("file");
	}
	chdir("/");
	rmdir(tmpl);
	{
		/* Following self resolves to our own directory. */
		struct stat s1, s2;
		char p[64];

		snprintf(p, sizeof(p), "/proc/%d", getpid());
		stat("/proc/self", &s1);
		stat(p, &s2);
		EXPECT(s1.st_ino == s2.st_ino);
		printf("pid dir mode=%o\n", s1.st_mode);
		lstat("/proc/self", &s1);
		printf("self lstat mode=%o\n", s1.st_mode);
	}
	return 0;
}
