/* O_TMPFILE: an unnamed file that linkat(AT_EMPTY_PATH) may name, unless
 * O_EXCL. */
#include "vfs.h"

int main(void)
{
	struct stat st;
	int fd, fx;

	scratch_enter();
	SHOWOK(mkdir("d", 0755));
	fd = open("d", O_TMPFILE | O_RDWR, 0640);
	SHOWOK(fd);
	SHOW(write(fd, "temp", 4));
	SHOWOK(fstat(fd, &st));
	printf("nlink %lu mode %o size %lld\n", (unsigned long)st.st_nlink, (unsigned)st.st_mode,
	       (long long)st.st_size);
	list_dir("before", "d");
	SHOWOK(linkat(fd, "", AT_FDCWD, "d/named", AT_EMPTY_PATH));
	list_dir("after", "d");
	printf("named: %s\n", get_file("d/named"));
	SHOWOK(fstat(fd, &st));
	printf("nlink %lu\n", (unsigned long)st.st_nlink);
	SHOW(linkat(fd, "", AT_FDCWD, "d/named", AT_EMPTY_PATH));
	close(fd);
	fx = open("d", O_TMPFILE | O_RDWR | O_EXCL, 0600);
	SHOWOK(fx);
	SHOW(linkat(fx, "", AT_FDCWD, "d/excl", AT_EMPTY_PATH));
	close(fx);
	SHOW(open("d", O_TMPFILE | O_RDONLY, 0600));
	SHOW(open("d/named", O_TMPFILE | O_RDWR, 0600));
	SHOW(open("missing", O_TMPFILE | O_RDWR, 0600));
	SHOW(open("d", O_TMPFILE | O_CREAT | O_RDWR, 0600));
	scratch_leave();
	return 0;
}
