/* Canonical mode: a read returns one line (CR typed becomes NL by ICRNL),
 * the echo reaches the master with ONLCR, short reads split a line,
 * several lines are read one at a time, a nonblocking read of a partial
 * line is EAGAIN. */
#include "tty.h"

int main(void)
{
	int m, s;

	if (pty_pair(&m, &s) < 0) {
		printf("pty: %s\n", errname(errno));
		return 1;
	}
	SHOW(write(m, "hello\r", 6));
	wait_input(s);
	show_read(s, "line", 100);
	show_master(m, "echo");

	SHOW(write(m, "abcdefgh\n", 9));
	wait_input(s);
	show_read(s, "short 3", 3);
	show_read(s, "short 3", 3);
	show_read(s, "rest", 100);
	show_master(m, "echo");

	SHOW(write(m, "one\ntwo\nthree\n", 14));
	wait_input(s);
	show_read(s, "first", 100);
	show_read(s, "second", 100);
	show_read(s, "third", 100);
	show_master(m, "echo");

	SHOW(write(m, "partial", 7));
	show_master(m, "echo");
	fcntl(s, F_SETFL, O_NONBLOCK);
	show_read(s, "partial line", 100);
	SHOW(write(m, "\n", 1));
	wait_input(s);
	show_read(s, "completed", 100);
	show_master(m, "echo");

	/* Output from the slave: ONLCR. */
	SHOW(write(s, "out\nput\n", 8));
	show_master(m, "output");
	return 0;
}
