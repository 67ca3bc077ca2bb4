/* Bulk data both ways in raw mode between processes: 256 KiB typed into
 * the master arrive at the slave intact and in order, 256 KiB written by
 * the slave arrive at the master with no output processing; writers
 * wait for readers (no byte lost, none duplicated). */
#include "tty.h"

#define TOTAL (256 * 1024)

static unsigned char pattern(long i)
{
	return (unsigned char)((i * 7 + i / 251) & 0xff);
}

static long pump_read(int fd, long total)
{
	static unsigned char buf[8192];
	long got = 0, bad = 0;

	while (got < total) {
		long n = read(fd, buf, sizeof(buf));

		if (n <= 0)
			break;
		for (long i = 0; i < n; i++)
			bad += buf[i] != pattern(got + i);
		got += n;
	}
	return bad ? -bad : got;
}

static void pump_write(int fd, long total)
{
	static unsigned char buf[5000];
	long done = 0;

	while (done < total) {
		long n = total - done < (long)sizeof(buf) ? total - done : (long)sizeof(buf);

		for (long i = 0; i < n; i++)
			buf[i] = pattern(done + i);
		n = write(fd, buf, (size_t)n);
		if (n <= 0)
			break;
		done += n;
	}
}

int main(void)
{
	struct termios t;
	int m, s;
	pid_t pid;

	if (pty_pair(&m, &s) < 0)
		return 1;
	tcgetattr(s, &t);
	cfmakeraw(&t);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	tcsetattr(s, TCSANOW, &t);

	pid = fork();
	if (pid == 0) {
		pump_write(m, TOTAL);
		_exit(0);
	}
	printf("slave received %ld\n", pump_read(s, TOTAL));
	reap(pid, "master writer");

	pid = fork();
	if (pid == 0) {
		pump_write(s, TOTAL);
		_exit(0);
	}
	printf("master received %ld\n", pump_read(m, TOTAL));
	reap(pid, "slave writer");
	return 0;
}
