/* inotify readiness: poll and epoll see queued events, FIONREAD counts
 * bytes, a blocking read wakes when an event arrives from another
 * thread, and closing the instance drops its watches. */
#include "inutil.h"
#include <pthread.h>
#include <sys/epoll.h>

static char tmpl[] = "/tmp/inrXXXXXX";
static char path[128];

static void *toucher(void *a)
{
	sleep_ms(100);
	int fd = open(path, O_CREAT | O_WRONLY, 0644);

	close(fd);
	return NULL;
}

int main(void)
{
	int in, ep, n;
	struct pollfd pf;
	struct epoll_event ev = { .events = EPOLLIN }, out;
	pthread_t th;
	char buf[256] __attribute__((aligned(8)));

	if (!mkdtemp(tmpl))
		return 1;
	snprintf(path, sizeof(path), "%s/new-file", tmpl);
	in = inotify_init();
	inotify_add_watch(in, tmpl, IN_CREATE | IN_DELETE);
	pf.fd = in;
	pf.events = POLLIN | POLLOUT;
	SHOW(poll(&pf, 1, 0));
	ep = epoll_create1(0);
	epoll_ctl(ep, EPOLL_CTL_ADD, in, &ev);
	SHOW(epoll_wait(ep, &out, 1, 0));
	ioctl(in, FIONREAD, &n);
	printf("FIONREAD=%d\n", n);
	pthread_create(&th, NULL, toucher, NULL);
	{
		/* Blocks until the other thread creates the file. */
		ssize_t r = read(in, buf, sizeof(buf));
		struct inotify_event *e = (struct inotify_event *)buf;

		printf("blocking read=%zd %s [%s]\n", r, mask_str(e->mask), e->name);
	}
	pthread_join(th, NULL);
	unlink(path);
	SHOW(poll(&pf, 1, 1000));
	printf("revents=%#x\n", pf.revents);
	SHOW(epoll_wait(ep, &out, 1, 1000));
	ioctl(in, FIONREAD, &n);
	printf("FIONREAD=%d\n", n);
	close(ep);
	close(in);
	rmdir(tmpl);
	return 0;
}
