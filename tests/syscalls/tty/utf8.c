/* IUTF8: erasing removes a whole UTF-8 character (and backs over one
 * column); without IUTF8 one byte goes. Word erase over UTF-8 text. */
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
	tcgetattr(s, &t);
	t.c_iflag |= IUTF8;
	tcsetattr(s, TCSANOW, &t);
	line(m, s, "a\xc3\xa9\177b\n", "iutf8 erase 2-byte");
	line(m, s, "x\xe2\x82\xac\177y\n", "iutf8 erase 3-byte");
	line(m, s, "\xc3\xa9t\xc3\xa9 \027z\n", "iutf8 werase");
	line(m, s, "\t\xc3\xa9\177\177q\n", "iutf8 tab then erase");
	t.c_iflag &= ~IUTF8;
	tcsetattr(s, TCSANOW, &t);
	line(m, s, "a\xc3\xa9\177b\n", "no iutf8 erase");
	return 0;
}
