/* VEOF: ends a line without being read; at the start of a line it is
 * end of file (read returns 0); VEOL and VEOL2 end a line and are read.
 * Reading a line partly then its EOF mark. */
#include "tty.h"

int main(void)
{
	struct termios t;
	int m, s;

	if (pty_pair(&m, &s) < 0)
		return 1;
	SHOW(write(m, "ab\004", 3));
	wait_input(s);
	show_read(s, "ab^D", 100);
	SHOW(write(m, "\004", 1));
	wait_input(s);
	show_read(s, "^D alone", 100);
	show_master(m, "echo");

	SHOW(write(m, "\004\004x\n", 4));
	wait_input(s);
	show_read(s, "first", 100);
	show_read(s, "second", 100);
	show_read(s, "third", 100);

	tcgetattr(s, &t);
	t.c_cc[VEOL] = ';';
	t.c_cc[VEOL2] = '|';
	tcsetattr(s, TCSANOW, &t);
	SHOW(write(m, "a;b|c\n", 6));
	wait_input(s);
	show_read(s, "eol", 100);
	show_read(s, "eol2", 100);
	show_read(s, "nl", 100);
	show_master(m, "echo");

	/* A partial read of a line ended by ^D, then the rest. */
	SHOW(write(m, "wxyz\004", 5));
	wait_input(s);
	show_read(s, "2 of line", 2);
	show_read(s, "rest", 100);
	return 0;
}
