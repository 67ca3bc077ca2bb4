/* With nr_inodes= set, tmpfs inodes and xattrs share one budget
 * (nr_inodes * 1024 bytes, an xattr costing 40 + name + value bytes):
 * xattrs run out with ENOSPC, crowd out new inodes, a replacement is
 * charged before the old value is given back, and removal frees. */
#include "tmpfsutil.h"
#include <sys/xattr.h>

static void body(const char *dir)
{
	char f[128], g[128], name[32], v[200] = { 0 };
	struct statfs sf;
	int i;

	tf_path(f, sizeof(f), "f");
	tf_path(g, sizeof(g), "g");
	close(open(f, O_CREAT | O_RDWR, 0600));
	statfs(dir, &sf);
	printf("ffree=%ld\n", (long)sf.f_ffree);
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "user.%d", i);
		if (setxattr(f, name, v, 100, 0) < 0) {
			printf("xattr %d: %s\n", i, errname(errno));
			break;
		}
	}
	statfs(dir, &sf);
	printf("ffree=%ld\n", (long)sf.f_ffree);
	SHOW(open(g, O_CREAT | O_RDWR, 0600));
	SHOW(setxattr(f, "trusted.x", v, 200, 0));
	SHOW(setxattr(f, "user.0", v, 150, 0));
	SHOW(setxattr(f, "user.0", v, 50, 0));
	SHOW(setxattr(f, "user.0", v, 100, 0));
	for (i = 0; i < 14; i++) {
		snprintf(name, sizeof(name), "user.%d", i);
		removexattr(f, name);
	}
	statfs(dir, &sf);
	printf("ffree=%ld\n", (long)sf.f_ffree);
	SHOW(close(open(g, O_CREAT | O_RDWR, 0600)));
	SHOW(unlink(g));
	SHOW(unlink(f));
	statfs(dir, &sf);
	printf("ffree=%ld\n", (long)sf.f_ffree);
}

int main(void)
{
	return tf_run("size=1m,nr_inodes=4", body);
}
