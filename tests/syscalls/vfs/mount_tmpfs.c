/* mount(2) of a tmpfs in a private mount namespace: files live in it,
 * umount is EBUSY while a file is open, and the directory below shows
 * again after. */
#include "vfs.h"
#include <sys/statfs.h>

static void body(void)
{
	struct statfs sf;
	struct stat a, b;
	int fd;

	SHOWOK(mount("tmpfs", "m", "tmpfs", 0, "size=1m,mode=0755"));
	list_dir("mounted", "m");
	put_file("m/inside", "hello", 0644);
	SHOWOK(statfs("m", &sf));
	printf("tmpfs magic: %s\n", sf.f_type == 0x01021994 ? "yes" : "no");
	SHOWOK(stat("m", &a));
	SHOWOK(stat(".", &b));
	EXPECT(a.st_dev != b.st_dev);
	show_mode("m");
	SHOWOK(stat("m/..", &a));
	EXPECT(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	SHOW(rename("m/inside", "outside"));
	SHOW(link("m/inside", "outside"));
	fd = open("m/inside", O_RDONLY);
	SHOW(umount("m"));
	SHOW(rmdir("m"));
	close(fd);
	SHOWOK(chdir("m"));
	SHOW(umount("../m"));
	SHOWOK(chdir(".."));
	SHOWOK(umount("m"));
	list_dir("after", "m");
	SHOW(umount("m"));
	SHOWOK(mount("tmpfs", "m", "tmpfs", 0, NULL));
	SHOWOK(mount("tmpfs", "m", "tmpfs", 0, NULL));
	put_file("m/top", "", 0644);
	SHOWOK(umount("m"));
	list_dir("lower", "m");
	SHOWOK(umount2("m", MNT_DETACH));
	list_dir("bottom", "m");
}

int main(void)
{
	scratch_enter();
	SHOWOK(mkdir("m", 0700));
	put_file("m/below", "", 0644);
	in_mount_ns(body, "ns");
	list_dir("outside ns", "m");
	scratch_leave();
	return 0;
}
