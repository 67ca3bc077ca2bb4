/* pivot_root(2) into a tmpfs in a private mount namespace: the old root
 * moves under put_old, cwd and root follow, and the old root can be
 * detached. */
#include "vfs.h"

static void body(void)
{
	char buf[PATH_MAX];

	SHOWOK(mount("tmpfs", "m", "tmpfs", 0, NULL));
	SHOWOK(mkdir("m/old", 0755));
	put_file("m/marker", "new root", 0644);
	SHOW(syscall(SYS_pivot_root, "m/marker", "m/old"));
	SHOW(syscall(SYS_pivot_root, "m", "elsewhere"));
	SHOW(syscall(SYS_pivot_root, "m/old", "m/old"));
	SHOWOK(syscall(SYS_pivot_root, "m", "m/old"));
	SHOWOK(chdir("/"));
	printf("marker: %s\n", get_file("/marker"));
	SHOW(access("/old/etc", F_OK));
	SHOW(access("/etc", F_OK));
	syscall(SYS_getcwd, buf, sizeof(buf));
	printf("cwd: %s\n", buf);
	SHOW(umount("/old"));
	SHOWOK(umount2("/old", MNT_DETACH));
	list_dir("root", "/");
	list_dir("old", "/old");
	SHOW(access("/old/etc", F_OK));
}

static void user(void)
{
	SHOW(syscall(SYS_pivot_root, "m/old", "m/old"));
}

int main(void)
{
	scratch_enter();
	SHOWOK(mkdir("m", 0755));
	in_mount_ns(body, "ns");
	chmod(".", 0755);
	as_user(1000, 1000, user, "user");
	scratch_leave();
	return 0;
}
