/* openat2(2) RESOLVE_BENEATH: no escape from dirfd by "..", absolute
 * paths or absolute symlinks (EXDEV). */
#include "vfs.h"
#include <linux/openat2.h>

static long o2(int dfd, const char *p, uint64_t flags, uint64_t resolve)
{
	struct open_how how = { .flags = flags, .resolve = resolve };
	long r = syscall(SYS_openat2, dfd, p, &how, sizeof(how));

	if (r >= 0)
		close((int)r);
	return r < 0 ? -1 : 0;
}

int main(void)
{
	int dfd;

	scratch_enter();
	SHOWOK(mkdir("root", 0755));
	SHOWOK(mkdir("root/a", 0755));
	put_file("root/a/f", "x", 0644);
	put_file("outside", "x", 0644);
	SHOWOK(symlink("/etc/hostname", "root/abs"));
	SHOWOK(symlink("../outside", "root/esc"));
	SHOWOK(symlink("a/f", "root/rel"));
	SHOWOK(symlink("../a/f", "root/a/up"));
	dfd = open("root", O_PATH | O_DIRECTORY);
	SHOW(o2(dfd, "a/f", O_RDONLY, RESOLVE_BENEATH));
	SHOW(o2(dfd, "a/../a/f", O_RDONLY, RESOLVE_BENEATH));
	SHOW(o2(dfd, "../outside", O_RDONLY, RESOLVE_BENEATH));
	SHOW(o2(dfd, "a/../../outside", O_RDONLY, RESOLVE_BENEATH));
	SHOW(o2(dfd, "/etc/hostname", O_RDONLY, RESOLVE_BENEATH));
	SHOW(o2(dfd, "abs", O_RDONLY, RESOLVE_BENEATH));
	SHOW(o2(dfd, "esc", O_RDONLY, RESOLVE_BENEATH));
	SHOW(o2(dfd, "rel", O_RDONLY, RESOLVE_BENEATH));
	SHOW(o2(dfd, "a/up", O_RDONLY, RESOLVE_BENEATH));
	SHOW(o2(dfd, "..", O_RDONLY, RESOLVE_BENEATH));
	SHOW(o2(dfd, ".", O_RDONLY, RESOLVE_BENEATH));
	SHOW(o2(AT_FDCWD, "root/a/f", O_RDONLY, RESOLVE_BENEATH));
	SHOW(o2(AT_FDCWD, "../x", O_RDONLY, RESOLVE_BENEATH));
	SHOW(o2(dfd, "new", O_WRONLY | O_CREAT, RESOLVE_BENEATH));
	SHOW(access("root/new", F_OK));
	scratch_leave();
	return 0;
}
