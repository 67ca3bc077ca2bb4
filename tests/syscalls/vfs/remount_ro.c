/* Read-only mounts: MS_RDONLY at mount, remount read-only and back,
 * read-only bind mounts. */
#include "vfs.h"
#include <sys/statvfs.h>

static void body(void)
{
	struct statvfs sv;
	int fd;

	SHOWOK(mount("tmpfs", "m", "tmpfs", 0, NULL));
	put_file("m/f", "data", 0644);
	SHOWOK(mount("none", "m", NULL, MS_REMOUNT | MS_RDONLY, NULL));
	SHOWOK(statvfs("m", &sv));
	printf("rdonly flag: %s\n", sv.f_flag & ST_RDONLY ? "yes" : "no");
	SHOW(open("m/f", O_WRONLY));
	SHOW(open("m/g", O_CREAT | O_WRONLY, 0644));
	SHOW(mkdir("m/d", 0755));
	SHOW(unlink("m/f"));
	SHOW(chmod("m/f", 0600));
	SHOW(truncate("m/f", 0));
	SHOW(access("m/f", W_OK));
	SHOW(utimensat(AT_FDCWD, "m/f", NULL, 0));
	printf("read: %s\n", get_file("m/f"));
	SHOWOK(mount("none", "m", NULL, MS_REMOUNT, NULL));
	fd = open("m/f", O_WRONLY | O_APPEND);
	SHOWOK(fd);
	SHOW(write(fd, "+", 1));
	close(fd);
	SHOWOK(mount("m", "b", NULL, MS_BIND, NULL));
	SHOWOK(mount("none", "b", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL));
	SHOW(open("b/f", O_WRONLY));
	SHOW(open("m/f", O_WRONLY) >= 0);
	SHOWOK(statvfs("b", &sv));
	printf("bind rdonly: %s\n", sv.f_flag & ST_RDONLY ? "yes" : "no");
	SHOWOK(statvfs("m", &sv));
	printf("orig rdonly: %s\n", sv.f_flag & ST_RDONLY ? "yes" : "no");
	SHOWOK(mount("tmpfs", "r", "tmpfs", MS_RDONLY, NULL));
	SHOW(mkdir("r/x", 0755));
	SHOW(mount("none", "m/f", NULL, MS_REMOUNT, NULL));
	printf("f: %s\n", get_file("m/f"));
}

int main(void)
{
	scratch_enter();
	SHOWOK(mkdir("m", 0755));
	SHOWOK(mkdir("b", 0755));
	SHOWOK(mkdir("r", 0755));
	in_mount_ns(body, "ns");
	scratch_leave();
	return 0;
}
