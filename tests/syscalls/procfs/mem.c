/* /proc/pid/mem: reads and writes at file offset = address, a read that
 * runs into an unmapped page stops there (EIO when nothing was read), and
 * a parent reading its child's copy-on-write memory. */
#include "procutil.h"
#include <sys/mman.h>

static char secret[] = "hello secret";

int main(void)
{
	int fd = open("/proc/self/mem", O_RDWR), cf;
	char buf[32] = { 0 }, path[64];
	char *p;
	ssize_t r;
	pid_t c;

	printf("open=%s\n", fd >= 0 ? "ok" : errname(errno));
	printf("pread=%zd\n", pread(fd, buf, 12, (off_t)(uintptr_t)secret));
	printf("buf=[%s]\n", buf);
	printf("pwrite=%zd\n", pwrite(fd, "HELLO", 5, (off_t)(uintptr_t)secret));
	printf("secret=[%s]\n", secret);
	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(p + 4096, 4096);
	memset(p, 'a', 4096);
	r = pread(fd, buf, 16, (off_t)(uintptr_t)p + 4088);
	printf("partial=%zd\n", r);
	r = pread(fd, buf, 16, (off_t)(uintptr_t)p + 4096);
	printf("unmapped=%zd %s\n", r, r < 0 ? errname(errno) : "");
	c = fork();
	if (!c) {
		secret[0] = 'J';
		sleep(2);
		_exit(0);
	}
	sleep_ms(200);
	snprintf(path, sizeof(path), "/proc/%d/mem", c);
	cf = open(path, O_RDONLY);
	memset(buf, 0, sizeof(buf));
	printf("child pread=%zd [%s]\n", pread(cf, buf, 12, (off_t)(uintptr_t)secret), buf);
	kill(c, SIGKILL);
	reap(c, "child");
	return 0;
}
