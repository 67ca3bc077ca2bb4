/* shutdown(SHUT_RD) of a listener closes it: a thread blocked in accept
 * wakes with EINVAL, new connects are refused, a connection waiting in
 * the queue is reset. SHUT_WR on a listener does nothing. */
#include "tcp_util.h"
#include <pthread.h>

static int lfd, acc_r, acc_errno;

/* The result is printed by main after the join: printing here raced
 * main's own line about the shutdown that woke us. */
static void *acceptor(void *arg)
{
	acc_r = accept(lfd, NULL, NULL);
	acc_errno = errno;
	return NULL;
}

int main(void)
{
	struct sockaddr_in6 sa;
	socklen_t sl;
	pthread_t th;
	int c;

	nl_private_net();
	lfd = tcp_listener(AF_INET, "127.0.0.1", 4, &sa, &sl);
	SHOW(shutdown(lfd, SHUT_WR));
	pthread_create(&th, NULL, acceptor, NULL);
	msleep(100);
	SHOW(shutdown(lfd, SHUT_RD));
	pthread_join(th, NULL);
	printf("blocked accept: %d %s\n", acc_r, acc_r < 0 ? errname(acc_errno) : "");
	SHOW(accept(lfd, NULL, NULL));
	printf("state %s\n", tcp_state_name(lfd));
	c = socket(AF_INET, SOCK_STREAM, 0);
	SHOW(connect(c, (struct sockaddr *)&sa, sl));
	close(c);

	/* a connection waiting in the queue is reset */
	lfd = tcp_listener(AF_INET, "127.0.0.1", 4, &sa, &sl);
	c = socket(AF_INET, SOCK_STREAM, 0);
	SHOW(connect(c, (struct sockaddr *)&sa, sl));
	SHOW(shutdown(lfd, SHUT_RDWR));
	msleep(50);
	SHOW(read(c, &sl, 1));
	return 0;
}
