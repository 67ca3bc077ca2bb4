/* timerfd: creation flags, one-shot and periodic expirations counted on
 * read, TFD_TIMER_ABSTIME, gettime/settime old values, poll readiness. */
#include "../common.h"
#include <fcntl.h>
#include <poll.h>
#include <sys/timerfd.h>

#define R(x) do { errno = 0; long r_ = (x); printf("%s = %ld %s\n", #x, r_, r_ < 0 ? errname(errno) : ""); } while (0)

static long rd(int fd)
{
	uint64_t v = 0;
	ssize_t r = read(fd, &v, 8);

	return r < 0 ? -errno : (long)v;
}

int main(void)
{
	struct itimerspec its = { 0 }, old;
	struct timespec now;
	struct pollfd p;
	int fd, bad;
	char small[4];

	R(timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0));
	R(timerfd_create(CLOCK_MONOTONIC, 0x10));
	R(timerfd_create(12345, 0));
	bad = open("/dev/null", O_RDONLY);
	R(timerfd_settime(bad, 0, &its, NULL));
	R(timerfd_gettime(bad, &its));
	R(timerfd_settime(999, 0, &its, NULL));

	fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	printf("cloexec=%d nonblock=%d\n", fcntl(fd, F_GETFD), !!(fcntl(fd, F_GETFL) & O_NONBLOCK));
	printf("read disarmed: %s\n", errname(-rd(fd)));
	R(read(fd, small, 4));
	its.it_value.tv_nsec = 1000000000;
	R(timerfd_settime(fd, 0, &its, NULL));
	its.it_value.tv_nsec = 0;
	its.it_value.tv_sec = 5;
	R(timerfd_settime(fd, 4, &its, NULL));
	R(timerfd_settime(fd, 0, &its, NULL));
	timerfd_gettime(fd, &old);
	printf("gettime: value>4s %d interval=%ld\n", old.it_value.tv_sec >= 4, (long)old.it_interval.tv_sec);
	its.it_value.tv_sec = 0;
	its.it_value.tv_nsec = 30000000;
	R(timerfd_settime(fd, 0, &its, &old));
	printf("old value>4s %d\n", old.it_value.tv_sec >= 4);
	p.fd = fd;
	p.events = POLLIN;
	R(poll(&p, 1, 0));
	R(poll(&p, 1, 2000));
	printf("revents=%#x\n", p.revents);
	printf("ticks=%ld\n", rd(fd));
	printf("again: %s\n", errname(-rd(fd)));
	timerfd_gettime(fd, &old);
	printf("after one-shot: %ld %ld\n", (long)old.it_value.tv_sec, old.it_value.tv_nsec);

	/* Periodic: 10ms, sleep 55ms → about 5 ticks. */
	its.it_value.tv_nsec = 10000000;
	its.it_interval.tv_nsec = 10000000;
	timerfd_settime(fd, 0, &its, NULL);
	usleep(55000);
	long n = rd(fd);
	printf("periodic ticks in [3,7]: %d\n", n >= 3 && n <= 7);
	timerfd_gettime(fd, &old);
	printf("interval=%ld\n", old.it_interval.tv_nsec);
	its.it_value.tv_nsec = 0;
	timerfd_settime(fd, 0, &its, NULL);
	printf("disarmed: %s\n", errname(-rd(fd)));
	close(fd);

	/* Blocking read with an absolute REALTIME deadline in the past. */
	fd = timerfd_create(CLOCK_REALTIME, 0);
	clock_gettime(CLOCK_REALTIME, &now);
	its.it_interval.tv_nsec = 0;
	its.it_value.tv_sec = now.tv_sec - 10;
	its.it_value.tv_nsec = 0;
	R(timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL));
	printf("past abs ticks=%ld\n", rd(fd));
	its.it_value.tv_sec = now.tv_sec + 1;
	its.it_value.tv_nsec = now.tv_nsec;
	timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL);
	printf("blocking ticks=%ld\n", rd(fd));
	clock_gettime(CLOCK_REALTIME, &old.it_value);
	printf("woke after deadline: %d\n", old.it_value.tv_sec > now.tv_sec + 1 ||
	       (old.it_value.tv_sec == now.tv_sec + 1 && old.it_value.tv_nsec >= now.tv_nsec));
	close(fd);
	fd = timerfd_create(CLOCK_BOOTTIME, 0);
	printf("boottime fd ok=%d\n", fd >= 0);
	return 0;
}
