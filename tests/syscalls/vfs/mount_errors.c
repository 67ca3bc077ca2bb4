/* mount/umount errors: privileges, unknown types, non-mount points,
 * flags; propagation changes. */
#include "vfs.h"

static void user(void)
{
	SHOW(mount("tmpfs", "m", "tmpfs", 0, NULL));
	SHOW(umount("/"));
}

static void body(void)
{
	SHOW(mount("x", "m", "nosuchfs", 0, NULL));
	SHOW(mount("tmpfs", "missing", "tmpfs", 0, NULL));
	SHOW(mount("tmpfs", "f", "tmpfs", 0, NULL));
	SHOW(umount("m"));
	SHOW(umount("missing"));
	SHOW(umount2("m", 0x100));
	SHOW(umount2("m", MNT_EXPIRE | MNT_DETACH));
	SHOWOK(mount("tmpfs", "m", "tmpfs", 0, NULL));
	SHOWOK(mount("none", "m", NULL, MS_PRIVATE, NULL));
	SHOWOK(mount("none", "m", NULL, MS_SHARED, NULL));
	SHOWOK(mount("none", "m", NULL, MS_SLAVE, NULL));
	SHOW(mount("none", "m", NULL, MS_PRIVATE | MS_SHARED, NULL));
	SHOW(mount("none", "f", NULL, MS_PRIVATE, NULL));
	SHOWOK(mount("tmpfs", "m", "tmpfs", 0xC0ED0000 | MS_NOSUID, NULL));
	SHOWOK(umount("m"));
	SHOWOK(umount("m"));
	SHOW(umount("m"));
	SHOWOK(mount("tmpfs", "m", "tmpfs", 0, NULL));
	SHOWOK(mkdir("m/sub", 0755));
	SHOWOK(mount("tmpfs", "m/sub", "tmpfs", 0, NULL));
	SHOW(umount("m"));
	SHOW(rmdir("m/sub"));
	SHOWOK(umount2("m", MNT_DETACH));
	list_dir("m", "m");
}

int main(void)
{
	scratch_enter();
	SHOWOK(mkdir("m", 0777));
	put_file("f", "", 0644);
	as_user(1000, 1000, user, "user");
	in_mount_ns(body, "ns");
	scratch_leave();
	return 0;
}
