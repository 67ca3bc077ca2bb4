/* Host readiness -> sentry wake-ups, with one epoll and one thread.
 * Events carry a watch id, looked up under the BKL, so a watch removed
 * while its event is in flight is simply not found. */
#define _GNU_SOURCE
#include "sentry/hostio.h"
#include "sentry/log.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

struct hostio_watch {
	struct list_head node;
	uint64_t id;
	int fd;
	struct waitq *wq;
};

static int epfd = -1;
static struct list_head watches = LIST_HEAD_INIT(watches);
static uint64_t next_id = 1;

static void *hostio_main(void *arg)
{
	struct epoll_event ev[32];

	(void)arg;
	crash_register_thread();
	for (;;) {
		int n = epoll_wait(epfd, ev, 32, -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			sentry_panic("hostio: epoll_wait: %d", errno);
		}
		bkl_lock();
		for (int i = 0; i < n; i++) {
			struct hostio_watch *w;

			list_for_each_entry(w, &watches, node) {
				if (w->id == ev[i].data.u64) {
					waitq_wake_all(w->wq);
					break;
				}
			}
		}
		bkl_unlock();
	}
	return NULL;
}

int hostio_start(void)
{
	pthread_t th;

	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		return -errno;
	if (pthread_create(&th, NULL, hostio_main, NULL))
		return -EAGAIN;
	pthread_detach(th);
	return 0;
}

struct hostio_watch *hostio_watch(int fd, struct waitq *wq)
{
	struct hostio_watch *w = calloc(1, sizeof(*w));
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET };

	if (!w)
		return NULL;
	w->fd = fd;
	w->wq = wq;
	w->id = next_id++;
	ev.data.u64 = w->id;
	if (epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		free(w);
		return NULL;
	}
	list_add(&w->node, &watches);
	return w;
}

void hostio_unwatch(struct hostio_watch *w)
{
	epoll_ctl(epfd, EPOLL_CTL_DEL, w->fd, NULL);
	list_del(&w->node);
	free(w);
}
