/* Readiness of a queue descriptor for poll, select and epoll: POLLOUT
 * while not full, POLLIN while not empty; a poll sleeping on an empty
 * queue wakes when another process sends. */
#include "mq.h"
#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>

static void show_poll(const char *what, mqd_t q)
{
	struct pollfd p = { .fd = q, .events = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM };
	int r = poll(&p, 1, 0);

	printf("%s: poll %d revents%s%s%s%s\n", what, r, (p.revents & POLLIN) ? " IN" : "",
	       (p.revents & POLLRDNORM) ? " RDNORM" : "", (p.revents & POLLOUT) ? " OUT" : "",
	       (p.revents & POLLWRNORM) ? " WRNORM" : "");
}

int main(void)
{
	char n[64];

	snprintf(n, sizeof(n), "%s", qname("po"));
	struct mq_attr a = { .mq_maxmsg = 2, .mq_msgsize = 8 };
	struct epoll_event ev = { .events = EPOLLIN }, out;
	char buf[8];
	fd_set rf;
	struct timeval tv = { 0, 0 };
	int ep, status;
	mqd_t q;
	pid_t p;

	mq_unlink(n);
	q = mq_open(n, O_RDWR | O_CREAT | O_EXCL, 0600, &a);
	SHOW("create", q);
	show_poll("empty", q);
	mq_send(q, "a", 1, 0);
	show_poll("one", q);
	mq_send(q, "b", 1, 0);
	show_poll("full", q);
	FD_ZERO(&rf);
	FD_SET(q, &rf);
	printf("select readable: %d\n", select(q + 1, &rf, NULL, NULL, &tv));
	mq_receive(q, buf, sizeof(buf), NULL);
	mq_receive(q, buf, sizeof(buf), NULL);
	show_poll("drained", q);

	ep = epoll_create1(0);
	SHOW("epoll add", epoll_ctl(ep, EPOLL_CTL_ADD, q, &ev));
	printf("epoll empty: %d\n", epoll_wait(ep, &out, 1, 0));
	p = fork();
	if (p == 0) {
		usleep(100000);
		mq_send(q, "c", 1, 0);
		_exit(0);
	}
	{
		int r = epoll_wait(ep, &out, 1, 5000);

		printf("epoll after send: %d events%s\n", r, r == 1 && (out.events & EPOLLIN) ? " IN" : "");
	}
	waitpid(p, &status, 0);
	mq_receive(q, buf, sizeof(buf), NULL);
	p = fork();
	if (p == 0) {
		usleep(100000);
		mq_send(q, "d", 1, 0);
		_exit(0);
	}
	{
		struct pollfd pf = { .fd = q, .events = POLLIN };
		int r = poll(&pf, 1, 5000);

		printf("poll woken: %d%s\n", r, (pf.revents & POLLIN) ? " IN" : "");
	}
	waitpid(p, &status, 0);
	mq_unlink(n);
	return 0;
}
