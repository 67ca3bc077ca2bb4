/* Bind mounts (MS_BIND, MS_REC) of directories and files. */
#include "vfs.h"

static void body(void)
{
	struct stat a, b;

	SHOWOK(mount("src", "dst", NULL, MS_BIND, NULL));
	list_dir("dst", "dst");
	SHOWOK(stat("src/f", &a));
	SHOWOK(stat("dst/f", &b));
	EXPECT(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	put_file("dst/new", "via bind", 0644);
	printf("src/new: %s\n", get_file("src/new"));
	SHOWOK(mount("tmpfs", "src/sub", "tmpfs", 0, NULL));
	put_file("src/sub/deep", "", 0644);
	list_dir("dst/sub (plain bind)", "dst/sub");
	SHOWOK(mount("src", "rec", NULL, MS_BIND | MS_REC, NULL));
	list_dir("rec/sub", "rec/sub");
	SHOWOK(mount("src/f", "file_dst", NULL, MS_BIND, NULL));
	printf("file_dst: %s\n", get_file("file_dst"));
	SHOW(mount("src", "file_dst", NULL, MS_BIND, NULL));
	SHOW(mount("src/f", "dst", NULL, MS_BIND, NULL));
	SHOW(mount("missing", "dst", NULL, MS_BIND, NULL));
	SHOW(umount("rec"));
	SHOWOK(umount2("rec", MNT_DETACH));
	SHOWOK(umount("dst"));
	list_dir("dst after", "dst");
	SHOWOK(umount("file_dst"));
	printf("file_dst: [%s]\n", get_file("file_dst"));
}

int main(void)
{
	scratch_enter();
	SHOWOK(mkdir("src", 0755));
	SHOWOK(mkdir("src/sub", 0755));
	SHOWOK(mkdir("dst", 0755));
	SHOWOK(mkdir("rec", 0755));
	put_file("src/f", "content", 0644);
	put_file("file_dst", "", 0644);
	in_mount_ns(body, "ns");
	list_dir("src", "src");
	scratch_leave();
	return 0;
}
