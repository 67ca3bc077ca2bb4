/* Renames: MOVED_FROM/MOVED_TO pairs share one cookie, within one watched
 * directory and across two; the moved file's own MOVE_SELF. */
#include "inutil.h"

static char tmpl[] = "/tmp/inmXXXXXX";

int main(void)
{
	char a[128], b[128], f1[160], f2[160], f3[160];
	int in, fd;

	if (!mkdtemp(tmpl))
		return 1;
	snprintf(a, sizeof(a), "%s/a", tmpl);
	snprintf(b, sizeof(b), "%s/b", tmpl);
	mkdir(a, 0755);
	mkdir(b, 0755);
	snprintf(f1, sizeof(f1), "%s/one", a);
	snprintf(f2, sizeof(f2), "%s/two", a);
	snprintf(f3, sizeof(f3), "%s/three", b);
	fd = open(f1, O_CREAT | O_WRONLY, 0644);
	close(fd);
	in = inotify_init1(IN_NONBLOCK);
	printf("wd a=%d\n", inotify_add_watch(in, a, IN_MOVE | IN_CREATE | IN_DELETE));
	printf("wd b=%d\n", inotify_add_watch(in, b, IN_MOVE | IN_CREATE | IN_DELETE));
	printf("wd file=%d\n", inotify_add_watch(in, f1, IN_MOVE_SELF | IN_ATTRIB));
	rename(f1, f2);
	drain(in, "same dir");
	rename(f2, f3);
	drain(in, "across");
	{
		/* Replacing an existing name. */
		fd = open(f1, O_CREAT | O_WRONLY, 0644);
		close(fd);
		drain(in, "recreate");
		rename(f3, f1);
		drain(in, "replace");
	}
	{
		char d1[160], d2[160];

		snprintf(d1, sizeof(d1), "%s/dir", a);
		snprintf(d2, sizeof(d2), "%s/dir", b);
		mkdir(d1, 0755);
		rename(d1, d2);
		drain(in, "dir move");
		rmdir(d2);
	}
	unlink(f1);
	drain(in, "unlink");
	close(in);
	rmdir(a);
	rmdir(b);
	rmdir(tmpl);
	return 0;
}
