/* Queue sizes and flushing: FIONREAD/TIOCINQ on the slave count only
 * complete lines in canonical mode, everything in raw mode; FIONREAD on
 * the master counts slave output; TIOCOUTQ; TCFLSH on either side and
 * its bad argument. */
#include "tty.h"

int main(void)
{
	struct termios t;
	int m, s, n;
	char buf[64];

	if (pty_pair(&m, &s) < 0)
		return 1;
	tcgetattr(s, &t);
	t.c_lflag &= ~ECHO;
	tcsetattr(s, TCSANOW, &t);
	write(m, "line1\npart", 10);
	sleep_ms(100);
	SHOW(ioctl(s, FIONREAD, &n));
	printf("slave canonical FIONREAD %d\n", n);
	SHOW(ioctl(s, TIOCINQ, &n));
	printf("TIOCINQ %d\n", n);
	t.c_lflag &= ~ICANON;
	tcsetattr(s, TCSANOW, &t);
	ioctl(s, FIONREAD, &n);
	printf("slave raw FIONREAD %d\n", n);
	SHOW(tcflush(s, TCIFLUSH));
	ioctl(s, FIONREAD, &n);
	printf("after TCIFLUSH %d\n", n);

	write(s, "output", 6);
	sleep_ms(100);
	SHOW(ioctl(m, FIONREAD, &n));
	printf("master FIONREAD %d\n", n);
	SHOW(ioctl(s, TIOCOUTQ, &n));
	printf("slave TIOCOUTQ %d\n", n);
	SHOW(ioctl(m, TIOCOUTQ, &n));
	printf("master TIOCOUTQ %d\n", n);
	SHOW(tcflush(m, TCIFLUSH));
	fcntl(m, F_SETFL, O_NONBLOCK);
	SHOW(read(m, buf, sizeof(buf)));

	write(m, "in", 2);
	sleep_ms(100);
	SHOW(tcflush(m, TCOFLUSH));
	SHOW(tcflush(s, TCIOFLUSH));
	ioctl(s, FIONREAD, &n);
	printf("after TCIOFLUSH %d\n", n);
	SHOW(ioctl(s, TCFLSH, 7));
	return 0;
}
