/* readlink/readlinkat: truncation, errors, symlinks in the middle. */
#include "vfs.h"

int main(void)
{
	char buf[64];
	ssize_t n;
	int fd;

	scratch_enter();
	SHOWOK(mkdir("d", 0755));
	put_file("d/f", "", 0644);
	SHOWOK(symlink("d/f", "l"));
	SHOWOK(symlink("some/long/target/path", "long"));
	SHOWOK(symlink("d", "ld"));
	SHOWOK(symlink("../l", "d/up"));
	n = readlink("l", buf, sizeof(buf));
	printf("l -> %.*s (%zd)\n", (int)(n > 0 ? n : 0), buf, n);
	n = readlink("long", buf, 4);
	printf("long truncated -> %.*s (%zd)\n", (int)(n > 0 ? n : 0), buf, n);
	n = readlink("ld/up", buf, sizeof(buf));
	printf("ld/up -> %.*s (%zd)\n", (int)(n > 0 ? n : 0), buf, n);
	SHOW(readlink("d/f", buf, sizeof(buf)));
	SHOW(readlink("d", buf, sizeof(buf)));
	SHOW(readlink("missing", buf, sizeof(buf)));
	SHOW(readlink("l", buf, 0));
	SHOW(readlink("", buf, sizeof(buf)));
	SHOW(readlink("l/", buf, sizeof(buf)));
	fd = open("d", O_RDONLY);
	n = readlinkat(fd, "up", buf, sizeof(buf));
	printf("at up -> %.*s (%zd)\n", (int)(n > 0 ? n : 0), buf, n);
	SHOW(readlinkat(fd, "", buf, sizeof(buf)));
	close(fd);
	printf("through d/up: [%s]\n", get_file("d/up"));
	scratch_leave();
	return 0;
}
