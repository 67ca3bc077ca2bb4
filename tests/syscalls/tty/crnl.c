/* Input and output translation: ICRNL, INLCR, IGNCR, ISTRIP, IUCLC on
 * input; ONLCR, OCRNL, ONOCR, ONLRET, OLCUC, XTABS on output; and no
 * processing at all without OPOST. */
#include "tty.h"

static void set(int s, tcflag_t iflag, tcflag_t oflag)
{
	struct termios t;

	tcgetattr(s, &t);
	t.c_iflag = iflag;
	t.c_oflag = oflag;
	t.c_lflag &= ~ECHO;
	tcsetattr(s, TCSANOW, &t);
}

static void in(int m, int s, const char *data, size_t n, const char *label)
{
	write(m, data, n);
	wait_input(s);
	show_read(s, label, 100);
}

static void out(int m, int s, const char *data, const char *label)
{
	write(s, data, strlen(data));
	show_master(m, label);
}

int main(void)
{
	int m, s;

	if (pty_pair(&m, &s) < 0)
		return 1;
	set(s, ICRNL, OPOST | ONLCR);
	in(m, s, "a\rb\n", 4, "icrnl");
	show_read(s, "icrnl 2", 100);
	set(s, INLCR, OPOST);
	in(m, s, "a\nb\004", 4, "inlcr");
	set(s, IGNCR, OPOST);
	in(m, s, "a\rb\n", 4, "igncr");
	set(s, ISTRIP, OPOST);
	in(m, s, "\xe1\xe2\n", 3, "istrip");
	set(s, IUCLC, OPOST);
	in(m, s, "ABc\n", 4, "iuclc");

	set(s, 0, OPOST | ONLCR);
	out(m, s, "x\ny\r\n", "onlcr");
	set(s, 0, OPOST | OCRNL);
	out(m, s, "x\ry\n", "ocrnl");
	set(s, 0, OPOST | ONOCR);
	out(m, s, "\rx\ry\r", "onocr");
	set(s, 0, OPOST | ONLRET | ONOCR);
	out(m, s, "ab\n\r", "onlret");
	set(s, 0, OPOST | OLCUC);
	out(m, s, "Hello\n", "olcuc");
	set(s, 0, OPOST | XTABS);
	out(m, s, "a\tbc\tdefghijk\tz\n", "xtabs");
	set(s, 0, ONLCR | OCRNL);
	out(m, s, "raw\n\r", "no opost");
	return 0;
}
