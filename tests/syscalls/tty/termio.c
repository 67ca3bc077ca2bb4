/* The System V termio requests: TCGETA gives the low 16 bits of each
 * flag word and 8 control characters; TCSETA replaces those and keeps
 * the high bits and the other characters; TCSETAF flushes input. */
#include "tty.h"

int main(void)
{
	struct termios t;
	struct termio o;
	char buf[16];
	int m, s;

	if (pty_pair(&m, &s) < 0)
		return 1;
	memset(&o, 0xaa, sizeof(o));
	SHOW(ioctl(s, TCGETA, &o));
	printf("iflag %o oflag %o cflag %o lflag %o line %d cc %d %d %d %d %d %d %d %d\n",
	       o.c_iflag, o.c_oflag, o.c_cflag, o.c_lflag, o.c_line, o.c_cc[0], o.c_cc[1],
	       o.c_cc[2], o.c_cc[3], o.c_cc[4], o.c_cc[5], o.c_cc[6], o.c_cc[7]);
	tcgetattr(s, &t);
	t.c_iflag |= IUTF8;     /* 040000: in the low half */
	t.c_cflag |= CMSPAR;    /* 010000000000: in the high half */
	tcsetattr(s, TCSANOW, &t);
	ioctl(s, TCGETA, &o);
	o.c_lflag &= ~ECHO;
	o.c_cc[VINTR] = 'x';
	SHOW(ioctl(s, TCSETA, &o));
	tcgetattr(s, &t);
	printf("after TCSETA: echo %d intr %d susp %d cmspar kept %d iutf8 %d\n",
	       !!(t.c_lflag & ECHO), t.c_cc[VINTR], t.c_cc[VSUSP], !!(t.c_cflag & CMSPAR),
	       !!(t.c_iflag & IUTF8));
	write(m, "gone\n", 5);
	wait_input(s);
	SHOW(ioctl(s, TCSETAF, &o));
	fcntl(s, F_SETFL, O_NONBLOCK);
	SHOW(read(s, buf, sizeof(buf)));
	SHOW(ioctl(m, TCGETA, (void *)8));
	return 0;
}
