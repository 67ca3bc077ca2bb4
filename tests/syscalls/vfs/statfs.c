/* statfs/fstatfs on a tmpfs mounted with options, and mount flags. */
#include "vfs.h"
#include <sys/statfs.h>
#include <sys/statvfs.h>

static void body(void)
{
	struct statfs sf;
	struct statvfs sv;
	int fd;

	SHOWOK(mount("tmpfs", "m", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4m"));
	SHOWOK(statfs("m", &sf));
	printf("type %lx bsize %ld blocks %lu namelen %ld\n", (long)sf.f_type, (long)sf.f_bsize,
	       (unsigned long)sf.f_blocks, (long)sf.f_namelen);
	SHOWOK(statvfs("m", &sv));
	printf("nosuid %d nodev %d noexec %d rdonly %d\n", !!(sv.f_flag & ST_NOSUID),
	       !!(sv.f_flag & ST_NODEV), !!(sv.f_flag & ST_NOEXEC), !!(sv.f_flag & ST_RDONLY));
	fd = open("m", O_RDONLY);
	SHOWOK(fstatfs(fd, &sf));
	printf("fstatfs type %lx\n", (long)sf.f_type);
	close(fd);
	SHOW(statfs("m/missing", &sf));
	put_file("m/prog", "#!/bin/sh\nexit 0\n", 0755);
	SHOW(access("m/prog", X_OK));
	SHOW(execl("m/prog", "prog", (char *)NULL));
	SHOWOK(umount("m"));
}

int main(void)
{
	struct statfs sf;
	int p[2];

	scratch_enter();
	SHOWOK(mkdir("m", 0755));
	in_mount_ns(body, "ns");
	pipe(p);
	SHOWOK(fstatfs(p[0], &sf));
	printf("pipe type %lx\n", (long)sf.f_type);
	SHOW(fstatfs(99, &sf));
	scratch_leave();
	return 0;
}
