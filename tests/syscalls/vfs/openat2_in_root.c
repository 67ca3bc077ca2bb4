/* openat2(2) RESOLVE_IN_ROOT: dirfd acts as the root for "..", absolute
 * paths and absolute symlinks. */
#include "vfs.h"
#include <linux/openat2.h>

static void o2(int dfd, const char *p)
{
	struct open_how how = { .flags = O_RDONLY, .resolve = RESOLVE_IN_ROOT };
	long r = syscall(SYS_openat2, dfd, p, &how, sizeof(how));
	char buf[32] = "";

	if (r < 0) {
		printf("%s: %s\n", p, errname(errno));
		return;
	}
	if (read((int)r, buf, sizeof(buf) - 1) < 0)
		strcpy(buf, "?");
	close((int)r);
	printf("%s: %s\n", p, buf);
}

int main(void)
{
	int dfd;

	scratch_enter();
	SHOWOK(mkdir("root", 0755));
	SHOWOK(mkdir("root/etc", 0755));
	put_file("root/etc/hostname", "inner", 0644);
	put_file("outside", "outer", 0644);
	SHOWOK(symlink("/etc/hostname", "root/abs"));
	SHOWOK(symlink("../../../outside", "root/esc"));
	SHOWOK(symlink("/../etc/hostname", "root/etc/up"));
	dfd = open("root", O_PATH | O_DIRECTORY);
	o2(dfd, "etc/hostname");
	o2(dfd, "/etc/hostname");
	o2(dfd, "../../etc/hostname");
	o2(dfd, "abs");
	o2(dfd, "esc");
	o2(dfd, "etc/up");
	o2(dfd, "../outside");
	scratch_leave();
	return 0;
}
