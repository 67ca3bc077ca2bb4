/* Line editing in canonical mode: VERASE with and without ECHOE, VKILL
 * with ECHOKE or ECHOK, VWERASE, erasing a control character echoed as
 * ^X and a TAB, erase at the start of a line, VLNEXT and VREPRINT. */
#include "tty.h"

static void line(int m, int s, const char *in, const char *label)
{
	char buf[256];
	long n;

	write(m, in, strlen(in));
	wait_input(s);
	n = read(s, buf, sizeof(buf));
	show_bytes(label, buf, n);
	show_master(m, "  echo");
}

int main(void)
{
	struct termios t;
	int m, s;

	if (pty_pair(&m, &s) < 0)
		return 1;
	line(m, s, "abc\177d\n", "erase");
	line(m, s, "\177\177x\n", "erase at start");
	line(m, s, "one two  \027three\n", "werase");
	line(m, s, "xyz\025q\n", "kill (echoke)");
	line(m, s, "a\001\177b\n", "erase ctrl");
	line(m, s, "ab\t\177c\n", "erase tab");
	line(m, s, "\t\tx\177\177\177y\n", "erase tabs");
	line(m, s, "a\026\177b\n", "lnext");
	line(m, s, "pq\022r\n", "reprint");

	tcgetattr(s, &t);
	t.c_lflag &= ~(ECHOE | ECHOKE);
	tcsetattr(s, TCSANOW, &t);
	line(m, s, "abc\177d\n", "erase no echoe");
	line(m, s, "xyz\025q\n", "kill echok");
	t.c_lflag &= ~ECHOK;
	tcsetattr(s, TCSANOW, &t);
	line(m, s, "xyz\025q\n", "kill no echok");
	t.c_lflag |= ECHOPRT | ECHOE;
	tcsetattr(s, TCSANOW, &t);
	line(m, s, "abc\177\177d\n", "echoprt");

	/* Other characters for the same jobs. */
	t.c_lflag = ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN | ISIG;
	t.c_cc[VERASE] = '#';
	t.c_cc[VKILL] = '@';
	tcsetattr(s, TCSANOW, &t);
	line(m, s, "ab#c\n", "erase #");
	line(m, s, "ab@cd\n", "kill @");
	t.c_lflag &= ~IEXTEN;
	tcsetattr(s, TCSANOW, &t);
	line(m, s, "ab cd\027e\n", "werase without iexten");
	return 0;
}
