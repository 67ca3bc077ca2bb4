/* Argument errors of inotify_init1, inotify_add_watch and
 * inotify_rm_watch, short reads, nonblocking reads, and the file's type. */
#include "inutil.h"
#include <sys/eventfd.h>

static char tmpl[] = "/tmp/ineXXXXXX";

int main(void)
{
	char p[128], lnk[128], buf[64] __attribute__((aligned(8)));
	int in, ev = eventfd(0, 0), fd;
	struct stat st;

	if (!mkdtemp(tmpl))
		return 1;
	snprintf(p, sizeof(p), "%s/f", tmpl);
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	close(fd);
	snprintf(lnk, sizeof(lnk), "%s/l", tmpl);
	symlink("f", lnk);
	SHOW(inotify_init1(0x1));
	in = inotify_init1(IN_NONBLOCK);
	SHOW(fcntl(in, F_GETFL) & (O_ACCMODE | O_NONBLOCK));
	SHOW(inotify_add_watch(in, p, 0));
	SHOW(inotify_add_watch(in, p, IN_DONT_FOLLOW));
	SHOW(inotify_add_watch(ev, p, IN_OPEN));
	SHOW(inotify_add_watch(1000, p, IN_OPEN));
	SHOW(inotify_add_watch(in, "/nonexistent/x", IN_OPEN));
	SHOW(inotify_add_watch(in, p, IN_OPEN | IN_ONLYDIR));
	SHOW(inotify_add_watch(in, tmpl, IN_OPEN | IN_ONLYDIR));
	SHOW(inotify_add_watch(in, (char *)1, IN_OPEN));
	SHOW(inotify_rm_watch(in, 99));
	SHOW(inotify_rm_watch(ev, 1));
	SHOW(inotify_rm_watch(1000, 1));
	SHOW(inotify_rm_watch(in, 1));
	SHOW(inotify_rm_watch(in, 1));
	SHOW(read(in, buf, sizeof(buf)));
	/* A new watch gets a new descriptor number. */
	SHOW(inotify_add_watch(in, p, IN_OPEN));
	/* IN_DONT_FOLLOW watches the link itself: opening the target is not
	 * an event of the link. */
	SHOW(inotify_add_watch(in, lnk, IN_OPEN | IN_ATTRIB | IN_DONT_FOLLOW));
	SHOW(inotify_add_watch(in, lnk, IN_OPEN));
	fd = open(p, O_RDONLY);
	close(fd);
	/* One event is 16 bytes plus its name: a smaller buffer is EINVAL. */
	SHOW(read(in, buf, 8));
	drain(in, "events");
	SHOW(lseek(in, 0, SEEK_SET));
	SHOW(write(in, "x", 1));
	fstat(in, &st);
	printf("mode=%o\n", st.st_mode);
	unlink(lnk);
	unlink(p);
	rmdir(tmpl);
	return 0;
}
