/* How much a pty holds before a writer waits: well over 16 KiB each way
 * (Linux: its flip buffers and n_tty's 4 KiB), so one process can write
 * 8 KiB to the master and then read it all from the slave, in raw and
 * in canonical mode, in order. */
#include "tty.h"

static long fill(int fd)
{
	char buf[1000];
	long total = 0, r;

	memset(buf, 'f', sizeof(buf));
	while ((r = write(fd, buf, sizeof(buf))) > 0)
		total += r;
	return total;
}

static void round_trip(int m, int s, int canon)
{
	static char out[8192], in[8192];
	long got = 0, r;

	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (i % 64 == 63) ? '\n' : (char)('a' + i % 26);
	printf("%s: wrote %ld\n", canon ? "canonical" : "raw", (long)write(m, out, sizeof(out)));
	while (got < (long)sizeof(in)) {
		wait_input(s);
		r = read(s, in + got, sizeof(in) - (size_t)got);
		if (r <= 0)
			break;
		got += r;
	}
	printf("%s: read back %ld, same %d\n", canon ? "canonical" : "raw", got,
	       got == (long)sizeof(in) && !memcmp(in, out, sizeof(in)));
}

int main(void)
{
	struct termios t;
	int m, s;

	if (pty_pair(&m, &s) < 0)
		return 1;
	tcgetattr(s, &t);
	cfmakeraw(&t);
	tcsetattr(s, TCSANOW, &t);
	round_trip(m, s, 0);
	t.c_lflag |= ICANON;
	tcsetattr(s, TCSANOW, &t);
	round_trip(m, s, 1);

	t.c_lflag &= ~ICANON;
	tcsetattr(s, TCSANOW, &t);
	fcntl(m, F_SETFL, O_NONBLOCK);
	fcntl(s, F_SETFL, O_NONBLOCK);
	/* How much the master takes first is not printed: Linux moves input
	 * on from its flip buffer in a worker, so under load the amount
	 * varies from run to run natively. */
	(void)fill(m);
	printf("then EAGAIN: %s\n", errname(errno));
	printf("slave output over 16 KiB: %d\n", fill(s) > 16384);
	tcflush(s, TCIFLUSH);
	printf("after TCIFLUSH the master takes more: %d\n", fill(m) > 0);
	return 0;
}
