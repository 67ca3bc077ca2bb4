/* Blocking UDP receives woken by another process's send, poll
 * and epoll waking on arrival, SO_RCVTIMEO ending a wait, and a signal
 * interrupting one (EINTR with a timeout set). */
#include "udp.h"
#include <signal.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <time.h>

static void on_alarm(int sig)
{
}

static void sender(int port, int delay_ms, const char *msg)
{
	if (fork() == 0) {
		struct sockaddr_in d = sin4("127.0.0.1", port);
		int s = socket(AF_INET, SOCK_DGRAM, 0);

		usleep((useconds_t)delay_ms * 1000);
		sendto(s, msg, strlen(msg), 0, (struct sockaddr *)&d, sizeof(d));
		_exit(0);
	}
}

int main(void)
{
	struct sockaddr_in a = sin4("127.0.0.1", 0);
	struct pollfd p;
	struct epoll_event ev = { .events = EPOLLIN }, out;
	struct timeval tv = { 0, 100000 };
	struct sigaction sa = { .sa_handler = on_alarm };
	char buf[32];
	int r, ep, port;
	long n;

	nl_private_net();
	r = socket(AF_INET, SOCK_DGRAM, 0);
	bind(r, (struct sockaddr *)&a, sizeof(a));
	port = port_of(r);

	sender(port, 100, "wake");
	n = recv(r, buf, sizeof(buf), 0);
	printf("blocking recv: %ld '%.*s'\n", n, (int)(n > 0 ? n : 0), buf);
	wait(NULL);

	sender(port, 100, "poll");
	p.fd = r;
	p.events = POLLIN;
	n = poll(&p, 1, 5000);
	printf("poll: %ld revents=%s\n", n, p.revents & POLLIN ? "IN" : "-");
	SHOW(recv(r, buf, sizeof(buf), 0));
	wait(NULL);

	ep = epoll_create1(0);
	epoll_ctl(ep, EPOLL_CTL_ADD, r, &ev);
	sender(port, 100, "epoll");
	printf("epoll: %d\n", epoll_wait(ep, &out, 1, 5000));
	SHOW(recv(r, buf, sizeof(buf), 0));
	wait(NULL);
	close(ep);

	SHOW(setsockopt(r, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	SHOW(recv(r, buf, sizeof(buf), 0));
	sigaction(SIGALRM, &sa, NULL);
	tv.tv_sec = 5;
	setsockopt(r, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	ualarm(100000, 0);
	SHOW(recv(r, buf, sizeof(buf), 0));
	close(r);
	return 0;
}
