/* Echo flags: ECHO off (a password prompt), ECHONL alone, ECHOCTL off
 * echoes control characters raw, ECHOCTL on shows ^X but TAB and NL as
 * themselves; output written by the slave and echoes interleave in
 * order. */
#include "tty.h"

static void typed(int m, int s, const char *in, const char *label)
{
	char buf[128];

	write(m, in, strlen(in));
	wait_input(s);
	read(s, buf, sizeof(buf));
	show_master(m, label);
}

static void lflag(int s, tcflag_t on, tcflag_t off)
{
	struct termios t;

	tcgetattr(s, &t);
	t.c_lflag = (t.c_lflag | on) & ~off;
	tcsetattr(s, TCSANOW, &t);
}

int main(void)
{
	int m, s;

	if (pty_pair(&m, &s) < 0)
		return 1;
	typed(m, s, "a\tb\001\033c\n", "echoctl");
	lflag(s, 0, ECHOCTL);
	typed(m, s, "a\001b\n", "no echoctl");
	lflag(s, 0, ECHO);
	typed(m, s, "secret\n", "no echo");
	lflag(s, ECHONL, 0);
	typed(m, s, "secret\n", "echonl");
	lflag(s, ECHO | ECHOCTL, ECHONL);
	write(s, "prompt> ", 8);
	typed(m, s, "cmd\n", "prompt and echo");
	return 0;
}
