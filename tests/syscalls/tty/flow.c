/* Flow control: with IXON, ^S typed on the master stops slave output (a
 * writer waits: EAGAIN when nonblocking, POLLOUT off) and ^Q restarts it
 * (neither is read as data); without IXON they are data; TCOOFF/TCOON
 * from tcflow. */
#include "tty.h"

int main(void)
{
	struct termios t;
	int m, s, n;
	char buf[64];

	if (pty_pair(&m, &s) < 0)
		return 1;
	tcgetattr(s, &t);
	t.c_lflag &= ~(ECHO | ICANON);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	tcsetattr(s, TCSANOW, &t);
	fcntl(s, F_SETFL, O_NONBLOCK);
	write(m, "\023", 1);
	sleep_ms(100);
	SHOW(write(s, "held", 4));
	{
		struct pollfd pf = { .fd = s, .events = POLLOUT };

		SHOW(poll(&pf, 1, 0));
	}
	fcntl(m, F_SETFL, O_NONBLOCK);
	SHOW(read(m, buf, sizeof(buf)));
	write(m, "\021", 1);
	sleep_ms(100);
	SHOW(write(s, "held", 4));
	show_master(m, "after ^Q");
	SHOW(read(s, buf, sizeof(buf)));

	SHOW(tcflow(s, TCOOFF));
	SHOW(write(s, "off", 3));
	SHOW(tcflow(s, TCOON));
	SHOW(write(s, "off", 3));
	show_master(m, "after TCOON");

	t.c_iflag &= ~IXON;
	tcsetattr(s, TCSANOW, &t);
	write(m, "\023\021", 2);
	sleep_ms(100);
	n = (int)read(s, buf, sizeof(buf));
	show_bytes("no ixon", buf, n);
	return 0;
}
