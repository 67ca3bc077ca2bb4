/* Events on a watched file itself: attrib, modify, open/close, access,
 * DELETE_SELF then IGNORED when the last link goes; a watched directory
 * removed gives DELETE_SELF and IGNORED too. */
#include "inutil.h"

static char tmpl[] = "/tmp/insXXXXXX";

int main(void)
{
	char p[128], d[128], c;
	int in, fd;

	if (!mkdtemp(tmpl))
		return 1;
	snprintf(p, sizeof(p), "%s/f", tmpl);
	snprintf(d, sizeof(d), "%s/d", tmpl);
	fd = open(p, O_CREAT | O_RDWR, 0644);
	close(fd);
	mkdir(d, 0755);
	in = inotify_init1(IN_NONBLOCK);
	printf("wd file=%d\n", inotify_add_watch(in, p, IN_ALL_EVENTS));
	printf("wd dir=%d\n", inotify_add_watch(in, d, IN_ALL_EVENTS | IN_ONLYDIR));
	chmod(p, 0600);
	chown(p, getuid(), getgid());
	drain(in, "attrib");
	fd = open(p, O_RDWR);
	write(fd, "ab", 2);
	pread(fd, &c, 1, 0);
	ftruncate(fd, 0);
	close(fd);
	drain(in, "io");
	{
		/* A watched directory's own events carry IN_ISDIR. */
		int dfd = open(d, O_RDONLY | O_DIRECTORY);

		close(dfd);
		chmod(d, 0700);
		drain(in, "dir self");
	}
	rmdir(d);
	drain(in, "rmdir");
	unlink(p);
	drain(in, "unlink");
	printf("rm_watch after delete = %d\n", inotify_rm_watch(in, 1));
	close(in);
	rmdir(tmpl);
	return 0;
}
