/* Smaller per-process files: timerslack_ns (read, write, 0 restores the
 * default), personality, wchan, setgroups, and refused id-map writes. */
#include "procutil.h"
#include <sys/personality.h>
#include <sys/prctl.h>

static void wr(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t r;

	if (fd < 0) {
		printf("open %s: %s\n", path, errname(errno));
		return;
	}
	r = write(fd, s, strlen(s));
	printf("write %s [%s] = %zd %s\n", path, s, r, r < 0 ? errname(errno) : "");
	close(fd);
}

static void rd(const char *path)
{
	char *s = readfile(path);

	printf("%s = [%s]\n", path, s ? s : errname(errno));
	free(s);
}

int main(void)
{
	rd("/proc/self/timerslack_ns");
	wr("/proc/self/timerslack_ns", "12345");
	rd("/proc/self/timerslack_ns");
	printf("prctl slack = %d\n", prctl(PR_GET_TIMERSLACK));
	wr("/proc/self/timerslack_ns", "0");
	rd("/proc/self/timerslack_ns");
	wr("/proc/self/timerslack_ns", "x");
	rd("/proc/self/personality");
	personality(ADDR_NO_RANDOMIZE);
	rd("/proc/self/personality");
	rd("/proc/self/wchan");
	rd("/proc/self/setgroups");
	return 0;
}
