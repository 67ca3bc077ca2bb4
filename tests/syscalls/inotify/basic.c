/* inotify on a directory: create, open, modify, close, attrib, delete of
 * entries and of a subdirectory, with names padded like Linux. */
#include "inutil.h"

static char tmpl[] = "/tmp/inbXXXXXX";

int main(void)
{
	char p[128], q[128];
	int in, wd, fd;

	if (!mkdtemp(tmpl))
		return 1;
	in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	wd = inotify_add_watch(in, tmpl, IN_ALL_EVENTS);
	printf("wd=%d\n", wd);
	snprintf(p, sizeof(p), "%s/file", tmpl);
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	write(fd, "abc", 3);
	close(fd);
	drain(in, "create+write");
	fd = open(p, O_RDONLY);
	close(fd);
	drain(in, "open+close");
	chmod(p, 0600);
	truncate(p, 1);
	drain(in, "attrib");
	snprintf(q, sizeof(q), "%s/a-much-longer-file-name-x", tmpl);
	fd = open(q, O_CREAT | O_RDWR, 0644);
	close(fd);
	unlink(q);
	drain(in, "long name");
	snprintf(q, sizeof(q), "%s/sub", tmpl);
	mkdir(q, 0755);
	rmdir(q);
	unlink(p);
	drain(in, "dir+unlink");
	printf("rm_watch=%d\n", inotify_rm_watch(in, wd));
	drain(in, "rm");
	rmdir(tmpl);
	drain(in, "after rmdir");
	close(in);
	return 0;
}
