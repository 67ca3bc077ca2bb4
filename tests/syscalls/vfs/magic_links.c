/* /proc magic links through the VFS: RESOLVE_NO_MAGICLINKS and scoped
 * lookups refuse them; ordinary opens follow them to the file. */
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
	char path[64], buf[PATH_MAX], cwd[PATH_MAX];
	struct stat a, b;
	int fd, root;

	scratch_enter();
	put_file("f", "magic", 0644);
	fd = open("f", O_RDWR);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	printf("via fd link: %s\n", get_file(path));
	SHOW(o2(AT_FDCWD, path, O_RDONLY, 0));
	SHOW(o2(AT_FDCWD, path, O_RDONLY, RESOLVE_NO_MAGICLINKS));
	SHOW(o2(AT_FDCWD, "/proc/self/exe", O_RDONLY, RESOLVE_NO_MAGICLINKS));
	SHOW(o2(AT_FDCWD, path, O_PATH | O_NOFOLLOW, RESOLVE_NO_MAGICLINKS));
	root = open("/", O_PATH);
	SHOW(o2(root, path + 1, O_RDONLY, RESOLVE_BENEATH));
	SHOW(o2(root, "proc/self/cwd", O_RDONLY | O_DIRECTORY, RESOLVE_IN_ROOT));
	SHOWOK(unlink("f"));
	printf("unlinked still: %s\n", get_file(path));
	SHOWOK(stat("/proc/self/cwd", &a));
	SHOWOK(stat(".", &b));
	EXPECT(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	{
		ssize_t n = readlink("/proc/self/cwd", buf, sizeof(buf) - 1);

		buf[n > 0 ? n : 0] = 0;
		getcwd(cwd, sizeof(cwd));
		EXPECT(!strcmp(buf, cwd));
	}
	close(fd);
	scratch_leave();
	return 0;
}
