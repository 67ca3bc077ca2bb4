/* Extended attributes on tmpfs: namespaces, flags, sizes, lists. */
#include "vfs.h"
#include <sys/xattr.h>

static void user(void)
{
	char v[16];

	SHOW(getxattr("f", "trusted.t", v, sizeof(v)));
	SHOW(setxattr("f", "trusted.t", "x", 1, 0));
	SHOW(setxattr("f", "user.u", "x", 1, 0));
	SHOW(removexattr("f", "user.a"));
}

int main(void)
{
	char v[64], list[256];
	ssize_t n;
	int fd;

	scratch_enter();
	chmod(".", 0755);
	put_file("f", "", 0644);
	SHOWOK(mkdir("d", 0755));
	SHOWOK(symlink("f", "l"));
	SHOWOK(setxattr("f", "trusted.t", "tval", 4, 0));
	SHOWOK(setxattr("f", "user.a", "one", 3, 0));
	SHOW(setxattr("f", "user.a", "two", 3, XATTR_CREATE));
	SHOWOK(setxattr("f", "user.a", "two", 3, XATTR_REPLACE));
	SHOW(setxattr("f", "user.b", "x", 1, XATTR_REPLACE));
	SHOW(setxattr("f", "user.b", "x", 1, 4));
	SHOW(setxattr("f", "bogus.b", "x", 1, 0));
	SHOW(setxattr("f", "", "x", 1, 0));
	n = getxattr("f", "user.a", v, sizeof(v));
	printf("user.a = %.*s (%zd)\n", (int)(n > 0 ? n : 0), v, n);
	SHOW(getxattr("f", "user.a", NULL, 0));
	SHOW(getxattr("f", "user.a", v, 1));
	SHOW(getxattr("f", "user.none", v, sizeof(v)));
	n = listxattr("f", list, sizeof(list));
	{
		int count = 0;

		for (ssize_t i = 0; i < n; i += (ssize_t)strlen(list + i) + 1)
			if (!strncmp(list + i, "user.", 5) || !strncmp(list + i, "trusted.", 8))
				count++;
		printf("listed user/trusted: %d\n", count);
	}
	SHOWOK(listxattr("f", NULL, 0));
	SHOW(lsetxattr("l", "user.x", "x", 1, 0));
	SHOWOK(lgetxattr("l", "user.a", v, sizeof(v)) < 0);
	SHOWOK(setxattr("d", "user.dir", "d", 1, 0));
	fd = open("f", O_RDONLY);
	n = fgetxattr(fd, "trusted.t", v, sizeof(v));
	printf("trusted.t = %.*s\n", (int)(n > 0 ? n : 0), v);
	SHOWOK(fremovexattr(fd, "trusted.t"));
	SHOW(fremovexattr(fd, "trusted.t"));
	close(fd);
	as_user(1000, 1000, user, "user");
	SHOWOK(removexattr("f", "user.a"));
	SHOW(getxattr("missing", "user.a", v, sizeof(v)));
	scratch_leave();
	return 0;
}
