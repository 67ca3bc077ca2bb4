/* signalfd: blocked signals read as signalfd_siginfo records (kill,
 * sigqueue, a thread's tgkill), masks changed in place, nonblocking reads,
 * poll and epoll readiness, a blocking read woken by a child's kill. */
#include "../common.h"
#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>

#define R(x) do { errno = 0; long r_ = (long)(x); printf("%s = %ld %s\n", #x, r_, r_ < 0 ? errname(errno) : ""); } while (0)

static void rd(int fd, int cnt)
{
	struct signalfd_siginfo si[4];
	ssize_t r = read(fd, si, cnt * sizeof(si[0]));

	printf("read = %zd %s", r, r < 0 ? errname(errno) : "");
	for (int i = 0; r > 0 && i < r / (int)sizeof(si[0]); i++)
		printf(" [sig=%u code=%d pidok=%d int=%d]", si[i].ssi_signo, si[i].ssi_code,
		       si[i].ssi_pid == (uint32_t)getpid(), si[i].ssi_int);
	printf("\n");
}

int main(void)
{
	sigset_t m;
	int fd, ep;
	struct pollfd p;
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 77 };
	union sigval v = { .sival_int = 1234 };
	char small[8];

	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	sigaddset(&m, SIGUSR2);
	sigaddset(&m, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &m, NULL);

	R(signalfd(-1, &m, 0x100));
	R(syscall(SYS_signalfd4, -1, &m, 4, 0));
	R(signalfd(0 + open("/dev/null", O_RDONLY), &m, 0));
	R(signalfd(999, &m, 0));
	R(syscall(SYS_signalfd4, -1, (void *)8, 8, 0));

	fd = signalfd(-1, &m, SFD_NONBLOCK | SFD_CLOEXEC);
	printf("cloexec=%d nonblock=%d\n", fcntl(fd, F_GETFD), !!(fcntl(fd, F_GETFL) & O_NONBLOCK));
	rd(fd, 1);
	R(read(fd, small, sizeof(small)));
	p.fd = fd;
	p.events = POLLIN;
	R(poll(&p, 1, 0));
	ep = epoll_create1(0);
	R(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	R(epoll_wait(ep, &ev, 1, 0));

	kill(getpid(), SIGUSR1);
	sigqueue(getpid(), SIGRTMIN, v);
	R(poll(&p, 1, 0));
	R(epoll_wait(ep, &ev, 1, 0));
	printf("data=%llu\n", (unsigned long long)ev.data.u64);
	rd(fd, 4);
	rd(fd, 1);

	/* Change the mask in place: SIGUSR2 is no longer read. */
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	R(signalfd(fd, &m, 0) == fd);
	kill(getpid(), SIGUSR2);
	rd(fd, 1);
	sigemptyset(&m);
	sigaddset(&m, SIGUSR2);
	signalfd(fd, &m, 0);
	rd(fd, 1);

	/* Blocking read woken by a child's kill. */
	fcntl(fd, F_SETFL, 0);
	sigemptyset(&m);
	sigaddset(&m, SIGUSR2);
	if (fork() == 0) {
		usleep(50000);
		kill(getppid(), SIGUSR2);
		_exit(0);
	}
	{
		struct signalfd_siginfo si;

		R(read(fd, &si, sizeof(si)));
		printf("sig=%u code=%d\n", si.ssi_signo, si.ssi_code);
	}
	wait(NULL);
	return 0;
}
