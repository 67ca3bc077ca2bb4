/* A connection shared across fork: the child writes, the parent's copy
 * keeps it open after the child's close; EOF only when both closed. */
#include "tcp_util.h"

int main(void)
{
	char b[16] = { 0 };
	int c, s, st;
	pid_t p;

	nl_private_net();
	tcp_pair(AF_INET, &c, &s);
	p = fork();
	if (p == 0) {
		write(c, "child", 5);
		close(c);
		_exit(0);
	}
	waitpid(p, &st, 0);
	SHOW(read(s, b, sizeof(b)));
	SHOW(recv(s, b, sizeof(b), MSG_DONTWAIT));
	SHOW(write(c, "parent", 6));
	SHOW(close(c));
	SHOW(read(s, b, sizeof(b)));
	SHOW(read(s, b, sizeof(b)));
	return 0;
}
