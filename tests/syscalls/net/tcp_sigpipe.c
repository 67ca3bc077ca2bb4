/* Writing to a connection the peer closed: the first write goes out and
 * draws a RST, the next is EPIPE with SIGPIPE, or without it under
 * MSG_NOSIGNAL; after shutdown(SHUT_WR), EPIPE and SIGPIPE at once. */
#include "tcp_util.h"

static volatile int pipes;

static void on_pipe(int sig)
{
	pipes++;
}

int main(void)
{
	int c, s;

	nl_private_net();
	signal(SIGPIPE, on_pipe);
	tcp_pair(AF_INET, &c, &s);
	SHOW(close(s));
	msleep(50);
	SHOW(write(c, "a", 1));
	msleep(50);
	SHOW(write(c, "b", 1));
	printf("SIGPIPE %d\n", pipes);
	SHOW(send(c, "c", 1, MSG_NOSIGNAL));
	printf("SIGPIPE %d\n", pipes);
	SHOW(write(c, "d", 1));
	printf("SIGPIPE %d\n", pipes);
	close(c);

	tcp_pair(AF_INET, &c, &s);
	SHOW(shutdown(c, SHUT_WR));
	SHOW(write(c, "e", 1));
	printf("SIGPIPE %d\n", pipes);
	SHOW(send(c, "f", 1, MSG_NOSIGNAL));
	printf("SIGPIPE %d\n", pipes);
	c = socket(AF_INET, SOCK_STREAM, 0);
	SHOW(write(c, "g", 1));
	printf("SIGPIPE %d\n", pipes);
	return 0;
}
