/* Extended attributes on tmpfs: user.* on files and directories only,
 * trusted.* and security.*, create/replace flags, sizes, listing and the
 * errors of xattr(7). */
#include "tmpfsutil.h"
#include <sys/xattr.h>

static void body(const char *dir)
{
	char f[128], l[128], d[128], buf[256], big[70000];
	ssize_t n;

	tf_path(f, sizeof(f), "file");
	tf_path(l, sizeof(l), "link");
	tf_path(d, sizeof(d), "dir");
	close(open(f, O_CREAT | O_RDWR, 0644));
	SHOW(symlink("file", l));
	SHOW(mkdir(d, 0755));
	SHOW(setxattr(f, "user.a", "one", 3, 0));
	SHOW(setxattr(f, "user.a", "two", 3, XATTR_CREATE));
	SHOW(setxattr(f, "user.b", "two", 3, XATTR_REPLACE));
	SHOW(setxattr(f, "user.a", "three", 5, XATTR_REPLACE));
	SHOW(setxattr(f, "user.empty", "", 0, 0));
	SHOW(setxattr(f, "trusted.t", "tt", 2, 0));
	SHOW(setxattr(f, "security.s", "ss", 2, 0));
	SHOW(setxattr(f, "other.x", "x", 1, 0));
	SHOW(setxattr(f, "user.", "x", 1, 0));
	SHOW(setxattr(f, "", "x", 1, 0));
	SHOW(setxattr(f, "user.a", "x", 1, 4));
	SHOW(lsetxattr(l, "user.a", "x", 1, 0));
	SHOW(lsetxattr(l, "trusted.a", "x", 1, 0));
	SHOW(setxattr(d, "user.d", "dd", 2, 0));
	memset(big, 'b', sizeof(big));
	SHOW(setxattr(f, "user.big", big, 65536, 0));
	SHOW(setxattr(f, "user.big", big, 65537, 0));
	SHOW(removexattr(f, "user.big"));
	memset(buf, 'n', 300 > sizeof(buf) ? sizeof(buf) : 300);
	memcpy(buf, "user.", 5);
	buf[255] = 0;
	SHOW(setxattr(f, buf, "x", 1, 0));
	buf[254] = 0;
	SHOW(setxattr(f, buf, "x", 1, 0));
	SHOW(removexattr(f, buf));
	SHOW(getxattr(f, "user.a", NULL, 0));
	memset(buf, 0, sizeof(buf));
	SHOW(getxattr(f, "user.a", buf, sizeof(buf)));
	printf("user.a=%s\n", buf);
	SHOW(getxattr(f, "user.a", buf, 2));
	SHOW(getxattr(f, "user.empty", buf, sizeof(buf)));
	SHOW(getxattr(f, "user.none", buf, sizeof(buf)));
	SHOW(lgetxattr(l, "user.a", buf, sizeof(buf)));
	SHOW(getxattr(l, "user.a", buf, 0));
	n = listxattr(f, NULL, 0);
	printf("list size=%ld\n", (long)n);
	SHOW(listxattr(f, buf, 3));
	n = listxattr(f, buf, sizeof(buf));
	for (char *p = buf; p < buf + n; p += strlen(p) + 1)
		printf("name %s\n", p);
	SHOW(llistxattr(l, buf, sizeof(buf)));
	SHOW(removexattr(f, "user.a"));
	SHOW(removexattr(f, "user.a"));
	SHOW(listxattr(d, buf, sizeof(buf)));
}

int main(void)
{
	return tf_run("size=1m", body);
}
