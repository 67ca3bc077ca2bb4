/* IN_ONESHOT (one event, then IN_IGNORED), IN_MASK_ADD and replacing a
 * watch's mask, IN_MASK_CREATE, and the same inode giving the same wd. */
#include "inutil.h"

static char tmpl[] = "/tmp/inoXXXXXX";

#ifndef IN_MASK_CREATE
#define IN_MASK_CREATE 0x10000000
#endif

static void touch(const char *p)
{
	int fd = open(p, O_CREAT | O_WRONLY, 0644);

	write(fd, "x", 1);
	close(fd);
}

int main(void)
{
	char p[128], lnk[128];
	int in;

	if (!mkdtemp(tmpl))
		return 1;
	snprintf(p, sizeof(p), "%s/f", tmpl);
	touch(p);
	in = inotify_init1(IN_NONBLOCK);
	printf("oneshot wd=%d\n", inotify_add_watch(in, p, IN_MODIFY | IN_ONESHOT));
	touch(p);
	touch(p);
	drain(in, "oneshot");
	printf("again wd=%d\n", inotify_add_watch(in, p, IN_OPEN));
	touch(p);
	drain(in, "open only");
	printf("replace wd=%d\n", inotify_add_watch(in, p, IN_CLOSE_WRITE));
	touch(p);
	drain(in, "close only");
	printf("add wd=%d\n", inotify_add_watch(in, p, IN_OPEN | IN_MASK_ADD));
	touch(p);
	drain(in, "open+close");
	SHOW(inotify_add_watch(in, p, IN_OPEN | IN_MASK_CREATE));
	SHOW(inotify_add_watch(in, p, IN_OPEN | IN_MASK_CREATE | IN_MASK_ADD));
	/* Through a hard link: the same inode, the same watch. */
	snprintf(lnk, sizeof(lnk), "%s/g", tmpl);
	link(p, lnk);
	printf("hard link wd=%d\n", inotify_add_watch(in, lnk, IN_OPEN));
	unlink(lnk);
	drain(in, "link");
	unlink(p);
	drain(in, "unlink");
	rmdir(tmpl);
	close(in);
	return 0;
}
