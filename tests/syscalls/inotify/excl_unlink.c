/* Events about an open file after it was unlinked: a directory watch
 * still hears them by the old name, unless it asked IN_EXCL_UNLINK. */
#include "inutil.h"

static char tmpl[] = "/tmp/inxXXXXXX";

int main(void)
{
	char p[128];
	int in, fd;

	if (!mkdtemp(tmpl))
		return 1;
	snprintf(p, sizeof(p), "%s/f", tmpl);
	in = inotify_init1(IN_NONBLOCK);
	for (int excl = 0; excl < 2; excl++) {
		int wd = inotify_add_watch(in, tmpl, IN_MODIFY | IN_CLOSE_WRITE | IN_DELETE |
						     (excl ? IN_EXCL_UNLINK : 0));

		fd = open(p, O_CREAT | O_WRONLY, 0644);
		unlink(p);
		write(fd, "x", 1);
		close(fd);
		printf("excl=%d wd=%d\n", excl, wd);
		drain(in, excl ? "excl" : "plain");
		inotify_rm_watch(in, wd);
		drain(in, "rm");
	}
	rmdir(tmpl);
	close(in);
	return 0;
}
