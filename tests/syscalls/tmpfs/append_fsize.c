/* O_APPEND on tmpfs (also for pwrite, as Linux does) and RLIMIT_FSIZE:
 * a write crossing the limit is cut short, one starting at it raises
 * SIGXFSZ and fails EFBIG, and so does growing with ftruncate. */
#include "tmpfsutil.h"
#include <sys/resource.h>

static volatile int got;
static void on_xfsz(int s)
{
	got = s;
}

static void body(const char *dir)
{
	char p[128], buf[64] = { 0 };
	struct rlimit rl = { 10000, 10000 };
	int fd;

	tf_path(p, sizeof(p), "a");
	fd = open(p, O_CREAT | O_RDWR | O_APPEND, 0644);
	SHOW(write(fd, "one", 3));
	SHOW(lseek(fd, 0, SEEK_SET));
	SHOW(write(fd, "two", 3));
	SHOW(pwrite(fd, "three", 5, 0));
	SHOW(pread(fd, buf, sizeof(buf), 0));
	printf("content %s\n", buf);
	SHOW(lseek(fd, 0, SEEK_CUR));
	close(fd);
	signal(SIGXFSZ, on_xfsz);
	SHOW(setrlimit(RLIMIT_FSIZE, &rl));
	fd = open(p, O_RDWR);
	SHOW(pwrite(fd, "abcdef", 6, 9997));
	printf("sig=%d\n", got);
	SHOW(pwrite(fd, "abcdef", 6, 10000));
	printf("sig=%d\n", got);
	got = 0;
	SHOW(ftruncate(fd, 20000));
	printf("sig=%d\n", got);
	got = 0;
	SHOW(ftruncate(fd, 10000));
	SHOW(ftruncate(fd, 5));
	printf("sig=%d\n", got);
	close(fd);
}

int main(void)
{
	return tf_run("size=1m", body);
}
