/* A watched FIFO: opens, writes, reads and closes of its two ends. */
#include "inutil.h"

static char tmpl[] = "/tmp/infXXXXXX";

int main(void)
{
	char p[128], c[4];
	int in, r, w;

	if (!mkdtemp(tmpl))
		return 1;
	snprintf(p, sizeof(p), "%s/fifo", tmpl);
	mkfifo(p, 0644);
	in = inotify_init1(IN_NONBLOCK);
	printf("wd=%d\n", inotify_add_watch(in, p, IN_ALL_EVENTS));
	r = open(p, O_RDONLY | O_NONBLOCK);
	w = open(p, O_WRONLY);
	drain(in, "open");
	write(w, "ab", 2);
	drain(in, "write");
	read(r, c, 2);
	drain(in, "read");
	close(w);
	close(r);
	drain(in, "close");
	unlink(p);
	rmdir(tmpl);
	return 0;
}
