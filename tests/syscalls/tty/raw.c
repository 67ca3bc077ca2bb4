/* Non-canonical reads, the cases that do not depend on timing: MIN 0
 * TIME 0 returns what is there (0 when empty), MIN n waits for n bytes
 * but returns all queued, a read smaller than MIN, O_NONBLOCK with an
 * empty queue, erase and kill characters read as data, and a partial
 * line becoming readable when ICANON is turned off. */
#include "tty.h"

static void mode(int s, int vmin, int vtime)
{
	struct termios t;

	tcgetattr(s, &t);
	t.c_lflag &= ~(ICANON | ECHO);
	t.c_cc[VMIN] = (cc_t)vmin;
	t.c_cc[VTIME] = (cc_t)vtime;
	tcsetattr(s, TCSANOW, &t);
}

int main(void)
{
	int m, s;

	if (pty_pair(&m, &s) < 0)
		return 1;
	SHOW(write(m, "abc", 3));
	show_master(m, "echo before raw");
	mode(s, 0, 0);
	wait_input(s);
	show_read(s, "partial line after icanon off", 100);
	show_read(s, "min0 time0 empty", 100);

	SHOW(write(m, "xy\177\025z", 5));
	wait_input(s);
	show_read(s, "editing chars are data", 100);

	mode(s, 3, 0);
	SHOW(write(m, "12345", 5));
	wait_input(s);
	sleep_ms(50);
	show_read(s, "min3 with 5 queued", 100);
	SHOW(write(m, "678", 3));
	wait_input(s);
	sleep_ms(50);
	show_read(s, "read 2 < min", 2);
	mode(s, 1, 0);
	show_read(s, "rest", 100);

	mode(s, 1, 0);
	fcntl(s, F_SETFL, O_NONBLOCK);
	show_read(s, "nonblock empty", 100);
	mode(s, 0, 0);
	show_read(s, "nonblock min0 time0", 100);

	/* MIN 0, TIME 1 with data already there returns at once. */
	fcntl(s, F_SETFL, 0);
	mode(s, 0, 1);
	SHOW(write(m, "q", 1));
	wait_input(s);
	show_read(s, "min0 time1 with data", 100);
	/* MIN 2, TIME 1: the interbyte timer only runs after a byte. */
	mode(s, 2, 1);
	SHOW(write(m, "rs", 2));
	wait_input(s);
	sleep_ms(50);
	show_read(s, "min2 time1", 100);
	/* And timing out: MIN 0 TIME 1 on an empty queue returns 0. */
	mode(s, 0, 1);
	show_read(s, "min0 time1 timeout", 100);
	return 0;
}
