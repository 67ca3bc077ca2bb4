/* Unmounting a filesystem with watched inodes: each watch gets
 * IN_UNMOUNT then IN_IGNORED, and the instance keeps working. */
#include "inutil.h"
#include <sys/mount.h>

static char tmpl[] = "/tmp/inuXXXXXX";

int main(void)
{
	char p[128];
	int in, fd;

	if (!mkdtemp(tmpl))
		return 1;
	if (unshare(CLONE_NEWNS) < 0)
		return 1;
	mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL);
	SHOW(mount("tmpfs", tmpl, "tmpfs", 0, NULL));
	snprintf(p, sizeof(p), "%s/f", tmpl);
	fd = open(p, O_CREAT | O_RDWR, 0644);
	close(fd);
	in = inotify_init1(IN_NONBLOCK);
	printf("wd root=%d\n", inotify_add_watch(in, tmpl, IN_CREATE));
	printf("wd file=%d\n", inotify_add_watch(in, p, IN_MODIFY));
	SHOW(umount(tmpl));
	drain(in, "umount");
	/* The directory underneath is a different inode: watch it. */
	printf("wd under=%d\n", inotify_add_watch(in, tmpl, IN_DELETE_SELF));
	rmdir(tmpl);
	drain(in, "rmdir");
	close(in);
	return 0;
}
