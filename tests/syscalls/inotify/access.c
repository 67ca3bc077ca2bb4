/* IN_ACCESS from read(2), pread and readv of a watched file, seen on the
 * file's own watch and by name on its directory's. */
#include "inutil.h"
#include <sys/uio.h>

static char tmpl[] = "/tmp/inaXXXXXX";

int main(void)
{
	char p[128], c[4];
	int in, fd;
	struct iovec iov = { c, sizeof(c) };

	if (!mkdtemp(tmpl))
		return 1;
	snprintf(p, sizeof(p), "%s/f", tmpl);
	fd = open(p, O_CREAT | O_RDWR, 0644);
	write(fd, "abcdef", 6);
	in = inotify_init1(IN_NONBLOCK);
	printf("wd dir=%d\n", inotify_add_watch(in, tmpl, IN_ACCESS));
	printf("wd file=%d\n", inotify_add_watch(in, p, IN_ACCESS));
	lseek(fd, 0, SEEK_SET);
	read(fd, c, 2);
	drain(in, "read");
	pread(fd, c, 2, 1);
	readv(fd, &iov, 1);
	drain(in, "pread+readv");
	/* Nothing read at end of file: no event. */
	lseek(fd, 0, SEEK_END);
	read(fd, c, 2);
	drain(in, "eof");
	close(fd);
	unlink(p);
	rmdir(tmpl);
	close(in);
	return 0;
}
