/* Request and response over TCP_NODELAY between processes: 2000 round
 * trips of small messages, in order. */
#include "tcp_util.h"

int main(void)
{
	int c, s, one = 1, st, bad = 0;
	pid_t p;

	nl_private_net();
	tcp_pair(AF_INET, &c, &s);
	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	p = fork();
	if (p == 0) {
		unsigned v;

		close(c);
		while (read_full(s, &v, sizeof(v)) == sizeof(v)) {
			v++;
			write(s, &v, sizeof(v));
		}
		_exit(0);
	}
	close(s);
	for (unsigned i = 0; i < 2000; i++) {
		unsigned v = i * 2;

		write(c, &v, sizeof(v));
		if (read_full(c, &v, sizeof(v)) != sizeof(v) || v != i * 2 + 1)
			bad++;
	}
	close(c);
	waitpid(p, &st, 0);
	printf("bad %d child %s\n", bad, wstatus(st));
	return 0;
}
