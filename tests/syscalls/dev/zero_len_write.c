/* Zero-length writes reach character device drivers (Linux's vfs_write
 * has no zero-count shortcut): /dev/full fails with ENOSPC even for 0
 * bytes, /dev/null and /dev/zero return 0; writev with nothing to write
 * returns 0 before the driver is asked (vfs_writev). */
#include "../common.h"

#include <fcntl.h>
#include <sys/uio.h>

int main(void)
{
	int full = open("/dev/full", O_WRONLY);
	int null = open("/dev/null", O_WRONLY);
	int zero = open("/dev/zero", O_RDWR);
	struct iovec iov = { "x", 0 };

	SHOW(write(full, "", 0));
	SHOW(write(full, NULL, 0));
	SHOW(pwrite(full, "", 0, 0));
	SHOW(writev(full, &iov, 1));
	SHOW(writev(full, &iov, 0));
	SHOW(write(full, "ab", 2));
	SHOW(write(null, "", 0));
	SHOW(write(null, NULL, 0));
	SHOW(write(zero, "", 0));
	SHOW(read(full, NULL, 0));
	/* Regular files and pipes still return 0 for an empty write. */
	int p[2];
	SHOW(pipe(p));
	SHOW(write(p[1], "", 0));
	SHOW(write(open("/dev/full", O_RDONLY), "", 0));
	return 0;
}
