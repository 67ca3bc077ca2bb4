/* Blocking epoll_wait: woken by another thread's write, by a timerfd,
 * timing out, interrupted by a signal (EINTR, never restarted), and
 * epoll_pwait/epoll_pwait2 with a temporary signal mask. */
#include "../common.h"
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>

static int efd;
static volatile int got;

static void handler(int s)
{
	got = s;
}

static void *writer(void *arg)
{
	usleep(50000);
	eventfd_write(efd, 9);
	return NULL;
}

static void *killer(void *arg)
{
	usleep(50000);
	kill(getpid(), SIGUSR1);
	return NULL;
}

static void show(const char *what, int n, struct epoll_event *ev)
{
	printf("%s: n=%d %s", what, n, n < 0 ? errname(errno) : "");
	for (int i = 0; i < n; i++)
		printf(" [%#x %llx]", ev[i].events, (unsigned long long)ev[i].data.u64);
	printf("\n");
}

int main(void)
{
	struct epoll_event ev[4], e = { .events = EPOLLIN };
	struct sigaction sa = { .sa_handler = handler };
	struct itimerspec its = { .it_value.tv_nsec = 40000000 };
	struct timespec ts = { 0, 30000000 }, t0, t1;
	pthread_t th;
	sigset_t m;
	int ep = epoll_create1(0), tfd, n;
	uint64_t v;

	sigaction(SIGUSR1, &sa, NULL);
	efd = eventfd(0, EFD_NONBLOCK);
	e.data.u64 = 1;
	epoll_ctl(ep, EPOLL_CTL_ADD, efd, &e);
	pthread_create(&th, NULL, writer, NULL);
	n = epoll_wait(ep, ev, 4, -1);
	show("woken by thread", n, ev);
	pthread_join(th, NULL);
	eventfd_read(efd, &v);

	tfd = timerfd_create(CLOCK_MONOTONIC, 0);
	e.data.u64 = 2;
	epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &e);
	timerfd_settime(tfd, 0, &its, NULL);
	n = epoll_wait(ep, ev, 4, 5000);
	show("timerfd", n, ev);
	read(tfd, &v, 8);
	printf("ticks=%llu\n", (unsigned long long)v);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	n = epoll_wait(ep, ev, 4, 30);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	show("timeout", n, ev);
	printf("waited>=30ms: %d\n", (t1.tv_sec - t0.tv_sec) * 1000000000L + t1.tv_nsec - t0.tv_nsec >= 29000000L);
	n = epoll_pwait2(ep, ev, 4, &ts, NULL);
	show("pwait2 timeout", n, ev);
	ts.tv_nsec = -1;
	n = epoll_pwait2(ep, ev, 4, &ts, NULL);
	show("pwait2 bad ts", n, ev);

	/* A signal interrupts even with SA_RESTART. */
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	pthread_create(&th, NULL, killer, NULL);
	n = epoll_wait(ep, ev, 4, -1);
	show("signal", n, ev);
	printf("got=%d\n", got);
	pthread_join(th, NULL);

	/* pwait: SIGUSR1 blocked outside, unblocked during the wait. */
	got = 0;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	sigprocmask(SIG_BLOCK, &m, NULL);
	kill(getpid(), SIGUSR1);
	sigemptyset(&m);
	n = epoll_pwait(ep, ev, 4, 1000, &m);
	show("pwait pending unblocked", n, ev);
	printf("got=%d\n", got);
	sigprocmask(SIG_SETMASK, NULL, &m);
	printf("USR1 still blocked: %d\n", sigismember(&m, SIGUSR1));
	n = syscall(SYS_epoll_pwait, ep, ev, 4, 0, &m, 4);
	show("pwait bad sigsetsize", n, ev);
	return 0;
}
