/* /dev/urandom and /dev/random: reads return what was asked (small and
 * large), the bytes are not constant, writes are accepted, seeks do not
 * move, RNDGETENTCNT answers. */
#include "../common.h"
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/random.h>

static void check(const char *path)
{
	static unsigned char a[65536], b[65536];
	int fd = open(path, O_RDWR), cnt = -1, diff = 0, distinct = 0, seen[256] = { 0 };
	struct stat st;

	SHOWOK(fd);
	fstat(fd, &st);
	printf("%s: rdev %u:%u mode %o\n", path, major(st.st_rdev), minor(st.st_rdev),
	       st.st_mode & 07777);
	SHOW(read(fd, a, 1));
	SHOW(read(fd, a, 16));
	SHOW(read(fd, a, sizeof(a)));
	SHOW(read(fd, b, sizeof(b)));
	for (size_t i = 0; i < sizeof(a); i++) {
		diff += a[i] != b[i];
		if (!seen[a[i]]++)
			distinct++;
	}
	printf("reads differ %d, many byte values %d\n", diff > 60000, distinct > 250);
	SHOW(write(fd, "entropy?", 8));
	SHOW(lseek(fd, 100, SEEK_SET));
	SHOW(ioctl(fd, RNDGETENTCNT, &cnt));
	printf("entropy count positive %d\n", cnt > 0);
	close(fd);
}

int main(void)
{
	check("/dev/urandom");
	check("/dev/random");
	return 0;
}
