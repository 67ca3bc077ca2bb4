/* ".." at the root stays at the root; ".." of a subdirectory is its parent. */
#include "vfs.h"

int main(void)
{
	struct stat r, p, s;
	char buf[PATH_MAX];

	SHOWOK(stat("/", &r));
	SHOWOK(stat("/..", &p));
	EXPECT(r.st_ino == p.st_ino && r.st_dev == p.st_dev);
	SHOWOK(stat("/../../..", &p));
	EXPECT(r.st_ino == p.st_ino);
	SHOWOK(chdir("/"));
	SHOWOK(chdir(".."));
	SHOWOK(chdir("../.."));
	printf("cwd: %s\n", getcwd(buf, sizeof(buf)));
	SHOWOK(stat("/../etc/../etc/./hostname", &s));
	scratch_enter();
	SHOWOK(mkdir("d", 0755));
	SHOWOK(mkdir("d/e", 0755));
	SHOWOK(chdir("d/e"));
	SHOWOK(stat("..", &s));
	SHOWOK(stat("../../d", &p));
	EXPECT(s.st_ino == p.st_ino);
	SHOWOK(chdir("../.."));
	scratch_leave();
	return 0;
}
